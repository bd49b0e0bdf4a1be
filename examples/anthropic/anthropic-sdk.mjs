// The official `@anthropic-ai/sdk` client with no Vendo wiring: it reads ANTHROPIC_API_KEY and
// ANTHROPIC_BASE_URL, which `vendo run --deployment <id> -- node examples/anthropic/anthropic-sdk.mjs`
// injects. One line per call: a message, the same streamed, a forced tool use, a token count (free).
import Anthropic from "@anthropic-ai/sdk";

const claude = new Anthropic();
const model = process.env.ANTHROPIC_MODEL ?? "claude-haiku-4-5";
const prompt = process.argv.slice(2).join(" ") || "Say hello from Vendo in one short sentence.";

const message = await claude.messages.create({ model, max_tokens: 60, messages: [{ role: "user", content: prompt }] });
console.log(message.content.map((b) => (b.type === "text" ? b.text : "")).join(""));

let streamed = "";
const stream = claude.messages.stream({ model, max_tokens: 200, messages: [{ role: "user", content: prompt }] });
stream.on("text", (text) => (streamed += text));
await stream.finalMessage();
console.log(streamed);

const weather = { name: "get_weather", description: "The weather in a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };
const call = await claude.messages.create({ model, max_tokens: 100, messages: [{ role: "user", content: "Weather in Paris?" }], tools: [weather], tool_choice: { type: "any" } });
const use = call.content.find((b) => b.type === "tool_use");
console.log(`${use?.name}(${JSON.stringify(use?.input)})`);

const counted = await claude.messages.countTokens({ model, messages: [{ role: "user", content: prompt }] });
console.log(`${counted.input_tokens} input tokens`);
