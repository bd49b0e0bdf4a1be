// admit, OpenAI's part: what a chat completion, a response or an embeddings call may cost, and
// the requests a hold cannot bound, refused before anything is held. An image counts as at most
// IMAGE_TOKENS_BOUND prompt tokens (the worst case's rule; OpenAI counts images by pixels, capped).
// Files and audio, and stored context (previous_response_id, conversation, a stored prompt), are
// not in the body's bytes: the prompt is then bounded by the model's context window.
import { RequestRefused, type CallRequest, type IncomingCall } from "../../adapters/seam.js";
import { images, isModelId, readChatCompletionRequest, withCompletionBound } from "../../adapters/shared/chatCompletionRequest.js";
import type { Integration } from "../../src/schema.js";

type Kind = "chat" | "embedding" | "responses";
const KINDS: Readonly<Record<string, Kind>> = { "/chat/completions": "chat", "/embeddings": "embedding", "/responses": "responses" };

/** The prompt is not all in the body: the model's context window bounds it. */
const OUTSIDE_THE_BODY = Number.MAX_SAFE_INTEGER;

/** Built-in tools OpenAI bills per call (or per container, per image) beyond tokens. */
const PRICED_TOOLS = new Set(["web_search", "web_search_preview", "web_search_preview_2025_03_11", "file_search", "code_interpreter", "image_generation", "computer_use_preview", "computer_use", "mcp", "local_shell", "shell"]);

const bad = (message: string) => new RequestRefused(message);

export function pathKind(path: string, integration: Integration): Kind | undefined {
  return KINDS[path.slice(integration.proxy.basePath.length)];
}

/** See the file's comment; throws RequestRefused naming the field at fault. */
export function readRequest(call: IncomingCall, integration: Integration): CallRequest {
  const kind = pathKind(call.path, integration);
  const fields = call.fields;
  if (!kind || !fields) throw new RequestRefused(`No metered route ${call.path}.`, "NOT_FOUND");
  if (kind === "responses") return readResponsesRequest(fields, call.body.length);
  const request = readChatCompletionRequest(fields, kind, call.body.length, { fallbacks: false, chatPrompt: false });
  if (kind === "chat") {
    if (fields.web_search_options != null) throw bad("'web_search_options' is not available through Vendo: OpenAI bills each search beyond tokens, and a hold cannot bound it.");
    if (fields.audio != null || (Array.isArray(fields.modalities) && fields.modalities.includes("audio"))) throw bad("Audio output is not available through Vendo: it is billed at audio-token prices the catalog does not hold.");
    if (fields.prediction != null) throw bad("'prediction' is not available through Vendo: rejected prediction tokens are billed beyond max_completion_tokens.");
    if (partsOutsideTheBody(fields.messages)) request.bound.bodyBytes = OUTSIDE_THE_BODY;
  }
  return request;
}

function readResponsesRequest(fields: Record<string, unknown>, bodyBytes: number): CallRequest {
  const model = fields.model;
  if (!isModelId(model)) throw bad("'model' is required: a model id.");
  const stream = fields.stream;
  if (stream != null && typeof stream !== "boolean") throw bad("'stream' must be a boolean.");
  const max = fields.max_output_tokens;
  if (max != null && (typeof max !== "number" || !Number.isSafeInteger(max) || max < 1)) throw bad("'max_output_tokens' must be a positive integer.");
  if (fields.background === true) throw bad("Background responses are not available through Vendo: their usage arrives after the call, with nothing to settle it.");
  const input = fields.input;
  if (input !== undefined && typeof input !== "string" && !Array.isArray(input)) throw bad("'input' must be a string or an array of input items.");
  if (Array.isArray(fields.tools)) {
    for (const [i, tool] of fields.tools.entries()) {
      const type = (tool as { type?: unknown } | null)?.type;
      if (typeof type !== "string") throw bad(`'tools[${i}].type' is required.`);
      if (PRICED_TOOLS.has(type)) throw bad(`'tools[${i}]': the built-in tool '${type}' is not available through Vendo: OpenAI bills it beyond tokens, and a hold cannot bound it. Function tools are.`);
    }
  }
  const stored = fields.previous_response_id != null || fields.conversation != null || fields.prompt != null;
  return {
    endpoint: "responses",
    models: [model],
    model,
    stream: stream === true,
    bound: {
      bodyBytes: stored || partsOutsideTheBody(Array.isArray(input) ? input : []) ? OUTSIDE_THE_BODY : bodyBytes,
      maxTokens: typeof max === "number" ? max : null,
      n: 1,
      ...images(input),
      webSearch: false,
      embedding: false,
    },
    units: 1,
    fields,
  };
}

/** Parts whose tokens the body's bytes bound: text, and images (IMAGE_TOKENS_BOUND each). */
const BOUNDED_PARTS = new Set(["text", "input_text", "output_text", "refusal", "image_url", "input_image"]);

/** Whether any message content part is something the body's bytes do not bound (a file, audio). */
function partsOutsideTheBody(messages: unknown): boolean {
  if (!Array.isArray(messages)) return false;
  for (const message of messages) {
    const content = (message as { content?: unknown } | null)?.content;
    if (!Array.isArray(content)) continue;
    for (const part of content) {
      const type = (part as { type?: unknown } | null)?.type;
      if (typeof type === "string" && !BOUNDED_PARTS.has(type)) return true;
    }
  }
  return false;
}

/** Whether the client asked a streamed chat completion for its usage itself. */
export function askedForUsage(fields: Record<string, unknown> | null): boolean {
  return (fields?.stream_options as { include_usage?: unknown } | null | undefined)?.include_usage === true;
}

/**
 * The body sent upstream when it differs from the client's: a streamed chat completion always asks
 * for its usage (OpenAI reports none otherwise, and the call could not be metered), and the key's
 * fit_to_balance policy may have lowered the completion bound.
 */
export function rewrite(request: CallRequest, fittedTokens: number | null): Buffer | null {
  const fields = request.fields;
  if (!fields) return null;
  const isResponses = request.endpoint === "responses";
  const forceUsage = request.stream && request.endpoint === "chat" && !askedForUsage(fields);
  if (!forceUsage && fittedTokens === null) return null;
  let next: Record<string, unknown> = fields;
  if (forceUsage) next = { ...next, stream_options: { ...((fields.stream_options as object | null) ?? {}), include_usage: true } };
  if (fittedTokens !== null) {
    if (isResponses) next = { ...next, max_output_tokens: fittedTokens };
    else return withCompletionBound(next, fittedTokens);
  }
  return Buffer.from(JSON.stringify(next));
}
