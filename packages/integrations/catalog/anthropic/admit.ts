// admit, Anthropic's part: what a Messages call may cost, and the requests a hold cannot bound,
// refused before anything is held. Anthropic requires max_tokens (thinking included), so the
// completion is always bounded; the prompt is bounded by the body's text bytes and the worst
// case's IMAGE_TOKENS_BOUND per image (Anthropic counts images by pixels, resized down to a cap,
// whatever their source), or by the model's context window when a document's pages are not in the body.
import { RequestRefused, type CallRequest, type IncomingCall } from "../../adapters/seam.js";
import { isModelId } from "../../adapters/shared/chatCompletionRequest.js";

/** Beta features that change nothing a call bills beyond its tokens. */
const NEUTRAL_BETAS = new Set([
  "prompt-caching-2024-07-31",
  "extended-cache-ttl-2025-04-11",
  "token-efficient-tools-2025-02-19",
  "fine-grained-tool-streaming-2025-05-14",
  "interleaved-thinking-2025-05-14",
]);

/** Server tools Anthropic bills per use, beyond tokens. */
const PRICED_TOOL = /^(web_search|web_fetch|code_execution|mcp)/;

const OUTSIDE_THE_BODY = Number.MAX_SAFE_INTEGER;

const bad = (message: string) => new RequestRefused(message);

function header(call: IncomingCall, name: string): string | undefined {
  const value = call.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** The prompt's part of the bound: the body's bytes (the context window when a document's pages
 *  are not in it), its images (tool results' included), and the bytes of those inline (base64),
 *  which are not text. */
function promptBound(messages: unknown[], bodyBytes: number): { bodyBytes: number; images: number; imageBytes: number } {
  const found = { images: 0, imageBytes: 0, outside: false };
  const visit = (content: unknown): void => {
    if (!Array.isArray(content)) return;
    for (const part of content) {
      const block = (part ?? {}) as { type?: unknown; source?: { type?: unknown; data?: unknown }; content?: unknown };
      if (block.type === "document" || block.type === "search_result" || block.type === "container_upload") found.outside = true;
      if (block.type === "image") {
        found.images++;
        if (block.source?.type === "base64" && typeof block.source.data === "string") found.imageBytes += Buffer.byteLength(block.source.data);
      }
      visit(block.content);
    }
  };
  for (const message of messages) visit((message as { content?: unknown } | null)?.content);
  if (found.outside) return { bodyBytes: OUTSIDE_THE_BODY, images: 0, imageBytes: 0 };
  return { bodyBytes, images: found.images, imageBytes: found.imageBytes };
}

/** See the file's comment; throws RequestRefused naming the field or header at fault. */
export function readRequest(call: IncomingCall): CallRequest {
  const fields = call.fields;
  if (call.path !== "/v1/messages" || !fields) throw new RequestRefused(`No metered route ${call.path}.`, "NOT_FOUND");
  if (!header(call, "anthropic-version")) throw bad("anthropic-version: header is required");
  for (const beta of (header(call, "anthropic-beta") ?? "").split(",").map((b) => b.trim()).filter(Boolean)) {
    if (!NEUTRAL_BETAS.has(beta)) throw bad(`anthropic-beta: '${beta}' is not available through Vendo: it may bill beyond what a hold can bound.`);
  }
  const model = fields.model;
  if (!isModelId(model)) throw bad("model: Field required (a model id).");
  const max = fields.max_tokens;
  if (max === undefined) throw bad("max_tokens: Field required");
  if (typeof max !== "number" || !Number.isSafeInteger(max) || max < 1) throw bad("max_tokens: must be a positive integer.");
  const messages = fields.messages;
  if (!Array.isArray(messages) || messages.length === 0) throw bad("messages: Field required (a non-empty array of messages).");
  const stream = fields.stream;
  if (stream != null && typeof stream !== "boolean") throw bad("stream: must be a boolean.");
  if (fields.mcp_servers != null) throw bad("mcp_servers: not available through Vendo: MCP tool use is billed beyond what a hold can bound.");
  if (fields.container != null) throw bad("container: not available through Vendo: code execution is billed per container hour.");
  if (Array.isArray(fields.tools)) {
    for (const [i, tool] of fields.tools.entries()) {
      const type = (tool as { type?: unknown } | null)?.type;
      if (typeof type === "string" && PRICED_TOOL.test(type)) throw bad(`tools.${i}: the server tool '${type}' is not available through Vendo: Anthropic bills each use beyond tokens. Client tools are.`);
    }
  }
  return {
    endpoint: "messages",
    models: [model],
    model,
    stream: stream === true,
    bound: { ...promptBound(messages, call.body.length), maxTokens: max, n: 1, webSearch: false, embedding: false },
    units: 1,
    fields,
  };
}

/** The body with max_tokens lowered by the key's fit_to_balance policy (a thinking budget kept under it). */
export function rewrite(request: CallRequest, fittedTokens: number | null): Buffer | null {
  if (fittedTokens === null || !request.fields) return null;
  const next: Record<string, unknown> = { ...request.fields, max_tokens: fittedTokens };
  const thinking = next.thinking as { type?: string; budget_tokens?: number } | undefined;
  if (thinking?.type === "enabled" && typeof thinking.budget_tokens === "number" && thinking.budget_tokens >= fittedTokens) {
    next.thinking = { ...thinking, budget_tokens: fittedTokens - 1 };
  }
  return Buffer.from(JSON.stringify(next));
}
