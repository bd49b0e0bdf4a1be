// Validates a request's params, headers, query and body against its endpoint's schemas. The first
// problem becomes a 400 that names the field: "Invalid body.limit: must be a USD decimal string…".
import type { z } from "zod";
import type { EndpointSpec, ValidatedInput } from "./contract/endpoint.js";
import { controlError } from "./errors.js";

type Part = "params" | "headers" | "query" | "body";
const PARTS: readonly Part[] = ["params", "headers", "query", "body"];

export function validateRequest<E extends EndpointSpec>(endpoint: E, raw: Record<Part, unknown>): ValidatedInput<E> {
  const out: Record<string, unknown> = {};
  for (const part of PARTS) {
    const schema = endpoint[part];
    if (!schema) {
      out[part] = undefined;
      continue;
    }
    out[part] = parsePart(part, schema, raw[part]);
  }
  return out as unknown as ValidatedInput<E>;
}

/** Validates one part of a request against a schema; the first problem becomes a 400 naming the field. */
export function parsePart<S extends z.ZodType>(part: Part, schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw ?? (part === "body" ? undefined : {}));
  if (!result.success) throw controlError("invalid_request", describeIssue(part, result.error.issues[0]));
  return result.data;
}

function describeIssue(part: Part, issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return `Invalid ${part}.`;
  if (issue.code === "unrecognized_keys") {
    const where = [part, ...issue.path.map(String)].join(".");
    return `Invalid ${where}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}.`;
  }
  if (issue.path.length === 0) {
    return part === "body" && issue.code === "invalid_type" ? "Invalid body: a JSON object is required." : `Invalid ${part}: ${issue.message}.`;
  }
  const field = issue.path.map(String).join(".");
  if (part === "headers") return `Invalid header ${headerName(field)}: ${issue.message}.`;
  return `Invalid ${part}.${field}: ${issue.message}.`;
}

/** idempotency-key → Idempotency-Key, for messages. */
function headerName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}
