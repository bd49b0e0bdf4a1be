// POST /v1/responses as OpenAI answers it: a `response` object whose `output` holds a message
// (or a function call the tool choice forced), usage as input_tokens / output_tokens with their
// details; streamed as typed events (`event:` and `data:` with a sequence_number), from
// response.created to response.completed (response.incomplete when max_output_tokens cut it).
// A stored response (store, the default) is remembered: a request naming it in
// previous_response_id is billed its input and output again as input, as OpenAI bills it.

import type { Endpoint, ToolCallPlan } from "../../generate.ts";
import type { FinishInfo, GenerationMeta, InStreamError, Shape, StreamShape } from "../../shapes.ts";
import { toolArguments } from "../../toolArguments.ts";
import type { Metered } from "../../usage.ts";
import { openaiProblem, openaiResponsesSchema } from "./schemas.ts";

const textTokens = (text: string) => Math.ceil(Buffer.byteLength(text, "utf8") / 4);

/** Tokens of one input item: its text (message content, a call's name and arguments, a call's output) + 4. */
function itemTokens(item: unknown): number {
  const i = (item ?? {}) as Record<string, unknown>;
  let text = "";
  if (typeof i.content === "string") text = i.content;
  else if (Array.isArray(i.content)) for (const part of i.content) text += typeof (part as { text?: unknown }).text === "string" ? (part as { text: string }).text : "";
  else if (i.type === "function_call") text = `${String(i.name)}${String(i.arguments)}`;
  else if (i.type === "function_call_output") text = typeof i.output === "string" ? i.output : JSON.stringify(i.output);
  return textTokens(text) + 4;
}

/** Input tokens: the instructions and every input item, each as a message is counted on chat. */
export function responsesInputTokens(body: Record<string, unknown>): number {
  let tokens = typeof body.instructions === "string" ? textTokens(body.instructions) + 4 : 0;
  if (typeof body.input === "string") tokens += textTokens(body.input) + 4;
  else if (Array.isArray(body.input)) for (const item of body.input) tokens += itemTokens(item);
  return tokens;
}

function forcedFunction(body: Record<string, unknown>): ToolCallPlan | undefined {
  const tools = (Array.isArray(body.tools) ? body.tools : []) as Array<{ type?: string; name?: string; parameters?: unknown }>;
  const functions = tools.filter((t) => t.type === "function" && typeof t.name === "string");
  const choice = body.tool_choice as string | { type?: string; name?: string } | undefined;
  const name = typeof choice === "object" && choice.type === "function" ? choice.name : choice === "required" ? functions[0]?.name : undefined;
  const tool = functions.find((t) => t.name === name);
  return tool?.name ? { name: tool.name, arguments: toolArguments(tool.parameters) } : undefined;
}

function usageJson(m: Metered): string {
  return `{"input_tokens":${m.promptTokens},"input_tokens_details":{"cached_tokens":${m.cachedTokens}},"output_tokens":${m.completionTokens},"output_tokens_details":{"reasoning_tokens":0},"total_tokens":${m.promptTokens + m.completionTokens}}`;
}

function ids(meta: GenerationMeta) {
  const tail = meta.id.slice(5);
  return { message: `msg_${tail}`, call: `fc_${tail}`, callId: `call_${tail.slice(-16)}` };
}

/** The output item: a message with one text part, or a function call. */
function outputItem(meta: GenerationMeta, text: string, done: boolean): string {
  const { message, call, callId } = ids(meta);
  const status = done ? "completed" : "in_progress";
  if (meta.toolName !== null) return `{"id":"${call}","type":"function_call","status":"${status}","arguments":${JSON.stringify(done ? text : "")},"call_id":"${callId}","name":${JSON.stringify(meta.toolName)}}`;
  const content = done ? `[{"type":"output_text","annotations":[],"logprobs":[],"text":${JSON.stringify(text)}}]` : "[]";
  return `{"id":"${message}","type":"message","status":"${status}","content":${content},"role":"assistant"}`;
}

/** The response object; `output` and `usage` as far as known. */
function responseJson(meta: GenerationMeta, body: Record<string, unknown>, state: { status: string; output: string; usage: string; incomplete: boolean }): string {
  const tools = JSON.stringify(body.tools ?? []);
  const toolChoice = JSON.stringify(body.tool_choice ?? "auto");
  return (
    `{"id":"${meta.id}","object":"response","created_at":${meta.created},"status":"${state.status}","background":false,"error":null,` +
    `"incomplete_details":${state.incomplete ? '{"reason":"max_output_tokens"}' : "null"},"instructions":${JSON.stringify(body.instructions ?? null)},` +
    `"max_output_tokens":${JSON.stringify(body.max_output_tokens ?? null)},"model":${JSON.stringify(meta.model.id)},"output":${state.output},` +
    `"parallel_tool_calls":true,"previous_response_id":${JSON.stringify(body.previous_response_id ?? null)},"reasoning":{"effort":null,"summary":null},` +
    `"service_tier":"default","store":${body.store !== false},"temperature":1,"text":{"format":{"type":"text"},"verbosity":"medium"},"tool_choice":${toolChoice},` +
    `"tools":${tools},"top_p":1,"truncation":"disabled","usage":${state.usage},"user":null,"metadata":{}}`
  );
}

const terminal = (f: FinishInfo) => (f.reason === "length" ? { status: "incomplete", incomplete: true } : { status: "completed", incomplete: false });

function responsesStream(meta: GenerationMeta, body: Record<string, unknown>, remember: (m: Metered) => void): StreamShape {
  let seq = 0;
  let text = "";
  const event = (type: string, fields: string) => `event: ${type}\ndata: {"type":"${type}","sequence_number":${seq++},${fields}}\n\n`;
  const { message, call } = ids(meta);
  const itemId = meta.toolName === null ? message : call;
  const inProgress = () => responseJson(meta, body, { status: "in_progress", output: "[]", usage: "null", incomplete: false });
  return {
    open: () => event("response.created", `"response":${inProgress()}`) + event("response.in_progress", `"response":${inProgress()}`),
    first: () =>
      event("response.output_item.added", `"output_index":0,"item":${outputItem(meta, "", false)}`) +
      (meta.toolName === null ? event("response.content_part.added", `"item_id":"${itemId}","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}`) : ""),
    piece: (piece) => {
      text += piece;
      return meta.toolName === null
        ? event("response.output_text.delta", `"item_id":"${itemId}","output_index":0,"content_index":0,"delta":${JSON.stringify(piece)},"logprobs":[]`)
        : event("response.function_call_arguments.delta", `"item_id":"${itemId}","output_index":0,"delta":${JSON.stringify(piece)}`);
    },
    finish: () =>
      (meta.toolName === null
        ? event("response.output_text.done", `"item_id":"${itemId}","output_index":0,"content_index":0,"text":${JSON.stringify(text)},"logprobs":[]`) +
          event("response.content_part.done", `"item_id":"${itemId}","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":${JSON.stringify(text)}}`)
        : event("response.function_call_arguments.done", `"item_id":"${itemId}","output_index":0,"arguments":${JSON.stringify(text)}`)) +
      event("response.output_item.done", `"output_index":0,"item":${outputItem(meta, text, true)}`),
    close: (m, f) => {
      remember(m);
      const end = terminal(f);
      const response = responseJson(meta, body, { ...end, output: `[${outputItem(meta, text, true)}]`, usage: usageJson(m) });
      return event(end.incomplete ? "response.incomplete" : "response.completed", `"response":${response}`);
    },
    error: (e: InStreamError) => event("error", `"code":"server_error","message":${JSON.stringify(e.message)},"param":null`),
  };
}

/** The endpoint, with the responses it stored (per sandbox): id → tokens a follow-up is billed as input. */
export function openaiResponsesEndpoint(stored: Map<string, number>): Endpoint {
  const remember = (id: string, body: Record<string, unknown>) => (m: Metered) => {
    if (body.store === false) return;
    if (stored.size > 100_000) stored.clear();
    stored.set(id, m.promptTokens + m.completionTokens);
  };
  return {
    path: "/openai/v1/responses",
    kind: "chat",
    parse(body) {
      const problem = openaiProblem(openaiResponsesSchema, body);
      if (problem !== null) return problem;
      if (body.input === undefined && body.previous_response_id == null && body.prompt == null) return "input: Missing required parameter: 'input'.";
      const previous = typeof body.previous_response_id === "string" ? stored.get(body.previous_response_id) : 0;
      if (previous === undefined) return `previous_response_id: Previous response with id '${String(body.previous_response_id)}' not found.`;
      if (body.background === true) return "background: Background responses are not supported by the sandbox.";
      return {
        promptTokens: previous + responsesInputTokens(body),
        maxTokens: typeof body.max_output_tokens === "number" ? body.max_output_tokens : undefined,
        stream: body.stream === true,
        choices: 1,
        toolCall: forcedFunction(body),
      };
    },
    shape(meta, body, streamed): Shape {
      const keep = remember(meta.id, body);
      const bodyOf: Shape["body"] = (contents, f, m, error) => {
        keep(m);
        if (error) return `{"error":{"message":${JSON.stringify(error.message)},"type":"server_error","param":null,"code":null}}`;
        const end = terminal(f);
        return responseJson(meta, body, { ...end, output: `[${outputItem(meta, contents[0] ?? "", true)}]`, usage: usageJson(m) });
      };
      return streamed ? { body: bodyOf, stream: responsesStream(meta, body, keep) } : { body: bodyOf };
    },
  };
}
