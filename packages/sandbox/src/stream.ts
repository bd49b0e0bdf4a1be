// Relaying one generation as Server-Sent Events. The events are the endpoint's (its StreamShape);
// the order is every upstream's:
//   open                           (OpenRouter: a `: OPENROUTER PROCESSING` comment; Anthropic:
//                                   message_start …; the Responses API: response.created …)
//   first × n                      (a choice's opening event, e.g. chat's role chunk)
//   piece × N                      (one token per event, one res.write each, `chunk-delay` before
//                                   each token; with `n` choices, token i of every choice in turn)
//   finish × n                     (a choice's end: its finish reason)
//   close                          (usage and the end: `data: [DONE]`, message_stop, response.completed)
// Interrupts replace everything after the N-th content chunk: an in-stream error event then the
// end (stream-error), a destroyed socket (reset), or silence on an open connection (hang).

import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Call } from "./call.ts";
import type { InterruptKind } from "./faults.ts";
import type { FinishInfo, StreamShape } from "./shapes.ts";
import { tokenPiece } from "./tokens.ts";
import type { Metered } from "./usage.ts";


export interface StreamPlan {
  readonly shape: StreamShape;
  /** The answer's headers besides its content type (the dialect's ids). */
  readonly headers: Record<string, string>;
  /** The text of piece i when it is not a completion's words (a tool call's arguments). */
  readonly pieceOf: ((index: number) => string) | null;
  /** What the whole call bills: every choice's tokens. */
  readonly metered: Metered;
  /** Content chunks of each choice. */
  readonly tokensPerChoice: number;
  /** `n`. */
  readonly choices: number;
  readonly finish: FinishInfo;
  readonly chunkDelayMs: number;
  readonly interrupt: { readonly kind: InterruptKind; readonly after: number } | undefined;
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** Destroys the socket once the bytes already written have been flushed. */
function resetSocket(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) return;
  socket.end();
  socket.once("finish", () => socket.destroy());
}

export async function streamGeneration(res: ServerResponse, call: Call, plan: StreamPlan): Promise<void> {
  const { shape, metered, interrupt, chunkDelayMs, choices, pieceOf } = plan;
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...plan.headers });
  const open = shape.open(metered);
  if (open) res.write(open);
  for (let c = 0; c < choices; c++) {
    const first = shape.first(c);
    if (first !== null) res.write(first);
  }

  const count = plan.tokensPerChoice;
  for (let i = 0; i < count; i++) {
    if (chunkDelayMs > 0) await sleep(chunkDelayMs);
    if (call.done) return; // the client went away; the call was recorded as cancelled
    for (let c = 0; c < choices; c++) {
      if (res.write(shape.piece(pieceOf ? pieceOf(i) : tokenPiece(i, metered.promptTokens + c), c))) continue;
      await drained(res);
      if (call.done) return;
    }
  }
  if (call.done) return;

  switch (interrupt?.kind) {
    case "stream-error":
      res.end(shape.error({ code: 502, message: `Provider returned error (sandbox fault stream-error after ${count} chunks)` }));
      call.settle("error", metered, false, "error");
      return;
    case "reset":
      call.settle("reset", metered, false, null);
      resetSocket(res);
      return;
    case "hang":
      call.settle("hang", metered, false, null);
      return; // nothing more is sent; the connection stays open until the client or close() ends it
    case undefined:
      for (let c = 0; c < choices; c++) res.write(shape.finish(plan.finish, c));
      res.end(shape.close(metered, plan.finish));
      call.settle("ok", metered, false, plan.finish.reason);
  }
}
