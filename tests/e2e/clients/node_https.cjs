// The https module with its default (global) agent.
const https = require("node:https");
const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: process.argv[2] }] });
const req = https.request(
  "https://api.openai.com/v1/chat/completions",
  { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer sk-test-key" } },
  (res) => {
    let data = "";
    res.on("data", (c) => (data += c));
    res.on("end", () => {
      if (res.statusCode !== 200) { console.error(res.statusCode, data); process.exit(1); }
      console.log(JSON.parse(data).choices[0].message.content);
    });
  }
);
req.on("error", (e) => { console.error("error:", e.message); process.exit(1); });
req.end(body);
