// A forced tool call's arguments, made deterministically from the tool's JSON Schema so a client
// that checks them against it (the Vercel AI SDK does) accepts them: each required property (every
// property when none is required) gets a value of its type — a string of sandbox words, 1, true,
// an empty array, a nested object — or the first of its enum.

import { WORDS } from "./tokens.ts";

function valueFor(schema: unknown, depth: number): unknown {
  const s = (schema && typeof schema === "object" ? schema : {}) as Record<string, unknown>;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "string": return `${WORDS[depth % 64]} ${WORDS[(depth + 1) % 64]}`;
    case "number":
    case "integer": return 1;
    case "boolean": return true;
    case "array": return [];
    case "object": return depth > 4 ? {} : objectFor(s, depth + 1);
    default: return s.properties ? objectFor(s, depth + 1) : "sandbox";
  }
}

function objectFor(schema: Record<string, unknown>, depth: number): Record<string, unknown> {
  const properties = (schema.properties && typeof schema.properties === "object" ? schema.properties : {}) as Record<string, unknown>;
  const required = Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === "string") : Object.keys(properties);
  const out: Record<string, unknown> = {};
  for (const name of required) out[name] = valueFor(properties[name], depth);
  return out;
}

/** The arguments of a call to a tool with `parameters` (a JSON Schema), as JSON text. */
export function toolArguments(parameters: unknown): string {
  return JSON.stringify(parameters && typeof parameters === "object" ? objectFor(parameters as Record<string, unknown>, 0) : {});
}
