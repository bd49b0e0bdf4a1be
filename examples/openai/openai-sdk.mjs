// The official `openai` client with no Vendo wiring: it reads OPENAI_API_KEY and OPENAI_BASE_URL,
// which `vendo run --deployment <id> -- node examples/openai/openai-sdk.mjs` injects (the
// deployment's vendo_sk_ key and Vendo's proxy). One line of output per call: a chat completion,
// the same streamed, a forced tool call, a response, a response streamed, an embedding.
import OpenAI from "openai";

const openai = new OpenAI();
const model = process.env.OPENAI_MODEL ?? "gpt-4o-mini";
const prompt = process.argv.slice(2).join(" ") || "Say hello from Vendo in one short sentence.";

const plain = await openai.chat.completions.create({ model, messages: [{ role: "user", content: prompt }], max_tokens: 40 });
console.log(plain.choices[0]?.message.content);

let streamed = "";
for await (const chunk of await openai.chat.completions.create({ model, messages: [{ role: "user", content: prompt }], stream: true })) {
  streamed += chunk.choices[0]?.delta?.content ?? "";
}
console.log(streamed);

const weather = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };
const call = await openai.chat.completions.create({ model, messages: [{ role: "user", content: "Weather in Paris?" }], tools: [weather], tool_choice: "required" });
const toolCall = call.choices[0]?.message.tool_calls?.[0];
console.log(`${toolCall?.function.name}(${toolCall?.function.arguments})`);

const response = await openai.responses.create({ model, input: prompt, max_output_tokens: 40 });
console.log(response.output_text);

let text = "";
for await (const event of await openai.responses.create({ model, input: prompt, stream: true })) {
  if (event.type === "response.output_text.delta") text += event.delta;
}
console.log(text);

const embedding = await openai.embeddings.create({ model: "text-embedding-3-small", input: prompt });
console.log(`embedding of ${embedding.data[0]?.embedding.length} dimensions`);
