// meter: reads usage from the answer while relay passes its bytes on untouched. The metering
// rule `openai_body` (OpenAI-style `usage`, OpenRouter's `usage.cost`) lives here; a JSON answer
// is parsed once at the end, an SSE stream event by event, parsing only the events that matter.
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { usdNumberToExact, type ExactUsd } from "../ledger/money.js";

export interface MeteredUsage {
  promptTokens: number;
  completionTokens: number;
  /** usage.cost as the upstream reported it, exactly (unrounded); null when absent. */
  cost: ExactUsd | null;
  generationId: string | null;
  /** true when no usage arrived and completionTokens is the proxy's own count of content chunks. */
  estimated: boolean;
  /** The answer was only an error (a 200 whose JSON body is `{"error": …}` without usage). */
  refused: boolean;
}

export interface Meter {
  push(chunk: Buffer): void;
  /** The first generation id seen, as soon as it is known (null before). */
  generationId(): string | null;
  finish(): MeteredUsage;
}

interface UsageJson {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  cost?: unknown;
}

/** A token count as an upstream wrote it: a non-negative whole number, anything else counts as 0. */
export function tokenCount(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0;
}

function fromUsage(usage: UsageJson, generationId: string | null): MeteredUsage {
  return {
    promptTokens: tokenCount(usage.prompt_tokens),
    completionTokens: tokenCount(usage.completion_tokens),
    // A negative cost would credit the tenant: it is not a cost, so it counts as absent.
    cost: typeof usage.cost === "number" ? usdNumberToExact(usage.cost) : null,
    generationId,
    estimated: false,
    refused: false,
  };
}

/** A complete JSON answer (non-streaming), kept up to `maxBytes` for parsing at the end. */
export function createJsonMeter(maxBytes: number): Meter {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk) {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    },
    generationId: () => null,
    finish() {
      // OpenRouter may send whitespace before the JSON while the model warms up: JSON.parse skips it.
      try {
        const doc = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id?: unknown; usage?: UsageJson; error?: unknown; choices?: unknown };
        const id = typeof doc.id === "string" ? doc.id : null;
        if (doc.usage) return fromUsage(doc.usage, id);
        const refused = doc.error !== undefined && doc.choices === undefined;
        return { promptTokens: 0, completionTokens: 0, cost: null, generationId: id, estimated: !refused, refused };
      } catch {
        return { promptTokens: 0, completionTokens: 0, cost: null, generationId: null, estimated: true, refused: false };
      }
    },
  };
}

/** A server-sent-events answer: usage comes once, in the last chunk before [DONE]. */
export function createSseMeter(): Meter {
  const decoder = new TextDecoder();
  let usage: MeteredUsage | null = null;
  let generationId: string | null = null;
  let contentEvents = 0;

  const parser = createParser({
    onEvent(event: EventSourceMessage) {
      const data = event.data;
      if (data === "[DONE]") return;
      if (generationId === null) {
        const m = /"id"\s*:\s*"([^"]+)"/.exec(data);
        if (m) generationId = m[1] as string;
      }
      if (data.includes('"usage"')) {
        try {
          const chunk = JSON.parse(data) as { usage?: UsageJson | null };
          if (chunk.usage) usage = fromUsage(chunk.usage, generationId);
          return;
        } catch {
          // Not JSON after all: count it like any other event.
        }
      }
      if (data.includes('"content"') || data.includes('"text"')) contentEvents++;
    },
  });

  return {
    push(chunk) {
      parser.feed(decoder.decode(chunk, { stream: true }));
    },
    generationId: () => generationId,
    finish() {
      if (usage) return { ...usage, generationId: usage.generationId ?? generationId };
      // No usage chunk (the stream broke or was cut): one token per content event is our estimate.
      return { promptTokens: 0, completionTokens: contentEvents, cost: null, generationId, estimated: true, refused: false };
    },
  };
}
