// Built-in fetch, no proxy code: what an app does by default.
const prompt = process.argv[2];
const r = await fetch("https://api.openai.com/v1/chat/completions", {
  method: "POST",
  headers: { "content-type": "application/json", authorization: "Bearer sk-test-key" },
  body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }] }),
});
if (r.status !== 200) throw new Error(`status ${r.status}: ${await r.text()}`);
console.log((await r.json()).choices[0].message.content);
