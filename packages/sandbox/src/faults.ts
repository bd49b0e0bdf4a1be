// Faults on demand. One syntax, three sources, merged field by field (later wins):
//   1. the upstream key's fault (`keys[].fault`, `sandbox.setKeyFault(key, …)`)
//   2. directives appended to the model name with "~": `openai/gpt-4o-mini~503`
//   3. the `x-sandbox-fault` request header: `latency=50, chunk-delay=10, stream-error=3`
//
// Directives (comma, semicolon or space separated in the header; "~" separated in the model):
//   latency=MS       wait MS before the first byte of the response
//   chunk-delay=MS   wait MS before each content chunk of a stream
//   NNN | status=NNN fail before the first byte with HTTP status NNN (400..599), JSON error body
//   stream-error[=N] after N content chunks (default 0): in-stream error chunk, then end
//   reset[=N]        after N content chunks (default 0): destroy the socket
//   hang[=N]         after N content chunks (default 0): stop sending, keep the connection open
//   tokens=N         exact completion length (still capped by max_tokens and the model)
//   cached=N         N of the prompt tokens are cache reads (priced at input_cache_read)
//   cache-write=N    N of the prompt tokens are written to the cache (priced at input_cache_write)
//   cache-write-long=N  N of them for the cache's longer lifetime (input_cache_write_long: Anthropic's 1 h)
// Everything is deterministic: the same request with the same faults behaves the same way.

export type InterruptKind = "stream-error" | "reset" | "hang";

export interface SandboxFault {
  latencyMs?: number;
  chunkDelayMs?: number;
  /** Fail before the first byte with this HTTP status. */
  status?: number;
  interrupt?: { kind: InterruptKind; after: number };
  completionTokens?: number;
  cachedTokens?: number;
  cacheWriteTokens?: number;
  cacheWriteLongTokens?: number;
  /** Key faults only: apply to the next `times` requests of the key, then clear. */
  times?: number;
}

export class FaultSyntaxError extends Error {
  readonly code = "sandbox_fault_syntax";
}

const MAX_MS = 600_000;
const MAX_COUNT = 10_000_000;

function count(name: string, raw: string | undefined, fallback: number | undefined, max: number): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new FaultSyntaxError(`sandbox fault "${name}" needs a value`);
    return fallback;
  }
  if (!/^\d+$/.test(raw) || Number(raw) > max) throw new FaultSyntaxError(`sandbox fault "${name}" expects an integer 0..${max}, got "${raw}"`);
  return Number(raw);
}

function applyDirective(fault: SandboxFault, directive: string): void {
  const eq = directive.indexOf("=");
  const name = (eq < 0 ? directive : directive.slice(0, eq)).toLowerCase();
  const raw = eq < 0 ? undefined : directive.slice(eq + 1);
  if (/^\d{3}$/.test(name) && raw === undefined) {
    fault.status = count("status", name, undefined, 599);
  } else {
    switch (name) {
      case "latency": fault.latencyMs = count(name, raw, undefined, MAX_MS); break;
      case "chunk-delay": fault.chunkDelayMs = count(name, raw, undefined, MAX_MS); break;
      case "status": fault.status = count(name, raw, undefined, 599); break;
      case "stream-error":
      case "reset":
      case "hang": fault.interrupt = { kind: name, after: count(name, raw, 0, MAX_COUNT) }; break;
      case "tokens": fault.completionTokens = count(name, raw, undefined, MAX_COUNT); break;
      case "cached": fault.cachedTokens = count(name, raw, undefined, MAX_COUNT); break;
      case "cache-write": fault.cacheWriteTokens = count(name, raw, undefined, MAX_COUNT); break;
      case "cache-write-long": fault.cacheWriteLongTokens = count(name, raw, undefined, MAX_COUNT); break;
      case "times": fault.times = count(name, raw, undefined, MAX_COUNT); break;
      default: throw new FaultSyntaxError(`unknown sandbox fault directive "${directive}"`);
    }
  }
  if (fault.status !== undefined && fault.status < 400) throw new FaultSyntaxError(`sandbox fault status must be 400..599, got ${fault.status}`);
}

/** Parses directives separated by `,`, `;`, `~` or whitespace. Throws FaultSyntaxError. */
export function parseFault(spec: string): SandboxFault {
  const fault: SandboxFault = {};
  for (const directive of spec.split(/[\s,;~]+/)) if (directive) applyDirective(fault, directive);
  return fault;
}

/** The request headers the sandbox reads faults from; a proxy in front of it (`vendo dev`) passes them on. */
export const SANDBOX_REQUEST_HEADERS = ["x-sandbox-fault", "x-sandbox-completion-tokens"] as const;

/** The model id without its `~directive` suffix: what the call is priced as. */
export function modelWithoutFault(model: string): string {
  const tilde = model.indexOf("~");
  return tilde < 0 ? model : model.slice(0, tilde);
}

/** Splits `model~dir~dir` into the model id and its fault (undefined when there is no "~"). */
export function splitModelFault(model: string): { model: string; fault: SandboxFault | undefined } {
  const tilde = model.indexOf("~");
  if (tilde < 0) return { model, fault: undefined };
  return { model: modelWithoutFault(model), fault: parseFault(model.slice(tilde + 1)) };
}

/** Field-by-field merge; fields of later faults win. `times` is not carried over. */
export function mergeFaults(...faults: Array<SandboxFault | undefined>): SandboxFault {
  const merged: SandboxFault = {};
  for (const f of faults) {
    if (!f) continue;
    if (f.latencyMs !== undefined) merged.latencyMs = f.latencyMs;
    if (f.chunkDelayMs !== undefined) merged.chunkDelayMs = f.chunkDelayMs;
    if (f.status !== undefined) merged.status = f.status;
    if (f.interrupt !== undefined) merged.interrupt = f.interrupt;
    if (f.completionTokens !== undefined) merged.completionTokens = f.completionTokens;
    if (f.cachedTokens !== undefined) merged.cachedTokens = f.cachedTokens;
    if (f.cacheWriteTokens !== undefined) merged.cacheWriteTokens = f.cacheWriteTokens;
    if (f.cacheWriteLongTokens !== undefined) merged.cacheWriteLongTokens = f.cacheWriteLongTokens;
  }
  return merged;
}

/** Accepts a fault object or a directive string (as in the header); validates either. */
export function toFault(fault: SandboxFault | string): SandboxFault {
  return parseFault(typeof fault === "string" ? fault : describeFault(fault));
}

/** The directive string of a fault (round-trips through parseFault). */
export function describeFault(fault: SandboxFault): string {
  const parts: string[] = [];
  if (fault.latencyMs !== undefined) parts.push(`latency=${fault.latencyMs}`);
  if (fault.chunkDelayMs !== undefined) parts.push(`chunk-delay=${fault.chunkDelayMs}`);
  if (fault.status !== undefined) parts.push(`status=${fault.status}`);
  if (fault.interrupt) parts.push(`${fault.interrupt.kind}=${fault.interrupt.after}`);
  if (fault.completionTokens !== undefined) parts.push(`tokens=${fault.completionTokens}`);
  if (fault.cachedTokens !== undefined) parts.push(`cached=${fault.cachedTokens}`);
  if (fault.cacheWriteTokens !== undefined) parts.push(`cache-write=${fault.cacheWriteTokens}`);
  if (fault.cacheWriteLongTokens !== undefined) parts.push(`cache-write-long=${fault.cacheWriteLongTokens}`);
  if (fault.times !== undefined) parts.push(`times=${fault.times}`);
  return parts.join(",");
}
