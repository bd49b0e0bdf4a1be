// The Vercel AI SDK with `@ai-sdk/anthropic`, in the form docs/integrations/anthropic.md gives: it
// reads ANTHROPIC_BASE_URL but expects it to end in /v1 (the official SDK's does not), so the
// provider is created with /v1 appended; the key comes from ANTHROPIC_API_KEY. Run it as
// `vendo run --deployment <id> -- node examples/anthropic/ai-sdk.mjs`: one answer, then the same
// prompt streamed.
import { createAnthropic } from "@ai-sdk/anthropic";
import { generateText } from "ai";
import { streamText } from "ai";

const anthropic = createAnthropic({ baseURL: `${process.env.ANTHROPIC_BASE_URL}/v1` });
const { text } = await generateText({ model: anthropic("claude-haiku-4-5"), prompt: "Say hello." });
console.log(text);

const stream = streamText({ model: anthropic("claude-haiku-4-5"), prompt: "Say hello." });
let streamed = "";
for await (const part of stream.textStream) streamed += part;
console.log(streamed);
