// Reading a server-sent-events answer event by event for a usage dialect: comment lines, CRLF line
// ends and events split across chunks are the parser's (eventsource-parser).
import { createParser, type EventSourceMessage } from "eventsource-parser";

/** Feeds an answer's bytes to `onEvent` (event name, data) as whole events arrive. */
export function sseReader(onEvent: (event: EventSourceMessage) => void): (chunk: Buffer) => void {
  const decoder = new TextDecoder();
  const parser = createParser({ onEvent });
  return (chunk) => parser.feed(decoder.decode(chunk, { stream: true }));
}

/** JSON of an event's data, or null when it is not a JSON object. */
export function eventJson(data: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(data);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Splits an event stream into whole events (their raw bytes, blank line included) so an answer
 * filter can drop or rewrite one and pass every other byte on as it came.
 */
export function sseEventSplitter(): { push(chunk: Buffer): Buffer[]; end(): Buffer } {
  let pending: Buffer = Buffer.alloc(0);
  return {
    push(chunk) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const events: Buffer[] = [];
      let start = 0;
      for (;;) {
        const end = eventEnd(pending, start);
        if (end < 0) break;
        events.push(pending.subarray(start, end));
        start = end;
      }
      pending = pending.subarray(start);
      return events;
    },
    end() {
      const rest = pending;
      pending = Buffer.alloc(0);
      return rest;
    },
  };
}

/** The index just past the blank line ending the event that starts at `from`; -1 if incomplete. */
function eventEnd(buf: Buffer, from: number): number {
  for (let i = from; i < buf.length; i++) {
    if (buf[i] !== 0x0a /* \n */) continue;
    // "\n\n" or "\n\r\n" ends an event.
    if (buf[i + 1] === 0x0a) return i + 2;
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}
