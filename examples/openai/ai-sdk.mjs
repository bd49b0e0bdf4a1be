// The Vercel AI SDK with `@ai-sdk/openai`, configured only by what `vendo run` injects: its
// default `openai` provider reads OPENAI_API_KEY and OPENAI_BASE_URL. One line per call: the
// Responses API (the provider's default), then chat completions, each plain and streamed.
import { openai } from "@ai-sdk/openai";
import { generateText, streamText } from "ai";

const prompt = process.argv.slice(2).join(" ") || "Say hello.";
for (const model of [openai("gpt-4o-mini"), openai.chat("gpt-4o-mini")]) {
  const { text } = await generateText({ model, prompt, maxOutputTokens: 40 });
  console.log(text);
  const stream = streamText({ model, prompt });
  let streamed = "";
  for await (const part of stream.textStream) streamed += part;
  console.log(streamed);
}
