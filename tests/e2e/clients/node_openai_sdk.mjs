// The npm `openai` SDK with default options.
import OpenAI from "openai";
const client = new OpenAI({ apiKey: "sk-test-key", maxRetries: 0 });
const r = await client.chat.completions.create({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: process.argv[2] }],
});
console.log(r.choices[0].message.content);
