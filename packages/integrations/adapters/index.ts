// @vendo/integrations/adapters: the adapter seam and the adapter of each integration kind.
export * from "./seam.js";
export { adapterFor } from "./registry.js";
export { defaultErrorBody } from "./perCall.js";
export { chatCompletionJsonMeter, chatCompletionSseMeter } from "./shared/chatCompletionUsage.js";
