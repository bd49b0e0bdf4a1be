// What OpenRouter accepts on its generation routes, as zod schemas: a request outside them is a
// 400 and bills nothing. Sources (test/requestRules.integration.test.ts gives each rule its own):
//   P    https://openrouter.ai/docs/api-reference/parameters   (types and ranges of the parameters)
//   S    https://openrouter.ai/openapi.yaml                     (ChatRequest, ChatMessages, /embeddings; 2026-08)
//   S25  OpenRouter's spec of 2025-11-18 (ChatGenerationParams, CompletionCreateParams, with
//        numeric bounds), as published in github.com/OpenRouterTeam/typescript-sdk@ce74f72
// Unknown fields pass, as on OpenRouter ("You may send any parameters … as well as others", P):
// z.object ignores keys it does not name (only the verdict is used, never the parsed value).

import { z } from "zod";

const isObject = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value);
const nullish = <T extends z.ZodType>(schema: T) => schema.nullish();
const range = (min: number, max: number) => nullish(z.number().min(min).max(max));
const intAtLeast = (min: number) => nullish(z.int().min(min));

/** Sampling and length parameters every completion route takes (P; bounds also in S25). */
const sampling = {
  temperature: range(0, 2),
  top_p: range(0, 1),
  top_k: intAtLeast(0),
  frequency_penalty: range(-2, 2),
  presence_penalty: range(-2, 2),
  repetition_penalty: range(0, 2),
  min_p: range(0, 1),
  top_a: range(0, 1),
  seed: nullish(z.int()),
  max_tokens: intAtLeast(1),
  max_completion_tokens: intAtLeast(1),
  logit_bias: nullish(z.record(z.string(), z.number().min(-100).max(100))),
  /** S25's CompletionCreateParams.n; chat does not document it (see docs/sandbox.md). */
  n: nullish(z.int().min(1).max(128)),
  stream: z.boolean().optional(),
  stream_options: nullish(z.object({})),
  model: z.string().optional(),
  models: z.array(z.string()).optional(),
  user: z.string().optional(),
};

// Content parts (S: ChatContentItems, discriminated by `type`).
const textPart = z.object({ type: z.literal("text"), text: z.string() });
const contentPart = z.discriminatedUnion(
  "type",
  [
    textPart,
    z.object({ type: z.literal("image_url"), image_url: z.object({ url: z.string(), detail: z.enum(["auto", "low", "high", "original"]).optional() }) }),
    z.object({ type: z.literal("input_audio"), input_audio: z.object({ data: z.string(), format: z.string() }) }),
    z.object({ type: z.literal("input_video"), video_url: z.object({}) }),
    z.object({ type: z.literal("video_url"), video_url: z.object({}) }),
    z.object({ type: z.literal("file"), file: z.object({}) }),
  ],
  { error: (issue) => (isObject(issue.input) ? 'must be "text", "image_url", "input_audio", "input_video", "video_url" or "file"' : 'must be a content part: {"type":…}') },
);
const textContent = z.union([z.string(), z.array(textPart)], { error: "must be a string or an array of text parts" });
const anyContent = z.union([z.string(), z.array(contentPart)], { error: "must be a string or an array of content parts" });

// Messages (S: ChatMessages, discriminated by `role`).
const toolCall = z.object({ id: z.string(), type: z.literal("function"), function: z.object({ name: z.string(), arguments: z.string() }) });
const message = z.discriminatedUnion(
  "role",
  [
    z.object({ role: z.literal("system"), content: textContent, name: z.string().optional() }),
    z.object({ role: z.literal("developer"), content: textContent, name: z.string().optional() }),
    z.object({ role: z.literal("user"), content: anyContent, name: z.string().optional() }),
    z.object({ role: z.literal("assistant"), content: anyContent.nullish(), name: z.string().optional(), tool_calls: z.array(toolCall).optional() }),
    z.object({ role: z.literal("tool"), content: anyContent, tool_call_id: z.string() }),
  ],
  { error: (issue) => (isObject(issue.input) ? 'must be one of "system", "developer", "user", "assistant", "tool"' : 'must be a message: {"role":…,"content":…}') },
);

// Tools (S: ChatFunctionTool: a function, or one of OpenRouter's server tools by its own type).
const functionTool = z.object({
  type: z.literal("function"),
  function: z.object({ name: z.string().max(64), description: z.string().optional(), parameters: z.object({}).optional(), strict: z.boolean().nullish() }),
});
const serverTool = z.object({ type: z.string().refine((t) => t !== "function", { error: 'a "function" tool needs function.name, at most 64 characters' }) });
const tool = z.union([functionTool, serverTool], { error: 'must be {"type":"function","function":{"name":…}} (a name of at most 64 characters) or a server tool {"type":…}' });
const toolChoice = z.union(
  [
    z.enum(["none", "auto", "required"]),
    z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) }),
    z.object({ type: z.string().refine((t) => t !== "function", { error: 'a "function" tool_choice needs function.name' }) }),
  ],
  { error: 'must be "none", "auto", "required", {"type":"function","function":{"name":…}} or a server tool choice' },
);

// Response formats (S: ChatRequest.response_format, discriminated by `type`).
const responseFormat = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("text") }),
    z.object({ type: z.literal("json_object") }),
    z.object({ type: z.literal("json_schema"), json_schema: z.object({ name: z.string(), schema: z.object({}).optional(), strict: z.boolean().nullish() }) }),
    z.object({ type: z.literal("grammar"), grammar: z.string() }),
    z.object({ type: z.literal("python") }),
  ],
  { error: 'must be "text", "json_object", "json_schema" (with json_schema.name), "grammar" (with grammar) or "python"' },
);

/** POST /chat/completions (S: ChatRequest). */
export const chatRequestSchema = z.object({
  ...sampling,
  messages: z.array(message, { error: "must be a non-empty array of messages" }).min(1, { error: "must be a non-empty array of messages" }),
  logprobs: z.boolean().nullish(),
  top_logprobs: nullish(z.int().min(0).max(20)),
  stop: z.union([z.string(), z.array(z.string()).max(4)], { error: "must be a string or an array of at most 4 strings" }).nullish(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormat.optional(),
});

/** POST /completions, the legacy text route (S25: CompletionCreateParams). */
export const completionRequestSchema = z.object({
  ...sampling,
  prompt: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number()).min(1), z.array(z.array(z.number())).min(1)], {
    error: "must be a string, or a non-empty array of strings, of token ids or of token-id arrays",
  }),
  best_of: nullish(z.int().min(1).max(20)),
  echo: z.boolean().nullish(),
  logprobs: nullish(z.int().min(0).max(5)),
  suffix: z.string().nullish(),
  stop: z.union([z.string(), z.array(z.string())], { error: "must be a string or an array of strings" }).nullish(),
  response_format: responseFormat.nullish(),
});

/** POST /embeddings (S: /embeddings request body). */
export const embeddingRequestSchema = z.object({
  model: z.string(),
  input: z.union(
    [
      z.string().min(1),
      z.array(z.string().min(1)).min(1),
      z.array(z.number()).min(1),
      z.array(z.array(z.number())).min(1),
      z.array(z.object({ content: z.array(contentPart).min(1) })).min(1),
    ],
    { error: "must be a non-empty string, or a non-empty array of non-empty strings, of token ids, of token-id arrays or of {content} objects" },
  ),
  dimensions: z.int().min(1).optional(),
  encoding_format: z.enum(["float", "base64"]).optional(),
  input_type: z.string().optional(),
  user: z.string().optional(),
  stream: z.boolean().refine((v) => !v, { error: "embeddings cannot be streamed" }).optional(),
});

function pathText(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) text += typeof key === "number" ? `[${key}]` : text === "" ? String(key) : `.${String(key)}`;
  return text;
}

/**
 * Where a union failed, the branch that got furthest says most: a content part missing its text
 * is better told as `messages[0].content[0].text: …` than as "content must be a string or an
 * array". Falls back to the union's own message when every branch failed at its root.
 */
function mostSpecific(issue: z.core.$ZodIssue, path: readonly PropertyKey[]): { path: readonly PropertyKey[]; message: string } {
  if (issue.code === "invalid_union") {
    let best: z.core.$ZodIssue | undefined;
    for (const branch of issue.errors) {
      const first = branch[0];
      if (first && first.path.length > (best?.path.length ?? 0)) best = first;
    }
    if (best) return mostSpecific(best, [...path, ...best.path]);
  }
  return { path, message: issue.message };
}

/** The message of the 400 for `body`, naming the first field at fault; null when it is acceptable. */
export function requestProblem(schema: z.ZodType, body: unknown): string | null {
  const result = schema.safeParse(body);
  if (result.success) return null;
  const issue = result.error.issues[0];
  if (!issue) return "Invalid request";
  const { path, message } = mostSpecific(issue, issue.path);
  const where = pathText(path);
  return where ? `${where}: ${message}` : message;
}
