// The Vercel AI SDK with OpenRouter's provider, in the form docs/integrations/openrouter.md gives:
// unlike the official OpenRouter SDK, `@openrouter/ai-sdk-provider` does not read
// OPENROUTER_BASE_URL, so the provider is created with it (the key comes from OPENROUTER_API_KEY).
// Run it as `vendo run --deployment <id> -- node examples/ai-sdk-provider.mjs`: one answer, then
// the same prompt streamed.
import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import { generateText } from "ai";
import { streamText } from "ai";

const openrouter = createOpenRouter({ baseURL: process.env.OPENROUTER_BASE_URL });
const { text } = await generateText({ model: openrouter("openai/gpt-4o-mini"), prompt: "Say hello." });
console.log(text);

const stream = streamText({ model: openrouter("openai/gpt-4o-mini"), prompt: "Say hello." });
for await (const part of stream.textStream) process.stdout.write(part);
process.stdout.write("\n");
