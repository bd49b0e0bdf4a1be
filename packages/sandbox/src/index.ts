// @vendo/sandbox: an OpenRouter-compatible upstream simulator that records what it served and
// what it cost. See packages/sandbox/README.md and docs/sandbox.md.

export { startSandbox, type Sandbox, type SandboxOptions } from "./server.ts";
export { parseSandboxArgs, runSandboxCli, SandboxArgsError, SANDBOX_USAGE, type CliIo } from "./cli.ts";
export { sandboxModels, findModel, modelsResponseBody, type SandboxModel, type SandboxPricing, type ModelKind } from "./models.ts";
export { usdToNanos, nanosToUsd, formatNanos, priceNanos, NANOS_PER_USD, type Pricing, type PricedUsage } from "./money.ts";
export {
  countPromptTokens,
  countTextTokens,
  defaultCompletionTokens,
  tokenPiece,
  completionText,
  choiceText,
  planCompletion,
  WORDS,
  type CompletionPlan,
  type CompletionPlanInput,
} from "./tokens.ts";
export { parseFault, splitModelFault, modelWithoutFault, SANDBOX_REQUEST_HEADERS, mergeFaults, describeFault, FaultSyntaxError, type SandboxFault, type InterruptKind } from "./faults.ts";
export { DEFAULT_SANDBOX_KEY, type SandboxKeyConfig, type LimitReset } from "./keys.ts";
export { auditJson, type SandboxCall, type SandboxTotals, type SandboxTotalsReport, type CallStatus, type CallFilter } from "./audit.ts";
export { meter, type Metered } from "./usage.ts";
export { embeddingVector } from "./routes/embeddings.ts";
export { chatRequestSchema, completionRequestSchema, embeddingRequestSchema, requestProblem } from "./requestSchemas.ts";
export { PROCESSING_COMMENT, DONE_LINE } from "./shapes.ts";
export { openaiModels, findOpenaiModel } from "./upstreams/openai/models.ts";
export { toolArguments } from "./toolArguments.ts";
export { anthropicModels, findAnthropicModel } from "./upstreams/anthropic/models.ts";
export { TAVILY_CREDIT_USD } from "./upstreams/tavily/search.ts";
