// POST /v1/chat/completions as OpenAI answers it. A stream sends usage only when asked
// (`stream_options.include_usage`): then every chunk carries `"usage": null` and a last chunk with
// no choices carries the usage; otherwise no chunk has a usage field. Chunks carry an
// `obfuscation` field unless `stream_options.include_obfuscation` is false. A tool choice that
// forces a function ("required" or by name) is answered with a call of it.

import type { Endpoint, ToolCallPlan } from "../../generate.ts";
import type { FinishInfo, GenerationMeta, InStreamError, Shape, StreamShape } from "../../shapes.ts";
import { DONE_LINE } from "../../shapes.ts";
import { countPromptTokens } from "../../tokens.ts";
import { toolArguments } from "../../toolArguments.ts";
import type { Metered } from "../../usage.ts";
import { openaiChatSchema, openaiProblem } from "./schemas.ts";

/** OpenAI's usage object of a chat completion (no cost: OpenAI reports none). */
export function openaiChatUsageJson(m: Metered): string {
  return (
    `{"prompt_tokens":${m.promptTokens},"completion_tokens":${m.completionTokens},"total_tokens":${m.promptTokens + m.completionTokens},` +
    `"prompt_tokens_details":{"cached_tokens":${m.cachedTokens},"audio_tokens":0},` +
    `"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`
  );
}

/** The function a request's tool choice forces, with arguments made from its parameters; else undefined. */
export function forcedFunction(body: Record<string, unknown>): ToolCallPlan | undefined {
  const tools = Array.isArray(body.tools) ? (body.tools as Array<{ function?: { name?: string; parameters?: unknown } }>) : [];
  const choice = body.tool_choice as string | { function?: { name?: string } } | undefined;
  const name = typeof choice === "object" ? choice.function?.name : choice === "required" ? tools[0]?.function?.name : undefined;
  const tool = tools.find((t) => t.function?.name === name);
  return tool?.function?.name ? { name: tool.function.name, arguments: toolArguments(tool.function.parameters) } : undefined;
}

/** A deterministic stand-in for OpenAI's random padding: a few letters, varying by chunk. */
function obfuscation(seq: number): string {
  return "sandboxpad".slice(0, 2 + (seq % 8));
}

function head(meta: GenerationMeta): string {
  return `{"id":"${meta.id}","object":"chat.completion.chunk","created":${meta.created},"model":${JSON.stringify(meta.model.id)},"service_tier":"default","system_fingerprint":"fp_sandbox"`;
}

function chatStream(meta: GenerationMeta, choices: number, includeUsage: boolean, obfuscate: boolean): StreamShape {
  let seq = 0;
  const tail = () => (includeUsage ? `,"usage":null` : "") + (obfuscate ? `,"obfuscation":"${obfuscation(seq++)}"` : "") + "}\n\n";
  const chunk = (index: number, delta: string, finish: string | null) =>
    `data: ${head(meta)},"choices":[{"index":${index},"delta":${delta},"logprobs":null,"finish_reason":${finish === null ? "null" : `"${finish}"`}}]${tail()}`;
  const callId = `call_${meta.id.slice(-12)}`;
  return {
    open: () => "",
    first: (i) =>
      meta.toolName === null
        ? chunk(i, `{"role":"assistant","content":"","refusal":null}`, null)
        : chunk(i, `{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"${callId}","type":"function","function":{"name":${JSON.stringify(meta.toolName)},"arguments":""}}],"refusal":null}`, null),
    piece: (text, i) =>
      meta.toolName === null ? chunk(i, `{"content":${JSON.stringify(text)}}`, null) : chunk(i, `{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(text)}}}]}`, null),
    finish: (f, i) => chunk(i, "{}", f.reason),
    close: (m) => (includeUsage ? `data: ${head(meta)},"choices":[],"usage":${openaiChatUsageJson(m)}${obfuscate ? `,"obfuscation":"${obfuscation(seq++)}"` : ""}}\n\n` : "") + DONE_LINE,
    error: (e: InStreamError) => `data: {"error":{"message":${JSON.stringify(e.message)},"type":"server_error","param":null,"code":null}}\n\n`,
  };
}

function messageJson(meta: GenerationMeta, content: string, index: number): string {
  if (meta.toolName === null) return `{"role":"assistant","content":${JSON.stringify(content)},"refusal":null,"annotations":[]}`;
  const call = `{"id":"call_${meta.id.slice(-12)}${index || ""}","type":"function","function":{"name":${JSON.stringify(meta.toolName)},"arguments":${JSON.stringify(content)}}}`;
  return `{"role":"assistant","content":null,"tool_calls":[${call}],"refusal":null,"annotations":[]}`;
}

function chatShape(meta: GenerationMeta, body: Record<string, unknown>, streamed: boolean, choices: number): Shape {
  const bodyOf: Shape["body"] = (contents, f: FinishInfo, m, error) => {
    if (error) return `{"error":{"message":${JSON.stringify(error.message)},"type":"server_error","param":null,"code":null}}`;
    const list = contents.map((content, i) => `{"index":${i},"message":${messageJson(meta, content, i)},"logprobs":null,"finish_reason":"${f.reason}"}`);
    return `{"id":"${meta.id}","object":"chat.completion","created":${meta.created},"model":${JSON.stringify(meta.model.id)},"choices":[${list.join(",")}],"usage":${openaiChatUsageJson(m)},"service_tier":"default","system_fingerprint":"fp_sandbox"}`;
  };
  const options = (body.stream_options ?? {}) as { include_usage?: boolean; include_obfuscation?: boolean };
  return streamed ? { body: bodyOf, stream: chatStream(meta, choices, options.include_usage === true, options.include_obfuscation !== false) } : { body: bodyOf };
}

export const openaiChatEndpoint: Endpoint = {
  path: "/openai/v1/chat/completions",
  kind: "chat",
  parse(body) {
    const problem = openaiProblem(openaiChatSchema, body);
    if (problem !== null) return problem;
    const maxTokens = [body.max_tokens, body.max_completion_tokens].filter((v): v is number => typeof v === "number");
    return {
      promptTokens: countPromptTokens(body),
      maxTokens: maxTokens.length ? Math.min(...maxTokens) : undefined,
      stream: body.stream === true,
      choices: typeof body.n === "number" ? body.n : 1,
      toolCall: forcedFunction(body),
    };
  },
  shape: chatShape,
};
