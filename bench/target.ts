// A scenario as the load generators see it: where to send a chat completion, with which headers,
// and which sandbox key its traffic uses upstream.
import type { ChildServer } from "./child.ts";

export const scenarioNames = ["direct", "passthrough", "vendo-sqlite", "vendo-postgres", "portkey"] as const;
export type ScenarioName = (typeof scenarioNames)[number];
/** The scenarios of the scaling tables (measured and reported). */
export const SCALED: readonly ScenarioName[] = ["direct", "passthrough", "vendo-sqlite"];

/** A target's name: its scenario's, or the scenario's with a suffix where one figure runs several
 *  servers of a scenario side by side (the two PostgreSQL instances: `vendo-postgres#a`). */
export type TargetName = ScenarioName | `${ScenarioName}#${string}`;

export const MODEL = "openai/gpt-4o-mini";

export interface Target {
  name: TargetName;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The chat completions path on this target. */
  path: string;
  headers: Record<string, string>;
  /** Header that carries the tenant key, when requests may rotate over several keys. */
  keyHeader: "authorization" | null;
  server: ChildServer;
  /** The sandbox key this scenario's traffic reaches the upstream with: sandbox faults (stream
   *  length, pacing, hang) are set on it, so every proxy gets them the same way. */
  upstreamKey: string;
  /** Said in the output (e.g. how Portkey was run). */
  note?: string;
}

export interface ChatRequest {
  /** Extra prompt bytes (the message content is padded to about this size). */
  promptBytes?: number;
  stream?: boolean;
}

const WORDS = "the quick brown fox jumps over a lazy dog while seven wise owls watch quietly from old oak trees ";

function content(bytes: number | undefined): string {
  if (!bytes) return "Hello, how are you today?";
  return WORDS.repeat(Math.ceil(bytes / WORDS.length)).slice(0, bytes);
}

/** Body and headers of one chat completion to `target`. */
export function chatRequest(target: Target, req: ChatRequest = {}): { path: string; headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = { ...target.headers, "content-type": "application/json" };
  const body = JSON.stringify({
    model: MODEL,
    messages: [{ role: "user", content: content(req.promptBytes) }],
    ...(req.stream ? { stream: true } : {}),
  });
  return { path: target.path, headers, body };
}
