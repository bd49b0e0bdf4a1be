// The Tavily adapter (catalog/tavily.json): a search is priced in credits at the catalog's price
// per credit — 1 for a basic, fast or ultra-fast search, 2 for an advanced one, which
// auto_parameters may pick when the request names no depth. The hold is the most the request can
// cost; the charge is what Tavily reports (usage.credits when the client asked for it, else the
// depth the request or auto_parameters chose). Reconciliation reads a key's credits from GET /usage.
import { RequestRefused, type Adapter, type CallRequest, type IncomingCall, type Meter } from "../../adapters/seam.js";
import { jsonCollector, parseAnswer } from "../../adapters/shared/jsonTail.js";
import { tokenCount, usageResult, noTokens } from "../../adapters/shared/usage.js";

const DEPTHS = new Set(["basic", "advanced", "fast", "ultra-fast"]);
const creditsOf = (depth: unknown) => (depth === "advanced" ? 2 : 1);

function readRequest(call: IncomingCall): CallRequest {
  const fields = call.fields;
  if (call.path !== "/search" || !fields) throw new RequestRefused(`No metered route ${call.path}.`, "NOT_FOUND");
  if (typeof fields.query !== "string" || fields.query.trim() === "") throw new RequestRefused("Query is missing.");
  const depth = fields.search_depth;
  if (depth != null && !DEPTHS.has(String(depth))) throw new RequestRefused("Invalid search_depth: must be basic, advanced, fast or ultra-fast.");
  if (fields.auto_parameters != null && typeof fields.auto_parameters !== "boolean") throw new RequestRefused("Invalid auto_parameters: must be a boolean.");
  // Without a depth of its own, auto_parameters may choose advanced: the hold is its two credits.
  const units = depth == null ? (fields.auto_parameters === true ? 2 : 1) : creditsOf(depth);
  return {
    endpoint: "search",
    models: [],
    model: null,
    stream: false,
    bound: { bodyBytes: call.body.length, maxTokens: null, n: 1, images: 0, imageBytes: 0, webSearch: false, embedding: false },
    units,
    fields,
  };
}

/** A key in the body would reach Tavily beside the pool's: it is never forwarded. */
function rewrite(request: CallRequest): Buffer | null {
  if (!request.fields || !("api_key" in request.fields)) return null;
  const { api_key: _dropped, ...rest } = request.fields;
  return Buffer.from(JSON.stringify(rest));
}

/** The credits the search was billed: usage.credits when reported, else the depth that ran. */
function meter(request: CallRequest): Meter {
  const answer = jsonCollector(16 * 1024 * 1024);
  return {
    push: answer.push,
    generationId: () => null,
    finish() {
      const doc = parseAnswer(answer.body());
      const requestId = typeof doc?.request_id === "string" ? doc.request_id : null;
      const reported = (doc?.usage as { credits?: unknown } | undefined)?.credits;
      const chosen = (doc?.auto_parameters as { search_depth?: unknown } | undefined)?.search_depth;
      const tokens = noTokens();
      tokens.units = typeof reported === "number" ? tokenCount(reported) : creditsOf(chosen ?? request.fields?.search_depth);
      // A search that answered at all ran: it is billed whatever the body turned out to be.
      return usageResult(tokens, requestId, false, false, null);
    },
  };
}

export const tavilyAdapter: Adapter = {
  jsonBody: true,
  readRequest,
  rewrite,
  meter,
  generationHeader: null,
  records: {
    async readUsage(get) {
      const { status, json } = await get("/usage");
      const usage = (json as { key?: { usage?: unknown } } | null)?.key?.usage;
      if (status !== 200 || typeof usage !== "number" || !Number.isSafeInteger(usage) || usage < 0) throw new Error(`Tavily /usage answered ${status} without the key's credits`);
      return { units: usage };
    },
  },
  /** Tavily's error body: {"detail":{"error":"…"}}. */
  errorBody: (error) => ({ detail: { error: error.message } }),
  // 432: the key's plan credits are spent; 433: its pay-as-you-go limit is reached.
  credentialRefusals: [432, 433],
};
