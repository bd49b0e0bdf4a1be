// The usage report the proxy asked a streamed chat completion for (admit.ts, rewrite) is taken back
// out when the client did not ask for it: the chunk that carries only usage (no choices) is
// dropped, and the `"usage": null` OpenAI adds to every other chunk is removed. Every other event
// passes as its bytes came.
import type { AnswerFilter, CallRequest } from "../../adapters/seam.js";
import { eventJson, sseEventSplitter } from "../../adapters/shared/sse.js";
import { askedForUsage } from "./admit.js";

const DATA = "data:";

/** One event without what only the forced usage report brought; null to drop it. */
function withoutUsage(event: Buffer): Buffer | null {
  const text = event.toString("utf8");
  if (!text.includes('"usage"')) return event;
  const lines = text.split(/\r?\n/);
  const dataLines = lines.filter((l) => l.startsWith(DATA));
  if (dataLines.length !== 1) return event;
  const json = eventJson((dataLines[0] as string).slice(DATA.length).trimStart());
  if (!json || !("usage" in json)) return event;
  if (Array.isArray(json.choices) && json.choices.length === 0 && json.usage !== null) return null;
  delete json.usage;
  const rewritten = lines.map((l) => (l.startsWith(DATA) ? `${DATA} ${JSON.stringify(json)}` : l)).join("\n");
  return Buffer.from(rewritten);
}

export function answerFilter(request: CallRequest, stream: boolean): AnswerFilter | null {
  if (!stream || request.endpoint !== "chat" || askedForUsage(request.fields)) return null;
  const split = sseEventSplitter();
  return {
    push(chunk) {
      const out: Buffer[] = [];
      for (const event of split.push(chunk)) {
        const kept = withoutUsage(event);
        if (kept) out.push(kept);
      }
      return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
    },
    end: () => split.end(),
  };
}
