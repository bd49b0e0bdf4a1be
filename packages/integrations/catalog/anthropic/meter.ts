// meter, Anthropic's dialect: `usage` splits the prompt into input_tokens (uncached),
// cache_creation_input_tokens (its 5-minute / 1-hour split in cache_creation) and
// cache_read_input_tokens; output_tokens is the completion. Streamed, message_start carries the
// prompt's usage and message_delta the completion's (cumulative; later fields replace earlier
// ones). No cost: the catalog's prices price it.
import type { Meter, MeteredUsage } from "../../adapters/seam.js";
import { firstStringOf, jsonCollector, lastObjectOf, lastStringOf, MAX_JSON_ANSWER_BYTES, parseAnswer, TAIL_READ_BYTES } from "../../adapters/shared/jsonTail.js";
import { eventJson, sseReader } from "../../adapters/shared/sse.js";
import { estimatedUsage, noTokens, tokenCount, usageResult, type TokenFields } from "../../adapters/shared/usage.js";

interface Parts {
  input: number;
  cacheWrite: number;
  cacheWriteLong: number;
  cacheRead: number;
  output: number;
}

/** Folds one usage object in: a field present replaces what was known. */
function merge(into: Parts, usage: Record<string, unknown>): void {
  if (usage.input_tokens != null) into.input = tokenCount(usage.input_tokens);
  if (usage.cache_creation_input_tokens != null) into.cacheWrite = tokenCount(usage.cache_creation_input_tokens);
  if (usage.cache_read_input_tokens != null) into.cacheRead = tokenCount(usage.cache_read_input_tokens);
  const split = usage.cache_creation as { ephemeral_1h_input_tokens?: unknown } | null | undefined;
  if (split && split.ephemeral_1h_input_tokens != null) into.cacheWriteLong = tokenCount(split.ephemeral_1h_input_tokens);
  if (usage.output_tokens != null) into.output = tokenCount(usage.output_tokens);
}

/** The parts in the one convention of the seam: promptTokens counts every input token. */
function tokensOf(p: Parts): TokenFields {
  const t = noTokens();
  t.promptTokens = p.input + p.cacheWrite + p.cacheRead;
  t.cachedTokens = p.cacheRead;
  t.cacheWriteTokens = p.cacheWrite;
  t.cacheWriteLongTokens = Math.min(p.cacheWriteLong, p.cacheWrite);
  t.completionTokens = p.output;
  return t;
}

const empty = (): Parts => ({ input: 0, cacheWrite: 0, cacheWriteLong: 0, cacheRead: 0, output: 0 });

function fromMessage(doc: Record<string, unknown> | null): MeteredUsage {
  if (!doc) return estimatedUsage(0, null, null);
  const id = typeof doc.id === "string" ? doc.id : null;
  const stop = typeof doc.stop_reason === "string" ? doc.stop_reason : null;
  if (doc.usage && typeof doc.usage === "object") {
    const parts = empty();
    merge(parts, doc.usage as Record<string, unknown>);
    return usageResult(tokensOf(parts), id, false, false, stop);
  }
  const refused = doc.type === "error";
  return usageResult(noTokens(), id, !refused, refused, stop);
}

function jsonMeter(): Meter {
  const answer = jsonCollector(MAX_JSON_ANSWER_BYTES);
  return {
    push: answer.push,
    generationId: () => null,
    finish() {
      const body = answer.body();
      if (body.length > TAIL_READ_BYTES) {
        const usage = lastObjectOf(body, "usage");
        if (usage && "output_tokens" in usage) {
          const parts = empty();
          merge(parts, usage);
          return usageResult(tokensOf(parts), firstStringOf(body, "id"), false, false, lastStringOf(body, "stop_reason"));
        }
      }
      return fromMessage(parseAnswer(body));
    },
  };
}

/**
 * A stream. message_delta ends the usage (cumulative output); a stream that broke before it has only
 * message_start's prompt usage: its completion is then estimated, one token per content delta.
 */
function sseMeter(): Meter {
  const parts = empty();
  let generationId: string | null = null;
  let stop: string | null = null;
  let started = false;
  let finished = false;
  let deltas = 0;
  const feed = sseReader((event) => {
    const data = event.data;
    if (data.includes('"content_block_delta"')) {
      deltas++;
      return;
    }
    if (!data.includes('"usage"')) return;
    const json = eventJson(data);
    if (json?.type === "message_start") {
      const message = (json.message ?? {}) as Record<string, unknown>;
      if (typeof message.id === "string") generationId = message.id;
      if (message.usage && typeof message.usage === "object") merge(parts, message.usage as Record<string, unknown>);
      started = true;
    } else if (json?.type === "message_delta") {
      if (json.usage && typeof json.usage === "object") merge(parts, json.usage as Record<string, unknown>);
      const delta = json.delta as { stop_reason?: unknown } | undefined;
      if (typeof delta?.stop_reason === "string") stop = delta.stop_reason;
      finished = true;
    }
  });
  return {
    push: feed,
    generationId: () => generationId,
    finish() {
      if (finished) return usageResult(tokensOf(parts), generationId, false, false, stop);
      if (!started) return estimatedUsage(deltas, generationId, stop);
      // message_start's output_tokens is a placeholder, not a count: the deltas are the estimate.
      const known = tokensOf(parts);
      known.completionTokens = deltas;
      return usageResult(known, generationId, true, false, stop);
    },
  };
}

export function meter(_request: unknown, stream: boolean): Meter {
  return stream ? sseMeter() : jsonMeter();
}
