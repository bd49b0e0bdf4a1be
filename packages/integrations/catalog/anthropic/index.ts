// The Anthropic adapter (catalog/anthropic.json): the Messages API with its usage split into
// uncached input, cache writes (two lifetimes) and cache reads; prices from the catalog's table
// (Anthropic publishes no price API); no upstream record an inference key can read.
import type { Adapter } from "../../adapters/seam.js";
import { readRequest, rewrite } from "./admit.js";
import { errorBody } from "./errors.js";
import { meter } from "./meter.js";

export const anthropicAdapter: Adapter = {
  jsonBody: true,
  readRequest,
  rewrite,
  meter,
  // The message's id (msg_…) is read from its body; Anthropic keeps no record to look it up by.
  generationHeader: null,
  prices: { from: "catalog" },
  records: {
    noUsageRecord:
      "Anthropic's usage and cost reports need an Admin API key (sk-ant-admin…), not the inference keys a pool holds, and report per workspace and bucket of time rather than per key; Vendo's books, priced from each answer's usage, are the only record per credential",
  },
  errorBody,
};
