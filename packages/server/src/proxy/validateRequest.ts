// The fields of a call body the proxy itself relies on, checked before any hold: which models
// (the hold's prices), how many tokens and choices (its size), streamed or not, and a prompt of
// the right shape. Everything else is the upstream's to judge: it answers 400 and nothing is billed.
import { ProxyError } from "./errors.js";

export interface CallRequest {
  /** Models the call may be served by: `model` plus OpenRouter's `models` fallback list. */
  models: string[];
  model: string | null;
  stream: boolean;
  /** The larger of `max_tokens` / `max_completion_tokens`; null when neither is set. */
  maxTokens: number | null;
  /** Choices asked for (`n`); 1 when absent. An upstream that honours it bills each choice. */
  n: number;
  /** The parsed body, for the fields the hold's bound reads (requestBound.ts). */
  fields: Record<string, unknown>;
}

/** Model ids are printable ASCII (`openai/gpt-4o`, `…:free`, `~anthropic/…`), never longer than this. */
const MAX_MODEL_ID_LENGTH = 256;
const MODEL_ID = /^[\x21-\x7e]+$/;
const COMPLETION_BOUND_FIELDS = ["max_tokens", "max_completion_tokens"] as const;

const bad = (message: string) => new ProxyError("BAD_REQUEST", message);

/**
 * Checks `fields` (a parsed JSON object) for a call on `path` and returns what admission needs.
 * Throws BAD_REQUEST (400) naming the field. `path` picks the prompt's field: `messages` (or
 * OpenRouter's `prompt`) on chat completions, `prompt` on completions, `input` on embeddings.
 */
export function validateCallFields(fields: Record<string, unknown>, path: string): CallRequest {
  const model = fields.model;
  if (model !== undefined && !isModelId(model)) {
    throw bad(`'model' must be a model id: a non-empty string of printable characters, at most ${MAX_MODEL_ID_LENGTH} long.`);
  }
  const fallbacks = fields.models;
  if (fallbacks !== undefined && (!Array.isArray(fallbacks) || !fallbacks.every(isModelId))) {
    throw bad("'models' must be an array of model ids.");
  }
  const models = [...new Set([...(typeof model === "string" ? [model] : []), ...((fallbacks as string[] | undefined) ?? [])])];
  if (models.length === 0) throw bad("'model' is required.");
  const stream = fields.stream;
  if (stream !== undefined && typeof stream !== "boolean") throw bad("'stream' must be a boolean.");
  checkPrompt(fields, path);
  return { models, model: (model as string | undefined) ?? null, stream: stream === true, maxTokens: maxTokensOf(fields), n: choicesOf(fields), fields };
}

function isModelId(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_MODEL_ID_LENGTH && MODEL_ID.test(value);
}

/** A positive safe integer, or null when absent (`undefined` or JSON `null`). */
function positiveInteger(fields: Record<string, unknown>, name: string): number | null {
  const v = fields[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
    throw bad(`'${name}' must be a positive integer (1 or above).`);
  }
  return v;
}

/**
 * The completion bound the caller set. With both fields given the larger one counts (an upstream
 * may honour either): the hold must be an upper bound whatever the upstream does. 0 is refused,
 * not read as "unset": OpenRouter documents both fields as "integer, 1 or above".
 */
function maxTokensOf(fields: Record<string, unknown>): number | null {
  let largest: number | null = null;
  for (const name of COMPLETION_BOUND_FIELDS) {
    const v = positiveInteger(fields, name);
    if (v !== null) largest = largest === null ? v : Math.max(largest, v);
  }
  return largest;
}

/** OpenRouter documents `n` from 1 to 128: a larger one would be refused upstream (and held for). */
const MAX_CHOICES = 128;

function choicesOf(fields: Record<string, unknown>): number {
  const n = positiveInteger(fields, "n") ?? 1;
  if (n > MAX_CHOICES) throw bad(`'n' must be at most ${MAX_CHOICES}.`);
  return n;
}

function checkPrompt(fields: Record<string, unknown>, path: string): void {
  if (path.endsWith("/chat/completions")) {
    // OpenRouter's chat endpoint takes `messages`, or a plain `prompt` string instead.
    if (fields.messages === undefined && typeof fields.prompt === "string") return;
    checkMessages(fields.messages);
  } else if (path.endsWith("/completions")) {
    if (!isTextOrList(fields.prompt)) throw bad("'prompt' is required: a string or a non-empty array.");
  } else if (path.endsWith("/embeddings")) {
    if (!isTextOrList(fields.input)) throw bad("'input' is required: a string or a non-empty array.");
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
