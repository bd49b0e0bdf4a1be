// The official OpenRouter SDK, with no Vendo wiring: it reads OPENROUTER_API_KEY and
// OPENROUTER_BASE_URL from the environment, which `vendo run --deployment <id> -- node …`
// injects (the deployment's vendo_sk_ key and Vendo's proxy URL). Streams a reply to stdout.
import { OpenRouter } from "@openrouter/sdk";

const model = process.env.OPENROUTER_MODEL ?? "openai/gpt-4o-mini";
const prompt = process.argv.slice(2).join(" ") || "Say hello from Vendo in one short sentence.";

const openRouter = new OpenRouter();
const stream = await openRouter.chat.send({
  chatRequest: { model, stream: true, messages: [{ role: "user", content: prompt }] },
});
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta?.content ?? "");
}
process.stdout.write("\n");
