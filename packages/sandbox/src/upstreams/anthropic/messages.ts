// POST /v1/messages as Anthropic answers it (https://docs.claude.com/en/api/messages): the
// `anthropic-version` header and `max_tokens` are required, unknown fields are refused ("Extra
// inputs are not permitted"), a tool choice of `any` or a named tool is answered with a tool_use
// block. Usage splits the prompt into input_tokens (uncached), cache_creation_input_tokens (with
// its 5-minute / 1-hour split) and cache_read_input_tokens. Streamed as typed events:
// message_start (the input usage), content_block_start, ping, content_block_delta × N,
// content_block_stop, message_delta (the stop reason and the cumulative usage), message_stop.

import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { Endpoint, ToolCallPlan } from "../../generate.ts";
import type { FinishInfo, GenerationMeta, InStreamError, Shape, StreamShape } from "../../shapes.ts";
import { toolArguments } from "../../toolArguments.ts";
import type { Metered } from "../../usage.ts";
import { noForcedToolUse } from "./models.ts";

const cacheControl = z.object({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() }).optional();
const textBlock = z.object({ type: z.literal("text"), text: z.string(), cache_control: cacheControl }).passthrough();
const block = z.discriminatedUnion(
  "type",
  [
    textBlock,
    z.object({ type: z.literal("image"), source: z.object({ type: z.enum(["base64", "url", "file"]) }).passthrough(), cache_control: cacheControl }),
    z.object({ type: z.literal("document"), source: z.object({ type: z.string() }).passthrough() }).passthrough(),
    z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.record(z.string(), z.unknown()) }).passthrough(),
    z.object({ type: z.literal("tool_result"), tool_use_id: z.string(), content: z.union([z.string(), z.array(z.object({ type: z.string() }).passthrough())]).optional() }).passthrough(),
    z.object({ type: z.literal("thinking"), thinking: z.string(), signature: z.string() }),
    z.object({ type: z.literal("redacted_thinking"), data: z.string() }),
  ],
  { error: "Input tag found in messages is not a valid content block type" },
);
const message = z.object({ role: z.enum(["user", "assistant"]), content: z.union([z.string(), z.array(block)]) });
const tool = z.union([
  z.object({ name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/), description: z.string().optional(), input_schema: z.object({ type: z.literal("object") }).passthrough(), type: z.literal("custom").optional(), cache_control: cacheControl }).strict(),
  z.object({ type: z.string().regex(/_\d{8}$/), name: z.string() }).passthrough(),
]);

/** Anthropic's Messages request (strict: an unknown field is refused). */
export const anthropicMessagesSchema = z.strictObject({
  model: z.string(),
  max_tokens: z.int().min(1),
  messages: z.array(message),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  metadata: z.object({ user_id: z.string().nullish() }).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_k: z.int().min(0).optional(),
  top_p: z.number().min(0).max(1).optional(),
  tools: z.array(tool).optional(),
  tool_choice: z.discriminatedUnion("type", [
    z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
    z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
    z.object({ type: z.literal("tool"), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
    z.object({ type: z.literal("none") }),
  ]).optional(),
  thinking: z
    .discriminatedUnion("type", [z.object({ type: z.literal("enabled"), budget_tokens: z.int().min(1024) }), z.object({ type: z.literal("disabled") }), z.object({ type: z.literal("adaptive") }).passthrough()])
    .optional(),
  service_tier: z.enum(["auto", "standard_only"]).optional(),
});

/** Counting a request: the same fields but the generation's own (POST /v1/messages/count_tokens). */
export const anthropicCountSchema = anthropicMessagesSchema.omit({ max_tokens: true, metadata: true, stop_sequences: true, stream: true, temperature: true, top_k: true, top_p: true, service_tier: true });

/** Anthropic's words for a schema problem: "max_tokens: Field required", "foo: Extra inputs are not permitted". */
export function anthropicProblem(schema: z.ZodType, body: unknown): string | null {
  const result = schema.safeParse(body);
  if (result.success) return null;
  const issue = result.error.issues[0];
  if (!issue) return "Invalid request.";
  if (issue.code === "unrecognized_keys") return `${issue.keys[0] ?? ""}: Extra inputs are not permitted`;
  const where = issue.path.map(String).join(".");
  const missing = issue.code === "invalid_type" && issue.message.includes("received undefined");
  return `${where}: ${missing ? "Field required" : issue.message}`;
}

const textTokens = (text: string) => Math.ceil(Buffer.byteLength(text, "utf8") / 4);

/** The text a content block contributes to the prompt (images and documents count nothing here). */
function blockText(b: Record<string, unknown>): string {
  switch (b.type) {
    case "text": return String(b.text);
    case "tool_use": return `${String(b.name)}${JSON.stringify(b.input)}`;
    case "tool_result":
      return typeof b.content === "string" ? b.content : Array.isArray(b.content) ? b.content.map((c) => blockText(c as Record<string, unknown>)).join("") : "";
    case "thinking": return String(b.thinking);
    default: return "";
  }
}

/** Prompt tokens: the system prompt and each message, each its text's bytes / 4 (rounded up) + 4; tools' schemas too. */
export function anthropicPromptTokens(body: Record<string, unknown>): number {
  const system = typeof body.system === "string" ? body.system : Array.isArray(body.system) ? body.system.map((b) => blockText(b as Record<string, unknown>)).join("") : "";
  let tokens = system ? textTokens(system) + 4 : 0;
  for (const m of (body.messages ?? []) as Array<{ content: string | Array<Record<string, unknown>> }>) {
    tokens += textTokens(typeof m.content === "string" ? m.content : m.content.map(blockText).join("")) + 4;
  }
  for (const t of (body.tools ?? []) as Array<Record<string, unknown>>) tokens += textTokens(JSON.stringify(t)) + 4;
  return tokens;
}

function forcedTool(body: Record<string, unknown>): ToolCallPlan | undefined {
  const tools = ((body.tools ?? []) as Array<{ name?: string; input_schema?: unknown; type?: string }>).filter((t) => t.input_schema !== undefined);
  const choice = body.tool_choice as { type?: string; name?: string } | undefined;
  const name = choice?.type === "tool" ? choice.name : choice?.type === "any" ? tools[0]?.name : undefined;
  const tool = tools.find((t) => t.name === name);
  return tool?.name ? { name: tool.name, arguments: toolArguments(tool.input_schema) } : undefined;
}

/** The usage object: input_tokens is the uncached part of the prompt. */
export function anthropicUsageJson(m: Metered, outputTokens = m.completionTokens): string {
  const uncached = m.promptTokens - m.cachedTokens - m.cacheWriteTokens - m.cacheWriteLongTokens;
  return (
    `{"input_tokens":${uncached},"cache_creation_input_tokens":${m.cacheWriteTokens + m.cacheWriteLongTokens},"cache_read_input_tokens":${m.cachedTokens},` +
    `"cache_creation":{"ephemeral_5m_input_tokens":${m.cacheWriteTokens},"ephemeral_1h_input_tokens":${m.cacheWriteLongTokens}},"output_tokens":${outputTokens},"service_tier":"standard"}`
  );
}

const stopReason = (f: FinishInfo) => (f.reason === "length" ? "max_tokens" : f.reason === "tool_calls" ? "tool_use" : "end_turn");
const toolId = (meta: GenerationMeta) => `toolu_${meta.id.slice(4, 28)}`;

function contentJson(meta: GenerationMeta, text: string): string {
  if (meta.toolName === null) return `[{"type":"text","text":${JSON.stringify(text)}}]`;
  let input: unknown = {};
  try {
    input = JSON.parse(text);
  } catch {
    // cut by max_tokens: the arguments are incomplete
  }
  return `[{"type":"tool_use","id":"${toolId(meta)}","name":${JSON.stringify(meta.toolName)},"input":${JSON.stringify(input)}}]`;
}

function messageJson(meta: GenerationMeta, content: string, stop: string | null, usage: string): string {
  return `{"id":"${meta.id}","type":"message","role":"assistant","model":${JSON.stringify(meta.model.id)},"content":${content},"stop_reason":${stop === null ? "null" : `"${stop}"`},"stop_sequence":null,"usage":${usage}}`;
}

function messagesStream(meta: GenerationMeta): StreamShape {
  const event = (type: string, data: string) => `event: ${type}\ndata: {"type":"${type}"${data ? `,${data}` : ""}}\n\n`;
  const start = meta.toolName === null ? `{"type":"text","text":""}` : `{"type":"tool_use","id":"${toolId(meta)}","name":${JSON.stringify(meta.toolName)},"input":{}}`;
  return {
    open: (m) => messageStart(meta, m),
    first: () => event("content_block_start", `"index":0,"content_block":${start}`) + event("ping", ""),
    piece: (text) =>
      event("content_block_delta", `"index":0,"delta":${meta.toolName === null ? `{"type":"text_delta","text":${JSON.stringify(text)}}` : `{"type":"input_json_delta","partial_json":${JSON.stringify(text)}}`}`),
    finish: () => event("content_block_stop", `"index":0`),
    close: (m, f) => event("message_delta", `"delta":{"stop_reason":"${stopReason(f)}","stop_sequence":null},"usage":${anthropicUsageJson(m)}`) + event("message_stop", ""),
    error: (e: InStreamError) => event("error", `"error":{"type":"overloaded_error","message":${JSON.stringify(e.message)}}`),
  };
}

/** message_start carries the input usage and output_tokens 1, before any content (Anthropic's order). */
export function messageStart(meta: GenerationMeta, m: Metered): string {
  return `event: message_start\ndata: {"type":"message_start","message":${messageJson(meta, "[]", null, anthropicUsageJson(m, 1))}}\n\n`;
}

/** The request must name the API version it was written for. */
export function versionProblem(req: IncomingMessage): string | null {
  const version = req.headers["anthropic-version"];
  return typeof version === "string" && version !== "" ? null : "anthropic-version: header is required";
}

export const anthropicMessagesEndpoint: Endpoint = {
  path: "/anthropic/v1/messages",
  kind: "chat",
  parse(body, req) {
    const problem = versionProblem(req) ?? anthropicProblem(anthropicMessagesSchema, body);
    if (problem !== null) return problem;
    const choice = (body.tool_choice as { type?: string } | undefined)?.type;
    if ((choice === "any" || choice === "tool") && noForcedToolUse.has(String(body.model))) return "tool_choice: forcing tool use is not supported on this model; use \"auto\"";
    const thinking = body.thinking as { type?: string; budget_tokens?: number } | undefined;
    if (thinking?.type === "enabled" && (thinking.budget_tokens ?? 0) >= (body.max_tokens as number)) return "max_tokens: must be greater than thinking.budget_tokens";
    return { promptTokens: anthropicPromptTokens(body), maxTokens: body.max_tokens as number, stream: body.stream === true, choices: 1, toolCall: forcedTool(body) };
  },
  shape(meta, _body, streamed): Shape {
    const bodyOf: Shape["body"] = (contents, f, m, error) => {
      if (error) return `{"type":"error","error":{"type":"api_error","message":${JSON.stringify(error.message)}}}`;
      return messageJson(meta, contentJson(meta, contents[0] ?? ""), stopReason(f), anthropicUsageJson(m));
    };
    return streamed ? { body: bodyOf, stream: messagesStream(meta) } : { body: bodyOf };
  },
};
