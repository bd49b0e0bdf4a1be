// The sandbox refuses what OpenRouter refuses, and only that. Each rule is one row with where
// OpenRouter documents it; a refused request is a 400 in OpenRouter's error shape, recorded as a
// rejection that bills nothing. The values at each documented bound are served.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startSandbox, type Sandbox } from "../src/index.ts";
import { rawPost, type SseChunk } from "./support/http.ts";

/** The Parameters page: type and range of each sampling parameter. */
const PARAMS = "https://openrouter.ai/docs/api-reference/parameters";
/** OpenRouter's OpenAPI spec (as of 2026-08: ChatRequest, ChatMessages, /embeddings). */
const SPEC = "https://openrouter.ai/openapi.yaml";
/** The same spec as published on 2025-11-18, with numeric bounds and the legacy /completions. */
const SPEC_2025 = "https://github.com/OpenRouterTeam/typescript-sdk/blob/ce74f7253f90add33708b441d16d8ee4d2b0bdda/.speakeasy/in.openapi.yaml";

type Route = "chat" | "completions" | "embeddings";

interface Rule {
  rule: string;
  source: string;
  route?: Route;
  /** Fields merged into the route's valid base body (undefined removes one). */
  body: Record<string, unknown>;
  /** The 400's message, field path first. */
  message?: RegExp;
}

const CHAT = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello world" }] };
const TEXT = { model: "openai/gpt-4o-mini", prompt: "hello world" };
const EMBED = { model: "openai/text-embedding-3-small", input: "hello world" };
const base: Record<Route, Record<string, unknown>> = { chat: CHAT, completions: TEXT, embeddings: EMBED };
const user = (content: unknown) => ({ messages: [{ role: "user", content }] });
const fn = (name: string) => ({ type: "function", function: { name, parameters: { type: "object", properties: {} } } });

const refused: Rule[] = [
  // messages (chat)
  { rule: "messages is required", source: `${SPEC}#/components/schemas/ChatRequest (required: messages)`, body: { messages: undefined }, message: /^messages: must be a non-empty array of messages$/ },
  { rule: "messages has at least one message", source: `${SPEC}#/components/schemas/ChatRequest (messages.minItems: 1)`, body: { messages: [] }, message: /^messages: must be a non-empty array/ },
  { rule: "a role is system, developer, user, assistant or tool", source: `${SPEC}#/components/schemas/ChatMessages (discriminator: role)`, body: { messages: [{ role: "wizard", content: "hi" }] }, message: /^messages\[0\]\.role: must be one of "system", "developer", "user", "assistant", "tool"$/ },
  { rule: "a message has a role", source: `${SPEC}#/components/schemas/ChatUserMessage (required: role, content)`, body: { messages: [{ content: "hi" }] }, message: /^messages\[0\]\.role: must be one of/ },
  { rule: "a message is an object", source: `${SPEC}#/components/schemas/ChatMessages`, body: { messages: ["hi"] }, message: /^messages\[0\]: must be a message: \{"role":…,"content":…\}$/ },
  { rule: "user content is a string or content parts, not a number", source: `${SPEC}#/components/schemas/ChatUserMessage (content: string | ChatContentItems[])`, body: user(42), message: /^messages\[0\]\.content: must be a string or an array of content parts$/ },
  { rule: "user content is required", source: `${SPEC}#/components/schemas/ChatUserMessage (required: role, content)`, body: { messages: [{ role: "user" }] }, message: /^messages\[0\]\.content:/ },
  { rule: "a content part has a known type", source: `${SPEC}#/components/schemas/ChatContentItems (discriminator: type)`, body: user([{ type: "hologram", text: "hi" }]), message: /^messages\[0\]\.content\[0\]\.type: must be "text", "image_url", "input_audio", "input_video", "video_url" or "file"$/ },
  { rule: "a text part has text", source: `${SPEC}#/components/schemas/ChatContentText (required: type, text)`, body: user([{ type: "text" }]), message: /^messages\[0\]\.content\[0\]\.text: Invalid input: expected string, received undefined$/ },
  { rule: "an image part has image_url.url", source: `${SPEC}#/components/schemas/ChatContentImage (image_url.required: url)`, body: user([{ type: "image_url", image_url: {} }]), message: /^messages\[0\]\.content\[0\]\.image_url\.url: Invalid input: expected string/ },
  { rule: "system content is text only", source: `${SPEC}#/components/schemas/ChatSystemMessage (content: string | ChatContentText[])`, body: { messages: [{ role: "system", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }, CHAT.messages[0]] }, message: /^messages\[0\]\.content\[0\]\.type: Invalid input: expected "text"$/ },
  { rule: "a tool message has tool_call_id", source: `${SPEC}#/components/schemas/ChatToolMessage (required: role, content, tool_call_id)`, body: { messages: [...CHAT.messages, { role: "tool", content: "42" }] }, message: /^messages\[1\]\.tool_call_id:/ },
  // sampling parameters
  { rule: "temperature is a number", source: `${PARAMS}#temperature (float, 0.0 to 2.0)`, body: { temperature: "hot" }, message: /^temperature: Invalid input: expected number, received string$/ },
  { rule: "temperature ≤ 2", source: `${PARAMS}#temperature (float, 0.0 to 2.0)`, body: { temperature: 2.01 }, message: /^temperature: Too big/ },
  { rule: "temperature ≥ 0", source: `${PARAMS}#temperature (float, 0.0 to 2.0)`, body: { temperature: -0.1 }, message: /^temperature: Too small/ },
  { rule: "top_p ≤ 1", source: `${PARAMS}#top-p (float, 0.0 to 1.0)`, body: { top_p: 1.5 }, message: /^top_p: Too big/ },
  { rule: "top_k is an integer", source: `${PARAMS}#top-k (integer, 0 or above)`, body: { top_k: 2.5 }, message: /^top_k: Invalid input: expected int/ },
  { rule: "top_k ≥ 0", source: `${PARAMS}#top-k (integer, 0 or above)`, body: { top_k: -1 }, message: /^top_k: Too small/ },
  { rule: "frequency_penalty ≤ 2", source: `${PARAMS}#frequency-penalty (float, -2.0 to 2.0)`, body: { frequency_penalty: 3 }, message: /^frequency_penalty: Too big/ },
  { rule: "presence_penalty ≥ -2", source: `${PARAMS}#presence-penalty (float, -2.0 to 2.0)`, body: { presence_penalty: -2.5 }, message: /^presence_penalty: Too small/ },
  { rule: "repetition_penalty ≤ 2", source: `${PARAMS}#repetition-penalty (float, 0.0 to 2.0)`, body: { repetition_penalty: 2.5 }, message: /^repetition_penalty: Too big/ },
  { rule: "min_p ≤ 1", source: `${PARAMS}#min-p (float, 0.0 to 1.0)`, body: { min_p: 1.1 }, message: /^min_p: Too big/ },
  { rule: "top_a ≥ 0", source: `${PARAMS}#top-a (float, 0.0 to 1.0)`, body: { top_a: -0.5 }, message: /^top_a: Too small/ },
  { rule: "seed is an integer", source: `${PARAMS}#seed (integer)`, body: { seed: 1.5 }, message: /^seed: Invalid input: expected int/ },
  { rule: "seed is not a string", source: `${PARAMS}#seed (integer)`, body: { seed: "42" }, message: /^seed: Invalid input/ },
  { rule: "max_tokens ≥ 1", source: `${PARAMS}#max-tokens (integer, 1 or above)`, body: { max_tokens: 0 }, message: /^max_tokens: Too small/ },
  { rule: "max_tokens is an integer", source: `${PARAMS}#max-tokens (integer, 1 or above)`, body: { max_tokens: 10.5 }, message: /^max_tokens: Invalid input: expected int/ },
  { rule: "max_completion_tokens ≥ 1", source: `${PARAMS}#max-completion-tokens (integer, 1 or above)`, body: { max_completion_tokens: -3 }, message: /^max_completion_tokens: Too small/ },
  { rule: "logit_bias values within ±100", source: `${PARAMS}#logit-bias (bias value from -100 to 100)`, body: { logit_bias: { "50256": 200 } }, message: /^logit_bias\.50256: Too big/ },
  { rule: "logit_bias is a map", source: `${PARAMS}#logit-bias (map)`, body: { logit_bias: [1, 2] }, message: /^logit_bias: Invalid input/ },
  { rule: "logprobs is a boolean", source: `${PARAMS}#logprobs (boolean)`, body: { logprobs: "yes" }, message: /^logprobs: Invalid input: expected boolean/ },
  { rule: "top_logprobs ≤ 20", source: `${PARAMS}#top-logprobs (integer between 0 and 20)`, body: { logprobs: true, top_logprobs: 21 }, message: /^top_logprobs: Too big/ },
  { rule: "n ≥ 1 (n: -1)", source: `${SPEC_2025}#/components/schemas/CompletionCreateParams (n: integer, 1 to 128)`, body: { n: -1 }, message: /^n: Too small: expected number to be >=1$/ },
  { rule: "n ≥ 1 (n: 0)", source: `${SPEC_2025}#/components/schemas/CompletionCreateParams (n: integer, 1 to 128)`, body: { n: 0 }, message: /^n: Too small/ },
  { rule: "n ≤ 128", source: `${SPEC_2025}#/components/schemas/CompletionCreateParams (n: integer, 1 to 128)`, body: { n: 129 }, message: /^n: Too big/ },
  { rule: "n is an integer", source: `${SPEC_2025}#/components/schemas/CompletionCreateParams (n: integer, 1 to 128)`, body: { n: 1.5 }, message: /^n: Invalid input: expected int/ },
  { rule: "stream is a boolean", source: `${SPEC}#/components/schemas/ChatRequest (stream: boolean)`, body: { stream: "yes" }, message: /^stream: Invalid input: expected boolean/ },
  { rule: "stop holds at most 4 sequences", source: `${SPEC}#/components/schemas/ChatRequest (stop: string | string[] maxItems 4)`, body: { stop: ["a", "b", "c", "d", "e"] }, message: /^stop: must be a string or an array of at most 4 strings$/ },
  { rule: "stop is text", source: `${SPEC}#/components/schemas/ChatRequest (stop: string | string[] maxItems 4)`, body: { stop: 42 }, message: /^stop: must be a string/ },
  // tools
  { rule: "tools is an array", source: `${PARAMS}#tools (array)`, body: { tools: fn("f") }, message: /^tools: Invalid input: expected array/ },
  { rule: "a function tool has function.name", source: `${SPEC}#/components/schemas/ChatFunctionTool (function.required: name)`, body: { tools: [{ type: "function" }] }, message: /^tools\[0\]\.type: a "function" tool needs function\.name, at most 64 characters$/ },
  { rule: "a function name has at most 64 characters", source: `${SPEC}#/components/schemas/ChatFunctionTool (function.name.maxLength: 64)`, body: { tools: [fn("f".repeat(65))] }, message: /^tools\[0\]\.function\.name: Too big: expected string to have <=64 characters$/ },
  { rule: "tool_choice is none, auto, required or a named tool", source: `${PARAMS}#tool-choice (string or object); ${SPEC}#/components/schemas/ChatToolChoice`, body: { tools: [fn("f")], tool_choice: "always" }, message: /^tool_choice: must be "none", "auto", "required"/ },
  { rule: "a named tool_choice has function.name", source: `${SPEC}#/components/schemas/ChatNamedToolChoice (required: type, function)`, body: { tools: [fn("f")], tool_choice: { type: "function" } }, message: /^tool_choice\.type: a "function" tool_choice needs function\.name$/ },
  { rule: "parallel_tool_calls is a boolean", source: `${PARAMS}#parallel-tool-calls (boolean)`, body: { parallel_tool_calls: "yes" }, message: /^parallel_tool_calls: Invalid input: expected boolean/ },
  // response_format
  { rule: "response_format has a known type", source: `${SPEC}#/components/schemas/ChatRequest (response_format: discriminator type)`, body: { response_format: { type: "xml" } }, message: /^response_format\.type: must be "text", "json_object", "json_schema"/ },
  { rule: "a json_schema format names its schema", source: `${SPEC}#/components/schemas/ChatFormatJsonSchemaConfig (required: type, json_schema; json_schema.required: name)`, body: { response_format: { type: "json_schema", json_schema: { schema: {} } } }, message: /^response_format\.json_schema\.name:/ },
  // legacy /completions
  { rule: "prompt is text or tokens", source: `${SPEC_2025}#/components/schemas/CompletionCreateParams (prompt: string | string[] | number[] | number[][])`, route: "completions", body: { prompt: 42 }, message: /^prompt: must be a string/ },
  { rule: "prompt is required", source: `${SPEC_2025}#/components/schemas/CompletionCreateParams (required: prompt)`, route: "completions", body: { prompt: undefined }, message: /^prompt: must be a string/ },
  { rule: "completions: n ≥ 1", source: `${SPEC_2025}#/components/schemas/CompletionCreateParams (n: integer, 1 to 128)`, route: "completions", body: { n: -1 }, message: /^n: Too small/ },
  { rule: "completions: best_of ≤ 20", source: `${SPEC_2025}#/components/schemas/CompletionCreateParams (best_of: integer, 1 to 20)`, route: "completions", body: { best_of: 21 }, message: /^best_of: Too big/ },
  { rule: "completions: logprobs is an integer ≤ 5", source: `${SPEC_2025}#/components/schemas/CompletionCreateParams (logprobs: integer, 0 to 5)`, route: "completions", body: { logprobs: 6 }, message: /^logprobs: Too big/ },
  { rule: "completions: echo is a boolean", source: `${SPEC_2025}#/components/schemas/CompletionCreateParams (echo: boolean)`, route: "completions", body: { echo: "yes" }, message: /^echo: Invalid input: expected boolean/ },
  { rule: "completions: temperature ≤ 2", source: `${PARAMS}#temperature (float, 0.0 to 2.0)`, route: "completions", body: { temperature: 3 }, message: /^temperature: Too big/ },
  // /embeddings
  { rule: "input is not empty", source: `${SPEC}#/paths/~1embeddings/post (input: string minLength 1 | …)`, route: "embeddings", body: { input: "" }, message: /^input: Too small: expected string to have >=1 characters$/ },
  { rule: "input items are not empty", source: `${SPEC}#/paths/~1embeddings/post (input: string[] items minLength 1 | …)`, route: "embeddings", body: { input: ["a", ""] }, message: /^input\[1\]: Too small/ },
  { rule: "input is text, tokens or {content} objects, not a number", source: `${SPEC}#/paths/~1embeddings/post (input)`, route: "embeddings", body: { input: 42 }, message: /^input: must be a non-empty string, or a non-empty array/ },
  { rule: "input does not mix texts and token ids", source: `${SPEC}#/paths/~1embeddings/post (input: string[] | number[] | number[][] | …)`, route: "embeddings", body: { input: ["a", 1] }, message: /^input\[1\]: Invalid input: expected string, received number$/ },
  { rule: "dimensions ≥ 1", source: `${SPEC}#/paths/~1embeddings/post (dimensions: integer, minimum 1)`, route: "embeddings", body: { dimensions: 0 }, message: /^dimensions: Too small/ },
  { rule: "encoding_format is float or base64", source: `${SPEC}#/paths/~1embeddings/post (encoding_format: enum float, base64)`, route: "embeddings", body: { encoding_format: "int8" }, message: /^encoding_format: Invalid option/ },
];

const served: Rule[] = [
  { rule: "temperature 0 and 2, top_p 0 and 1, top_k 0", source: `${PARAMS}#temperature, #top-p, #top-k`, body: { temperature: 2, top_p: 0, top_k: 0 } },
  { rule: "temperature 0, top_p 1", source: `${PARAMS}#temperature, #top-p`, body: { temperature: 0, top_p: 1 } },
  { rule: "penalties at their bounds", source: `${PARAMS}#frequency-penalty, #presence-penalty, #repetition-penalty`, body: { frequency_penalty: -2, presence_penalty: 2, repetition_penalty: 2 } },
  { rule: "min_p, top_a at 1; a negative seed", source: `${PARAMS}#min-p, #top-a, #seed`, body: { min_p: 1, top_a: 1, seed: -5 } },
  { rule: "max_tokens 1, max_completion_tokens 1", source: `${PARAMS}#max-tokens, #max-completion-tokens`, body: { max_tokens: 1, max_completion_tokens: 1 } },
  { rule: "null for every nullable parameter", source: `${SPEC}#/components/schemas/ChatRequest (type: [number, null] …)`, body: { temperature: null, top_p: null, max_tokens: null, seed: null, stop: null, n: null, logit_bias: null } },
  { rule: "logit_bias at ±100, top_logprobs 20", source: `${PARAMS}#logit-bias, #top-logprobs`, body: { logit_bias: { "50256": -100, "11": 100 }, logprobs: true, top_logprobs: 20 } },
  { rule: "n 1 and 128", source: `${SPEC_2025}#/components/schemas/CompletionCreateParams (n)`, body: { n: 128, max_tokens: 1 } },
  { rule: "stop: a string, or 4 strings", source: `${SPEC}#/components/schemas/ChatRequest (stop)`, body: { stop: ["a", "b", "c", "d"] } },
  {
    rule: "every role, content parts of each type, an assistant tool call and its tool answer",
    source: `${SPEC}#/components/schemas/ChatMessages, ChatContentItems`,
    body: {
      messages: [
        { role: "system", content: [{ type: "text", text: "be brief" }] },
        { role: "developer", content: "really brief" },
        {
          role: "user",
          name: "ada",
          content: [
            { type: "text", text: "look" },
            { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" } },
            { type: "input_audio", input_audio: { data: "AAAA", format: "wav" } },
            { type: "video_url", video_url: { url: "https://example.com/a.mp4" } },
            { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,AAAA" } },
          ],
        },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", content: "42", tool_call_id: "call_1" },
      ],
    },
  },
  { rule: "tools: a function and a server tool; tool_choice required or named", source: `${SPEC}#/components/schemas/ChatFunctionTool, ChatToolChoice`, body: { tools: [fn("f"), { type: "openrouter:web_search" }], tool_choice: { type: "function", function: { name: "f" } }, parallel_tool_calls: false } },
  { rule: "response_format json_schema with a name", source: `${SPEC}#/components/schemas/ChatFormatJsonSchemaConfig`, body: { response_format: { type: "json_schema", json_schema: { name: "answer", strict: true, schema: { type: "object" } } } } },
  { rule: "fields OpenRouter does not list pass through", source: `${PARAMS} ("any parameters from the following list, as well as others")`, body: { provider: { sort: "price" }, usage: { include: true }, plugins: [{ id: "web" }], transforms: [], verbosity: "low" } },
  { rule: "completions: token ids, n, best_of 20, logprobs 5, echo, suffix null", source: `${SPEC_2025}#/components/schemas/CompletionCreateParams`, route: "completions", body: { prompt: [1, 2, 3], n: 2, best_of: 20, logprobs: 5, echo: true, suffix: null } },
  { rule: "embeddings: token-id arrays, dimensions 1, base64", source: `${SPEC}#/paths/~1embeddings/post`, route: "embeddings", body: { input: [[1, 2], [3]], dimensions: 1, encoding_format: "base64" } },
  { rule: "embeddings: a {content} object", source: `${SPEC}#/paths/~1embeddings/post (input: [{content: ChatContentItems[]}])`, route: "embeddings", body: { input: [{ content: [{ type: "text", text: "hello" }] }] } },
];

const REFUSED_KEY = "sk-or-v1-rules-refused";
const SERVED_KEY = "sk-or-v1-rules-served";

describe("OpenRouter's request rules in the sandbox", () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ keys: [REFUSED_KEY, SERVED_KEY] });
  });
  after(() => sandbox.close());

  const post = (rule: Rule, key: string) => {
    const route = rule.route ?? "chat";
    const path = route === "chat" ? "chat/completions" : route;
    return rawPost(`${sandbox.baseUrl}/${path}`, { ...base[route], ...rule.body }, key);
  };

  for (const rule of refused) {
    it(`refuses: ${rule.rule} — ${rule.source}`, async () => {
      const res = await post(rule, REFUSED_KEY);
      assert.equal(res.status, 400, res.text);
      const body = JSON.parse(res.text) as SseChunk;
      assert.deepEqual(Object.keys(body), ["error"]);
      assert.equal(body.error?.code, 400);
      if (rule.message) assert.match(body.error?.message ?? "", rule.message);
      const call = sandbox.calls({ key: REFUSED_KEY }).at(-1);
      assert.equal(call?.id, res.headers["x-generation-id"]);
      assert.deepEqual([call?.served, call?.status, call?.httpStatus, call?.costNanos, call?.completionTokens], [false, "rejected", 400, 0n, 0]);
    });
  }

  it("billed nothing for any of the refusals", () => {
    const totals = sandbox.totals().byKey[REFUSED_KEY];
    assert.deepEqual(totals, { served: 0, rejected: refused.length, promptTokens: 0, completionTokens: 0, costNanos: 0n });
  });

  for (const rule of served) {
    it(`serves: ${rule.rule} — ${rule.source}`, async () => {
      const res = await post(rule, SERVED_KEY);
      assert.equal(res.status, 200, res.text);
      assert.equal(sandbox.calls({ key: SERVED_KEY }).at(-1)?.served, true);
    });
  }
});
