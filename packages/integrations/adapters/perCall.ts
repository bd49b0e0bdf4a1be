// The generic per-call adapter: an integration the catalog prices per call (metering.kind
// "per_call") with no adapter of its own. Any method and body pass as they came; a served answer
// (any 2xx/3xx) is one unit at the catalog's price, which is also the hold. Its errors use Vendo's
// default shape. Adding such an integration to the catalog needs no code.
import type { Adapter, CallRequest, Meter } from "./seam.js";
import { noTokens } from "./shared/usage.js";

/** One served call is one unit: the answer's bytes say nothing more to a generic adapter. */
function oneUnitMeter(): Meter {
  return {
    push() {},
    generationId: () => null,
    finish: () => ({ ...noTokens(), units: 1, generationId: null, estimated: false, refused: false, finishReason: null }),
  };
}

function oneCall(): CallRequest {
  return {
    endpoint: "call",
    models: [],
    model: null,
    stream: false,
    bound: { bodyBytes: 0, maxTokens: null, n: 1, images: 0, imageBytes: 0, webSearch: false, embedding: false },
    units: 1,
    fields: null,
  };
}

/** Vendo's own error body: {"error":{"code":<status>,"message":"…"}}. */
export function defaultErrorBody(error: { status: number; message: string }): unknown {
  return { error: { code: error.status, message: error.message } };
}

export const perCallAdapter: Adapter = {
  jsonBody: false,
  readRequest: oneCall,
  meter: oneUnitMeter,
  generationHeader: null,
  records: {
    noUsageRecord: "a generic per-call API: Vendo knows no upstream record of a credential's usage to compare its books with",
  },
  errorBody: defaultErrorBody,
};
