// What OpenAI accepts on its generation routes, as zod schemas (https://platform.openai.com/docs/
// api-reference: Chat Completions, Responses, Embeddings). OpenAI refuses a parameter it does not
// know ("Unrecognized request argument supplied: …"), so these are strict objects; values are
// checked as the reference types and bounds them.

import { z } from "zod";

const nullish = <T extends z.ZodType>(schema: T) => schema.nullish();
const range = (min: number, max: number) => nullish(z.number().min(min).max(max));

const textPart = z.object({ type: z.literal("text"), text: z.string() });
const contentPart = z.discriminatedUnion(
  "type",
  [
    textPart,
    z.object({ type: z.literal("image_url"), image_url: z.object({ url: z.string(), detail: z.enum(["auto", "low", "high"]).optional() }) }),
    z.object({ type: z.literal("input_audio"), input_audio: z.object({ data: z.string(), format: z.enum(["wav", "mp3"]) }) }),
    z.object({ type: z.literal("file"), file: z.object({}) }),
  ],
  { error: 'must be "text", "image_url", "input_audio" or "file"' },
);
const textContent = z.union([z.string(), z.array(textPart)], { error: "must be a string or an array of text parts" });
const anyContent = z.union([z.string(), z.array(contentPart)], { error: "must be a string or an array of content parts" });
const toolCall = z.object({ id: z.string(), type: z.literal("function"), function: z.object({ name: z.string(), arguments: z.string() }) });
const message = z.discriminatedUnion(
  "role",
  [
    z.object({ role: z.literal("system"), content: textContent, name: z.string().optional() }),
    z.object({ role: z.literal("developer"), content: textContent, name: z.string().optional() }),
    z.object({ role: z.literal("user"), content: anyContent, name: z.string().optional() }),
    z.object({ role: z.literal("assistant"), content: anyContent.nullish(), name: z.string().optional(), refusal: z.string().nullish(), tool_calls: z.array(toolCall).optional() }),
    z.object({ role: z.literal("tool"), content: textContent, tool_call_id: z.string() }),
  ],
  { error: 'must be one of "system", "developer", "user", "assistant", "tool"' },
);

export const functionTool = z.object({
  type: z.literal("function"),
  function: z.object({ name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1-64 letters, digits, _ or -"), description: z.string().optional(), parameters: z.object({}).passthrough().optional(), strict: z.boolean().nullish() }),
});

/** POST /v1/chat/completions. */
export const openaiChatSchema = z.strictObject({
  model: z.string(),
  messages: z.array(message, { error: "must be a non-empty array of messages" }).min(1, { error: "must be a non-empty array of messages" }),
  max_tokens: nullish(z.int().min(1)),
  max_completion_tokens: nullish(z.int().min(1)),
  n: nullish(z.int().min(1).max(128)),
  stream: z.boolean().nullish(),
  stream_options: nullish(z.strictObject({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() })),
  temperature: range(0, 2),
  top_p: range(0, 1),
  frequency_penalty: range(-2, 2),
  presence_penalty: range(-2, 2),
  logit_bias: nullish(z.record(z.string(), z.number().min(-100).max(100))),
  logprobs: z.boolean().nullish(),
  top_logprobs: nullish(z.int().min(0).max(20)),
  seed: nullish(z.int()),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  tools: z.array(functionTool).optional(),
  tool_choice: z
    .union([z.enum(["none", "auto", "required"]), z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) })], {
      error: 'must be "none", "auto", "required" or {"type":"function","function":{"name":…}}',
    })
    .optional(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: z
    .discriminatedUnion("type", [
      z.object({ type: z.literal("text") }),
      z.object({ type: z.literal("json_object") }),
      z.object({ type: z.literal("json_schema"), json_schema: z.object({ name: z.string(), schema: z.object({}).passthrough().optional(), strict: z.boolean().nullish() }) }),
    ])
    .optional(),
  user: z.string().optional(),
  metadata: nullish(z.record(z.string(), z.string())),
  store: z.boolean().nullish(),
  reasoning_effort: nullish(z.enum(["minimal", "low", "medium", "high"])),
  service_tier: nullish(z.enum(["auto", "default", "flex", "scale", "priority"])),
  modalities: nullish(z.array(z.enum(["text", "audio"]))),
  audio: nullish(z.object({})),
  prediction: nullish(z.object({})),
  web_search_options: nullish(z.object({})),
  prompt_cache_key: z.string().optional(),
  safety_identifier: z.string().optional(),
  verbosity: nullish(z.enum(["low", "medium", "high"])),
});

const inputText = z.object({ type: z.literal("input_text"), text: z.string() });
const outputText = z.object({ type: z.literal("output_text"), text: z.string() }).passthrough();
const inputContent = z.discriminatedUnion(
  "type",
  [
    inputText,
    outputText,
    z.object({ type: z.literal("input_image"), image_url: z.string().optional(), file_id: z.string().optional(), detail: z.enum(["auto", "low", "high"]).optional() }),
    z.object({ type: z.literal("input_file"), file_id: z.string().optional(), file_data: z.string().optional(), filename: z.string().optional(), file_url: z.string().optional() }),
  ],
  { error: 'must be "input_text", "output_text", "input_image" or "input_file"' },
);
const inputItem = z.union(
  [
    z.object({ type: z.literal("message").optional(), role: z.enum(["user", "assistant", "system", "developer"]), content: z.union([z.string(), z.array(inputContent)]) }).passthrough(),
    z.object({ type: z.literal("function_call"), call_id: z.string(), name: z.string(), arguments: z.string() }).passthrough(),
    z.object({ type: z.literal("function_call_output"), call_id: z.string(), output: z.union([z.string(), z.array(z.object({}).passthrough())]) }).passthrough(),
    z.object({ type: z.literal("reasoning") }).passthrough(),
    z.object({ type: z.literal("item_reference"), id: z.string() }).passthrough(),
  ],
  { error: "must be an input message or item" },
);

/** POST /v1/responses. */
export const openaiResponsesSchema = z.strictObject({
  model: z.string(),
  input: z.union([z.string(), z.array(inputItem)], { error: "must be a string or an array of input items" }).optional(),
  instructions: z.string().nullish(),
  max_output_tokens: nullish(z.int().min(16)),
  stream: z.boolean().nullish(),
  stream_options: nullish(z.strictObject({ include_obfuscation: z.boolean().optional() })),
  temperature: range(0, 2),
  top_p: range(0, 1),
  top_logprobs: nullish(z.int().min(0).max(20)),
  tools: z.array(z.object({ type: z.string() }).passthrough()).optional(),
  tool_choice: z.union([z.enum(["none", "auto", "required"]), z.object({ type: z.string() }).passthrough()]).optional(),
  parallel_tool_calls: z.boolean().nullish(),
  max_tool_calls: nullish(z.int().min(1)),
  text: nullish(z.object({}).passthrough()),
  reasoning: nullish(z.object({}).passthrough()),
  previous_response_id: z.string().nullish(),
  conversation: nullish(z.union([z.string(), z.object({}).passthrough()])),
  prompt: nullish(z.object({}).passthrough()),
  include: nullish(z.array(z.string())),
  store: z.boolean().nullish(),
  background: z.boolean().nullish(),
  metadata: nullish(z.record(z.string(), z.string())),
  truncation: nullish(z.enum(["auto", "disabled"])),
  user: z.string().optional(),
  prompt_cache_key: z.string().optional(),
  safety_identifier: z.string().optional(),
  service_tier: nullish(z.enum(["auto", "default", "flex", "scale", "priority"])),
});

/** POST /v1/embeddings. */
export const openaiEmbeddingsSchema = z.strictObject({
  model: z.string(),
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number()).min(1), z.array(z.array(z.number())).min(1)], {
    error: "must be a string, or a non-empty array of strings, of token ids or of token-id arrays",
  }),
  dimensions: z.int().min(1).optional(),
  encoding_format: z.enum(["float", "base64"]).optional(),
  user: z.string().optional(),
});

/** OpenAI's word for a parameter it does not know, else the first problem, naming its field. */
export function openaiProblem(schema: z.ZodType, body: unknown): string | null {
  const result = schema.safeParse(body);
  if (result.success) return null;
  const issue = result.error.issues[0];
  if (!issue) return "Invalid request.";
  if (issue.code === "unrecognized_keys") return `Unrecognized request argument supplied: ${issue.keys.join(", ")}`;
  const where = issue.path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join("");
  return where ? `${where}: ${issue.message}` : issue.message;
}
