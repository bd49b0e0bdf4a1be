// Tavily's Search API under the sandbox's /tavily prefix (https://docs.tavily.com/documentation/
// api-reference/endpoint/search): POST /search answers ranked results (and an answer, images, the
// auto-chosen parameters, the credit usage, as asked), billed in credits — 1 for a basic, fast or
// ultra-fast search, 2 for an advanced one, at $0.008 a credit (pay as you go) — and GET /usage the
// key's credits. Errors are Tavily's {"detail":{"error":"…"}} (401, 400, 429, 432 when the key's
// credits are spent). Faults (latency, status, reset, hang) apply as on the other routes; a search
// that ran is billed even if its answer never arrived.

import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { Call } from "../../call.ts";
import { FaultSyntaxError, mergeFaults, parseFault, SANDBOX_REQUEST_HEADERS, type SandboxFault } from "../../faults.ts";
import type { SandboxContext } from "../../generate.ts";
import type { KeyState } from "../../keys.ts";
import { priceExact, usdToNanos } from "../../money.ts";
import { BodyTooLargeError, readBody } from "../../respond.ts";
import { WORDS } from "../../tokens.ts";
import { bearerKey } from "../openrouter.ts";

export const TAVILY_PREFIX = "/tavily";

/** Tavily's pay-as-you-go price of one credit (USD). */
export const TAVILY_CREDIT_USD = "0.008";

const searchSchema = z.object({
  query: z.string({ error: "Query is missing." }).min(1, { error: "Query is missing." }),
  search_depth: z.enum(["basic", "advanced", "fast", "ultra-fast"]).optional(),
  chunks_per_source: z.int().min(1).max(3).optional(),
  max_results: z.int().min(0).max(20).optional(),
  topic: z.enum(["general", "news", "finance"]).optional(),
  time_range: z.enum(["day", "week", "month", "year", "d", "w", "m", "y"]).nullish(),
  days: z.int().min(1).optional(),
  start_date: z.string().optional(),
  end_date: z.string().optional(),
  include_answer: z.union([z.boolean(), z.enum(["basic", "advanced"])]).optional(),
  include_raw_content: z.union([z.boolean(), z.enum(["markdown", "text"])]).optional(),
  include_images: z.boolean().optional(),
  include_image_descriptions: z.boolean().optional(),
  include_favicon: z.boolean().optional(),
  include_domains: z.array(z.string()).optional(),
  exclude_domains: z.array(z.string()).optional(),
  country: z.string().nullish(),
  auto_parameters: z.boolean().optional(),
  include_usage: z.boolean().optional(),
});

/** The depth auto_parameters picks: advanced for a query of eight words or more, basic otherwise. */
function autoDepth(query: string): "basic" | "advanced" {
  return query.trim().split(/\s+/).length >= 8 ? "advanced" : "basic";
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

const detail = (error: string) => JSON.stringify({ detail: { error } });

function results(query: string, count: number, raw: boolean, favicon: boolean): string {
  const list = Array.from({ length: count }, (_, i) => {
    const word = WORDS[(query.length + i) % 64] ?? "sandbox";
    return JSON.stringify({
      url: `https://${word}.example.com/${i + 1}`,
      title: `${word} — result ${i + 1} for ${query}`,
      content: `${word} ${WORDS[(query.length + i + 1) % 64]} ${WORDS[(query.length + i + 2) % 64]}.`,
      score: Math.round((0.99 - i * 0.04) * 1000) / 1000,
      raw_content: raw ? `# ${word}\n\nThe page about ${query}.` : null,
      ...(favicon ? { favicon: `https://${word}.example.com/favicon.ico` } : {}),
    });
  });
  return `[${list.join(",")}]`;
}

async function search(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const startedAt = Date.now();
  const call = new Call(ctx.audit, ctx.ids.next(startedAt), `${TAVILY_PREFIX}/search`, typeof req.headers["x-request-id"] === "string" ? req.headers["x-request-id"] : null, startedAt);
  const refuse = (status: number, error: string, headers: Record<string, string> = {}) => {
    send(res, status, detail(error), headers);
    call.reject(status);
  };
  const key = bearerKey(req);
  call.key = key === undefined ? undefined : ctx.keys.get(key);
  if (!call.key) return refuse(401, "Unauthorized: missing or invalid API key.");
  const admitted = call.key.admit(startedAt);
  if (admitted?.status === 429) return refuse(429, "Your request has been blocked due to excessive requests. Please reduce the rate of requests.", { "retry-after": String(admitted.retryAfterS) });
  if (admitted) return refuse(432, "This request exceeds your plan's set usage limit. Please upgrade your plan or contact support@tavily.com");

  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse((await readBody(req)).toString("utf8"));
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return refuse(400, "Invalid request body.");
    body = parsed as Record<string, unknown>;
  } catch (err) {
    return err instanceof BodyTooLargeError ? refuse(413, "Request body too large.") : refuse(400, "Invalid JSON in request body.");
  }
  const checked = searchSchema.safeParse(body);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const field = issue?.path.join(".");
    return refuse(400, field && field !== "query" ? `Invalid ${field}: ${issue?.message}` : (issue?.message ?? "Invalid request."));
  }
  let fault: SandboxFault;
  try {
    const header = req.headers[SANDBOX_REQUEST_HEADERS[0]];
    fault = mergeFaults(call.key.takeFault(), typeof header === "string" ? parseFault(header) : undefined);
  } catch (err) {
    if (err instanceof FaultSyntaxError) return refuse(400, err.message);
    throw err;
  }
  await answer(call, call.key, res, checked.data, fault, startedAt);
}

async function answer(call: Call, key: KeyState, res: ServerResponse, q: z.output<typeof searchSchema>, fault: SandboxFault, startedAt: number): Promise<void> {
  const depth = q.search_depth ?? (q.auto_parameters ? autoDepth(q.query) : "basic");
  const credits = depth === "advanced" ? 2 : 1;
  const costExact = priceExact({ prompt: TAVILY_CREDIT_USD, completion: "0", request: "0" }, { promptTokens: credits, completionTokens: 0 });
  const metered = { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, cacheWriteLongTokens: 0, units: credits, costExact, costNanos: usdToNanos(costExact), promptCostNanos: 0n, completionCostNanos: 0n };
  const bill = (status: "ok" | "reset" | "hang") => {
    if (!call.done) key.usageUnits += credits;
    call.settle(status, metered, false, null);
  };
  if (fault.latencyMs) {
    res.on("close", () => {
      if (!call.done) call.reject(fault.status ?? 499, true);
    });
    await sleep(fault.latencyMs);
    if (call.done) return;
  }
  if (fault.status !== undefined) {
    send(res, fault.status, detail(fault.status >= 500 ? "Internal server error." : `Sandbox fault ${fault.status}.`));
    return call.reject(fault.status);
  }
  if (fault.interrupt?.kind === "reset") {
    bill("reset");
    res.socket?.destroy();
    return;
  }
  if (fault.interrupt?.kind === "hang") return bill("hang");

  const answerText = q.include_answer ? `${q.query}: ${WORDS[q.query.length % 64]} ${WORDS[(q.query.length + 7) % 64]}.` : null;
  const images = q.include_images ? `[${[1, 2].map((i) => JSON.stringify(q.include_image_descriptions ? { url: `https://images.example.com/${i}.png`, description: `image ${i}` } : `https://images.example.com/${i}.png`)).join(",")}]` : "[]";
  const chosen = q.auto_parameters ? `,"auto_parameters":${JSON.stringify({ topic: q.topic ?? "general", search_depth: depth })}` : "";
  const usage = q.include_usage ? `,"usage":{"credits":${credits}}` : "";
  const text =
    `{"query":${JSON.stringify(q.query)},"follow_up_questions":null,"answer":${JSON.stringify(answerText)},"images":${images},` +
    `"results":${results(q.query, q.max_results ?? 5, Boolean(q.include_raw_content), Boolean(q.include_favicon))}${chosen},` +
    `"response_time":${((Date.now() - startedAt) / 1000 + 0.5).toFixed(2)}${usage},"request_id":"${requestId(call)}"}`;
  send(res, 200, text);
  bill("ok");
}

function requestId(call: Call): string {
  const hex = Buffer.from(call.id).toString("hex").slice(-32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function usage(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): void {
  const key = bearerKey(req);
  const state = key === undefined ? undefined : ctx.keys.get(key);
  if (!state) return send(res, 401, detail("Unauthorized: missing or invalid API key."));
  send(res, 200, JSON.stringify({ key: { usage: state.usageUnits, limit: null, search_usage: state.usageUnits, extract_usage: 0, crawl_usage: 0, map_usage: 0, research_usage: 0 }, account: { current_plan: "Pay-as-you-go", plan_usage: 0, plan_limit: 0, paygo_usage: state.usageUnits, paygo_limit: null } }));
}

export function tavilyRoutes(ctx: SandboxContext) {
  return (path: string, req: IncomingMessage, res: ServerResponse): Promise<void> | void | null => {
    if (!path.startsWith(`${TAVILY_PREFIX}/`)) return null;
    const rest = path.slice(TAVILY_PREFIX.length);
    if (rest === "/search" && req.method === "POST") return search(ctx, req, res);
    if (rest === "/usage" && req.method === "GET") return usage(ctx, req, res);
    send(res, 404, JSON.stringify({ detail: "Not Found" }));
  };
}
