// The chat-completions usage dialect (OpenAI's, which OpenRouter speaks too): `usage` with
// prompt_tokens, completion_tokens and their details, in a JSON answer or in a stream's last chunk.
// Some upstreams add `usage.cost` (OpenRouter): read only when the adapter says the upstream does.
import type { Meter, MeteredUsage } from "../seam.js";
import { TAIL_READ_BYTES, firstStringOf, jsonCollector, lastObjectOf, lastStringOf, MAX_JSON_ANSWER_BYTES, parseAnswer } from "./jsonTail.js";
import { eventJson, sseReader } from "./sse.js";
import { costText, estimatedUsage, noTokens, tokenCount, usageResult, type TokenFields } from "./usage.js";

export interface DialectOptions {
  /** The upstream writes its own cost in `usage.cost` (USD, a JSON number). */
  cost: boolean;
}

interface UsageJson {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  cost?: unknown;
  prompt_tokens_details?: { cached_tokens?: unknown; cache_write_tokens?: unknown } | null;
  completion_tokens_details?: { reasoning_tokens?: unknown } | null;
}

/** Folds one usage object into what is known: a field present in a later event replaces it. */
function mergeUsage(into: TokenFields, usage: UsageJson, options: DialectOptions): void {
  if (usage.prompt_tokens != null) into.promptTokens = tokenCount(usage.prompt_tokens);
  if (usage.completion_tokens != null) into.completionTokens = tokenCount(usage.completion_tokens);
  const prompt = usage.prompt_tokens_details;
  if (prompt && typeof prompt === "object") {
    if (prompt.cached_tokens != null) into.cachedTokens = tokenCount(prompt.cached_tokens);
    if (prompt.cache_write_tokens != null) into.cacheWriteTokens = tokenCount(prompt.cache_write_tokens);
  }
  const completion = usage.completion_tokens_details;
  if (completion && typeof completion === "object" && completion.reasoning_tokens != null) into.reasoningTokens = tokenCount(completion.reasoning_tokens);
  if (options.cost) into.cost = costText(usage.cost) ?? into.cost;
}

function finishReasonOf(choices: unknown): string | null {
  if (!Array.isArray(choices)) return null;
  for (let i = choices.length - 1; i >= 0; i--) {
    const reason = (choices[i] as { finish_reason?: unknown } | null)?.finish_reason;
    if (typeof reason === "string") return reason;
  }
  return null;
}

function fromAnswer(doc: Record<string, unknown> | null, options: DialectOptions): MeteredUsage {
  if (!doc) return estimatedUsage(0, null, null);
  const id = typeof doc.id === "string" ? doc.id : null;
  const finishReason = finishReasonOf(doc.choices);
  if (doc.usage && typeof doc.usage === "object") {
    const usage = noTokens();
    mergeUsage(usage, doc.usage as UsageJson, options);
    return usageResult(usage, id, false, false, finishReason);
  }
  // A 200 whose body is only `{"error": …}`: the upstream produced nothing to bill.
  const refused = doc.error !== undefined && doc.choices === undefined;
  return usageResult(noTokens(), id, !refused, refused, finishReason);
}

/** A complete JSON answer, read once at the end (a large one from its tail). */
export function chatCompletionJsonMeter(options: DialectOptions): Meter {
  const answer = jsonCollector(MAX_JSON_ANSWER_BYTES);
  return {
    push: answer.push,
    generationId: () => null,
    finish() {
      const body = answer.body();
      if (body.length > TAIL_READ_BYTES) {
        const usage = lastObjectOf(body, "usage");
        if (usage) {
          const tokens = noTokens();
          mergeUsage(tokens, usage, options);
          return usageResult(tokens, firstStringOf(body, "id"), false, false, lastStringOf(body, "finish_reason"));
        }
      }
      return fromAnswer(parseAnswer(body), options);
    },
  };
}

const USAGE = /"usage"\s*:\s*\{/;
const FINISHED = /"finish_reason"\s*:\s*"/;

/**
 * A stream of chunks. Usage comes once, in a last chunk before [DONE] (OpenRouter), or as `"usage":
 * null` on every chunk until the last (OpenAI with include_usage), or spread over several events:
 * each non-null usage is folded in, later fields winning. An error event after output ends the
 * answer with what it billed. Only events that may carry usage or a finish reason are parsed;
 * content deltas are counted, one token each, for the estimate when no usage comes.
 */
export function chatCompletionSseMeter(options: DialectOptions): Meter {
  const usage = noTokens();
  let sawUsage = false;
  let generationId: string | null = null;
  let finishReason: string | null = null;
  let contentEvents = 0;
  const feed = sseReader((event) => {
    const data = event.data;
    if (data === "[DONE]") return;
    if (generationId === null) generationId = /"id"\s*:\s*"([^"]+)"/.exec(data)?.[1] ?? null;
    // Only events that carry usage or a finish reason are parsed: every delta may have
    // `"usage":null` and `"finish_reason":null`, so only an object or a string counts.
    if (USAGE.test(data) || FINISHED.test(data)) {
      const chunk = eventJson(data);
      if (chunk) {
        if (chunk.usage && typeof chunk.usage === "object") {
          mergeUsage(usage, chunk.usage as UsageJson, options);
          sawUsage = true;
        }
        finishReason = finishReasonOf(chunk.choices) ?? finishReason;
      }
    }
    if (data.includes('"content"') || data.includes('"text"')) contentEvents++;
  });
  return {
    push: feed,
    generationId: () => generationId,
    finish() {
      if (sawUsage) return usageResult(usage, generationId, false, false, finishReason);
      return estimatedUsage(contentEvents, generationId, finishReason);
    },
  };
}
