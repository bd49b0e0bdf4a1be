// Test hooks under /__sandbox (no auth; the sandbox binds 127.0.0.1 by default):
//   GET  /__sandbox/calls[?served=true|false][&key=K]  → {calls, totals}  (bigints as strings)
//   POST /__sandbox/reset                               → clears the log, key usage and rate windows
//   POST /__sandbox/key-fault {key, fault}              → fault: directive string, object or null
//   POST /__sandbox/keys {key, limitUsd?, rpm?, …}      → adds (or replaces) an upstream key

import type { IncomingMessage, ServerResponse } from "node:http";
import { auditJson, type CallFilter } from "../audit.ts";
import { FaultSyntaxError, type SandboxFault } from "../faults.ts";
import type { SandboxContext } from "../generate.ts";
import type { SandboxKeyConfig } from "../keys.ts";
import { readBody, sendError, sendJson } from "../respond.ts";

export interface AdminHooks {
  reset(): void;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const value: unknown = JSON.parse((await readBody(req)).toString("utf8"));
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new TypeError("body must be a JSON object");
  return value as Record<string, unknown>;
}

function filterOf(query: string): CallFilter {
  const params = new URLSearchParams(query);
  const filter: CallFilter = {};
  const served = params.get("served");
  if (served === "true" || served === "false") filter.served = served === "true";
  const key = params.get("key");
  if (key) filter.key = key;
  return filter;
}

export async function handleAdmin(ctx: SandboxContext, hooks: AdminHooks, path: string, query: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (path === "/__sandbox/calls" && req.method === "GET") {
      return sendJson(res, 200, auditJson({ calls: ctx.audit.calls(filterOf(query)), totals: ctx.audit.totals() }));
    }
    if (path === "/__sandbox/reset" && req.method === "POST") {
      hooks.reset();
      return sendJson(res, 200, '{"ok":true}');
    }
    if (path === "/__sandbox/key-fault" && req.method === "POST") {
      const body = await readJson(req);
      if (typeof body.key !== "string") return sendError(res, 400, "key is required");
      ctx.keys.setFault(body.key, (body.fault ?? null) as SandboxFault | string | null);
      return sendJson(res, 200, '{"ok":true}');
    }
    if (path === "/__sandbox/keys" && req.method === "POST") {
      ctx.keys.add((await readJson(req)) as unknown as SandboxKeyConfig);
      return sendJson(res, 200, '{"ok":true}');
    }
    sendError(res, 404);
  } catch (err) {
    if (err instanceof SyntaxError || err instanceof TypeError || err instanceof RangeError || err instanceof FaultSyntaxError) {
      return sendError(res, 400, err.message);
    }
    throw err;
  }
}
