// The fields of a chat-completions-style body (OpenAI's, which OpenRouter extends) that admission
// relies on, checked before any hold: which models (the hold's prices), how many tokens and
// choices (its size), streamed or not, and a prompt of the right shape. Everything else is the
// upstream's to judge: it answers 400 and nothing is billed.
import { RequestRefused, type CallRequest } from "../seam.js";

/** The three request kinds of the dialect, by the prompt field they take. */
export type ChatEndpointKind = "chat" | "completion" | "embedding";

export interface ChatRules {
  /** Fallback models in `models` (OpenRouter); otherwise `models` is refused. */
  fallbacks: boolean;
  /** A chat request may give a plain `prompt` string instead of `messages` (OpenRouter). */
  chatPrompt: boolean;
}

/** Model ids are printable ASCII (`gpt-4o`, `openai/gpt-4o`, `…:free`), never longer than this. */
const MAX_MODEL_ID_LENGTH = 256;
const MODEL_ID = /^[\x21-\x7e]+$/;
const COMPLETION_BOUND_FIELDS = ["max_tokens", "max_completion_tokens"] as const;
const IMAGE_PART_TYPES = new Set(["image_url", "input_image", "image"]);

const bad = (message: string) => new RequestRefused(message);

/**
 * Checks `fields` (a parsed JSON object) for a call of `kind` and returns what admission needs.
 * Throws RequestRefused (400) naming the field.
 */
export function readChatCompletionRequest(fields: Record<string, unknown>, kind: ChatEndpointKind, bodyBytes: number, rules: ChatRules): CallRequest {
  const model = fields.model;
  if (model !== undefined && !isModelId(model)) {
    throw bad(`'model' must be a model id: a non-empty string of printable characters, at most ${MAX_MODEL_ID_LENGTH} long.`);
  }
  const fallbacks = fields.models;
  if (fallbacks !== undefined && !rules.fallbacks) throw bad("'models' is not a parameter of this API: name one model in 'model'.");
  if (fallbacks !== undefined && (!Array.isArray(fallbacks) || !fallbacks.every(isModelId))) {
    throw bad("'models' must be an array of model ids.");
  }
  const models = [...new Set([...(typeof model === "string" ? [model] : []), ...((fallbacks as string[] | undefined) ?? [])])];
  if (models.length === 0) throw bad("'model' is required.");
  const stream = fields.stream;
  if (stream !== undefined && typeof stream !== "boolean") throw bad("'stream' must be a boolean.");
  checkPrompt(fields, kind, rules);
  return {
    endpoint: kind,
    models,
    model: (model as string | undefined) ?? null,
    stream: stream === true,
    bound: {
      bodyBytes,
      maxTokens: maxTokensOf(fields),
      n: choicesOf(fields),
      ...images(fields.messages, fields.input),
      webSearch: false,
      embedding: kind === "embedding",
    },
    units: 1,
    fields,
  };
}

export function isModelId(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_MODEL_ID_LENGTH && MODEL_ID.test(value);
}

/** A positive safe integer, or null when absent (`undefined` or JSON `null`). */
export function positiveInteger(fields: Record<string, unknown>, name: string): number | null {
  const v = fields[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
    throw bad(`'${name}' must be a positive integer (1 or above).`);
  }
  return v;
}

/** Both OpenAI-style APIs document `n` from 1 to 128: a larger one would be refused upstream (and held for). */
const MAX_CHOICES = 128;

function choicesOf(fields: Record<string, unknown>): number {
  const n = positiveInteger(fields, "n") ?? 1;
  if (n > MAX_CHOICES) throw bad(`'n' must be at most ${MAX_CHOICES}.`);
  return n;
}

/**
 * The completion bound the caller set. With both fields given the larger one counts (an upstream
 * may honour either): the hold must be an upper bound whatever the upstream does. 0 is refused,
 * not read as "unset": both fields are documented as "integer, 1 or above".
 */
function maxTokensOf(fields: Record<string, unknown>): number | null {
  let largest: number | null = null;
  for (const name of COMPLETION_BOUND_FIELDS) {
    const v = positiveInteger(fields, name);
    if (v !== null) largest = largest === null ? v : Math.max(largest, v);
  }
  return largest;
}

/** The request with its completion bound lowered to `tokens` in the field(s) the caller used. */
export function withCompletionBound(fields: Record<string, unknown>, tokens: number): Buffer {
  const next = { ...fields };
  if (next.max_completion_tokens != null) next.max_completion_tokens = tokens;
  if (next.max_tokens != null) next.max_tokens = tokens;
  if (next.max_tokens == null && next.max_completion_tokens == null) next.max_tokens = tokens;
  return Buffer.from(JSON.stringify(next));
}

function checkPrompt(fields: Record<string, unknown>, kind: ChatEndpointKind, rules: ChatRules): void {
  if (kind === "chat") {
    if (rules.chatPrompt && fields.messages === undefined && typeof fields.prompt === "string") return;
    checkMessages(fields.messages);
  } else if (kind === "completion") {
    if (!isTextOrList(fields.prompt)) throw bad("'prompt' is required: a string or a non-empty array.");
  } else if (!isTextOrList(fields.input)) {
    throw bad("'input' is required: a string or a non-empty array.");
  }
}

function checkMessages(messages: unknown): void {
  if (!Array.isArray(messages) || messages.length === 0) throw bad("'messages' is required: a non-empty array of messages.");
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    if (typeof message !== "object" || message === null || Array.isArray(message) || typeof (message as { role?: unknown }).role !== "string") {
      throw bad(`'messages[${i}]' must be an object with a string 'role'.`);
    }
  }
}

function isTextOrList(value: unknown): boolean {
  return typeof value === "string" || (Array.isArray(value) && value.length > 0);
}

/** Image parts in chat messages (or a Responses-style input list), each a separately priced input,
 *  and the bytes of those sent inline (data URLs), which are not text. */
export function images(...lists: unknown[]): { images: number; imageBytes: number } {
  let count = 0;
  let bytes = 0;
  for (const messages of lists) {
    if (!Array.isArray(messages)) continue;
    for (const message of messages) {
      const content = (message as { content?: unknown } | null)?.content;
      if (!Array.isArray(content)) continue;
      for (const part of content) {
        const { type, image_url: imageUrl } = (part ?? {}) as { type?: unknown; image_url?: unknown };
        if (typeof type !== "string" || !IMAGE_PART_TYPES.has(type)) continue;
        count++;
        const url = typeof imageUrl === "string" ? imageUrl : (imageUrl as { url?: unknown } | null)?.url;
        if (typeof url === "string" && url.startsWith("data:")) bytes += Buffer.byteLength(url);
      }
    }
  }
  return { images: count, imageBytes: bytes };
}
