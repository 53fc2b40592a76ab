// The npm `@anthropic-ai/sdk` SDK with default options.
import Anthropic from "@anthropic-ai/sdk";
const client = new Anthropic({ apiKey: "sk-ant-test-key", maxRetries: 0 });
const r = await client.messages.create({
  model: "claude-sonnet-4-5",
  max_tokens: 64,
  messages: [{ role: "user", content: process.argv[2] }],
});
console.log(r.content[0].text);
