// The same streamed reply through the `openai` client: point it at Vendo's proxy with the env
// vars `vendo run --deployment <id> -- node …` injects.
import OpenAI from "openai";

const model = process.env.OPENROUTER_MODEL ?? "openai/gpt-4o-mini";
const prompt = process.argv.slice(2).join(" ") || "Say hello from Vendo in one short sentence.";

const client = new OpenAI({ baseURL: process.env.OPENROUTER_BASE_URL, apiKey: process.env.OPENROUTER_API_KEY });
const stream = await client.chat.completions.create({ model, stream: true, messages: [{ role: "user", content: prompt }] });
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta?.content ?? "");
}
process.stdout.write("\n");
