// meter, OpenAI's dialects: chat completions and embeddings speak the chat-completions usage
// (no cost: OpenAI reports none, the catalog's prices price it); the Responses API reports
// `usage` as input_tokens / output_tokens with cached and reasoning details, in the response
// object or, streamed, in its terminal event (response.completed, .incomplete or .failed).
import type { CallRequest, Meter, MeteredUsage } from "../../adapters/seam.js";
import { chatCompletionJsonMeter, chatCompletionSseMeter } from "../../adapters/shared/chatCompletionUsage.js";
import { firstStringOf, jsonCollector, lastObjectOf, MAX_JSON_ANSWER_BYTES, parseAnswer, TAIL_READ_BYTES } from "../../adapters/shared/jsonTail.js";
import { eventJson, sseReader } from "../../adapters/shared/sse.js";
import { estimatedUsage, noTokens, tokenCount, usageResult, type TokenFields } from "../../adapters/shared/usage.js";

const noCost = { cost: false };

interface ResponsesUsageJson {
  input_tokens?: unknown;
  output_tokens?: unknown;
  input_tokens_details?: { cached_tokens?: unknown } | null;
  output_tokens_details?: { reasoning_tokens?: unknown } | null;
}

function tokensOf(usage: ResponsesUsageJson): TokenFields {
  const tokens = noTokens();
  tokens.promptTokens = tokenCount(usage.input_tokens);
  tokens.completionTokens = tokenCount(usage.output_tokens);
  tokens.cachedTokens = tokenCount(usage.input_tokens_details?.cached_tokens);
  tokens.reasoningTokens = tokenCount(usage.output_tokens_details?.reasoning_tokens);
  return tokens;
}

/** A response object's usage, id and end; a failed response with no usage billed nothing. */
function fromResponse(doc: Record<string, unknown> | null): MeteredUsage {
  if (!doc) return estimatedUsage(0, null, null);
  const id = typeof doc.id === "string" ? doc.id : null;
  const status = typeof doc.status === "string" ? doc.status : null;
  if (doc.usage && typeof doc.usage === "object") return usageResult(tokensOf(doc.usage as ResponsesUsageJson), id, false, false, status);
  const refused = (doc.error != null || status === "failed") && !(Array.isArray(doc.output) && doc.output.length > 0);
  return usageResult(noTokens(), id, !refused, refused, status);
}

function responsesJsonMeter(): Meter {
  const answer = jsonCollector(MAX_JSON_ANSWER_BYTES);
  return {
    push: answer.push,
    generationId: () => null,
    finish() {
      const body = answer.body();
      if (body.length > TAIL_READ_BYTES) {
        const usage = lastObjectOf(body, "usage");
        if (usage && "input_tokens" in usage) return usageResult(tokensOf(usage), firstStringOf(body, "id"), false, false, null);
      }
      return fromResponse(parseAnswer(body));
    },
  };
}

const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);

function responsesSseMeter(): Meter {
  let final: MeteredUsage | null = null;
  let generationId: string | null = null;
  let deltas = 0;
  const feed = sseReader((event) => {
    const data = event.data;
    if (data.includes('"response.output_text.delta"') || data.includes('"response.function_call_arguments.delta"')) {
      deltas++;
      return;
    }
    const json = generationId === null || data.includes('"usage"') ? eventJson(data) : null;
    const response = json?.response as Record<string, unknown> | undefined;
    if (generationId === null && typeof response?.id === "string") generationId = response.id;
    if (response && typeof json?.type === "string" && TERMINAL.has(json.type)) final = fromResponse(response);
  });
  return {
    push: feed,
    generationId: () => generationId,
    finish: () => final ?? estimatedUsage(deltas, generationId, null),
  };
}

export function meter(request: CallRequest, stream: boolean): Meter {
  if (request.endpoint === "responses") return stream ? responsesSseMeter() : responsesJsonMeter();
  return stream ? chatCompletionSseMeter(noCost) : chatCompletionJsonMeter(noCost);
}
