// The OpenAI adapter (catalog/openai.json): chat completions, the Responses API and embeddings;
// prices from the catalog's table (OpenAI publishes no price API); no upstream record a pool's
// inference key can read (see records).
import type { Adapter } from "../../adapters/seam.js";
import { readRequest, rewrite } from "./admit.js";
import { answerFilter } from "./answerFilter.js";
import { errorBody } from "./errors.js";
import { meter } from "./meter.js";

export const openaiAdapter: Adapter = {
  jsonBody: true,
  readRequest,
  rewrite,
  meter,
  answerFilter,
  // The answer's id (chatcmpl-…, resp_…) is read from its body; OpenAI keeps no record to look it up by.
  generationHeader: null,
  prices: { from: "catalog" },
  records: {
    noUsageRecord:
      "OpenAI's usage and costs endpoints need an organization admin key (sk-admin-…), not the inference keys a pool holds, and report per project and day rather than per key; Vendo's books, priced from each answer's usage, are the only record per credential",
  },
  errorBody,
};
