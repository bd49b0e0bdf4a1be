// The OpenRouter adapter (catalog/openrouter.json): the OpenAI chat-completions dialect plus
// OpenRouter's own — usage.cost in every answer, X-Generation-Id, prices from its /models, its
// generation and key records, its account endpoints and its error shape.
import { chatCompletionJsonMeter, chatCompletionSseMeter } from "../../adapters/shared/chatCompletionUsage.js";
import type { Adapter } from "../../adapters/seam.js";
import { accountEndpoint } from "./accountEndpoints.js";
import { priceAs, readRequest, rewrite } from "./admit.js";
import { errorBody } from "./errors.js";
import { prices } from "./prices.js";
import { records } from "./records.js";

const dialect = { cost: true };

export const openrouterAdapter: Adapter = {
  jsonBody: true,
  readRequest,
  rewrite,
  meter: (_request, stream) => (stream ? chatCompletionSseMeter(dialect) : chatCompletionJsonMeter(dialect)),
  generationHeader: "x-generation-id",
  prices,
  priceAs,
  records,
  accountEndpoint,
  errorBody,
};
