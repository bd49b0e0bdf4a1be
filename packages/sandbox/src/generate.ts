// The generation routes' pipeline, whatever the upstream imitated: authenticate → admit → parse →
// plan → (latency) → fault → respond (JSON or stream) → record. Every call ends in exactly one
// audit entry. What differs between upstreams — where the key is read from, the shape of errors,
// the model list, the answer's headers, and each endpoint's bodies and stream events — is the
// upstream's Dialect and Endpoints (upstreams/<name>/).

import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { AuditLog, CallStatus } from "./audit.ts";
import { Call, type GenerationIds } from "./call.ts";
import { FaultSyntaxError, mergeFaults, parseFault, SANDBOX_REQUEST_HEADERS, splitModelFault, type SandboxFault } from "./faults.ts";
import type { KeyRegistry, KeyState } from "./keys.ts";
import type { ModelKind, SandboxModel } from "./models.ts";
import { BodyTooLargeError, readBody } from "./respond.ts";
import type { FinishInfo, GenerationMeta, Shape } from "./shapes.ts";
import { streamGeneration } from "./stream.ts";
import { choiceText, planCompletion } from "./tokens.ts";
import { meter } from "./usage.ts";

export interface SandboxContext {
  readonly keys: KeyRegistry;
  readonly audit: AuditLog;
  readonly ids: GenerationIds;
}

export interface EndpointRequest {
  readonly promptTokens: number;
  /** The completion bound the request set (the smaller of its fields), if any. */
  readonly maxTokens: number | undefined;
  readonly stream: boolean;
  /** `n`: choices to generate, each its own completion (1 when not asked). */
  readonly choices: number;
  /** The answer is a call of this tool (forced by the request's tool choice) rather than text. */
  readonly toolCall?: ToolCallPlan | undefined;
}

/** A tool call the answer makes: its arguments are the completion, 4 bytes a token. */
export interface ToolCallPlan {
  readonly name: string;
  readonly arguments: string;
}

/** One generation route: how to read its body and how to render its answer. */
export interface Endpoint {
  readonly path: string;
  readonly kind: ModelKind;
  /** Validates the body; returns what the pipeline needs, or the message of a 400. */
  parse(body: Record<string, unknown>, req: IncomingMessage): EndpointRequest | string;
  shape(meta: GenerationMeta, body: Record<string, unknown>, streamed: boolean, choices: number): Shape;
}

/** Why a request is refused before anything is generated. */
export type RejectKind =
  | "unauthorized"
  | "rate_limited"
  | "payment"
  | "fault"
  | "body_too_large"
  | "bad_body"
  | "invalid"
  | "model_required"
  | "unknown_model"
  | "wrong_endpoint"
  | "context_length";

export interface Rejection {
  kind: RejectKind;
  status: number;
  message?: string | undefined;
  headers?: Record<string, string>;
}

/** What makes an upstream itself, for the generation pipeline. */
export interface Dialect {
  /** The upstream key a request presents, in this upstream's header. */
  presentedKey(req: IncomingMessage): string | undefined;
  /** A model of this upstream by id. */
  findModel(id: string): SandboxModel | undefined;
  /** A refusal in this upstream's error shape: status, body (JSON text) and headers. */
  reject(r: Rejection, call: Call, req: IncomingMessage): { status: number; body: string; headers: Record<string, string> };
  /** Headers of every answer of a call (its ids, processing time). */
  answerHeaders(call: Call): Record<string, string>;
  /** The call's id as the answer shows it (`gen-…`, `chatcmpl-…`, `msg_…`, `resp_…`). */
  answerId(call: Call): string;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendRejection(dialect: Dialect, call: Call, req: IncomingMessage, res: ServerResponse, r: Rejection): void {
  const { status, body, headers } = dialect.reject(r, call, req);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
  call.reject(status);
}

interface Parsed {
  model: SandboxModel;
  body: Record<string, unknown>;
  request: EndpointRequest;
  fault: SandboxFault;
}

async function parseRequest(dialect: Dialect, endpoint: Endpoint, req: IncomingMessage, call: Call): Promise<Parsed | Rejection> {
  let raw: Buffer;
  try {
    raw = await readBody(req);
  } catch (err) {
    return err instanceof BodyTooLargeError ? { kind: "body_too_large", status: 413 } : { kind: "bad_body", status: 400, message: "Could not read the request body" };
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    return { kind: "bad_body", status: 400, message: "Invalid JSON in request body" };
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return { kind: "bad_body", status: 400, message: "Request body must be a JSON object" };
  const fields = body as Record<string, unknown>;
  const modelField = typeof fields.model === "string" ? fields.model : Array.isArray(fields.models) ? fields.models[0] : undefined;
  if (typeof modelField !== "string" || !modelField) return { kind: "model_required", status: 400, message: "model is required" };
  try {
    const split = splitModelFault(modelField);
    const model = dialect.findModel(split.model);
    if (!model) return { kind: "unknown_model", status: 400, message: split.model };
    call.model = model.id;
    if (model.kind !== endpoint.kind) return { kind: "wrong_endpoint", status: 400, message: `${model.id} does not support ${endpoint.path.slice(endpoint.path.lastIndexOf("/v1/") + 4)}` };
    const request = endpoint.parse(fields, req);
    if (typeof request === "string") return { kind: "invalid", status: 400, message: request };
    call.streamed = request.stream;
    if (request.promptTokens > model.contextLength) {
      return { kind: "context_length", status: 400, message: `This endpoint's maximum context length is ${model.contextLength} tokens. However, you requested about ${request.promptTokens} tokens.` };
    }
    const [faultName, tokensName] = SANDBOX_REQUEST_HEADERS;
    const faultHeader = header(req, faultName);
    const tokensHeader = header(req, tokensName);
    const fault = mergeFaults(
      call.key?.takeFault(),
      split.fault,
      faultHeader === undefined ? undefined : parseFault(faultHeader),
      tokensHeader === undefined ? undefined : parseFault(`tokens=${tokensHeader.trim()}`),
    );
    return { model, body: fields, request, fault };
  } catch (err) {
    if (err instanceof FaultSyntaxError) return { kind: "invalid", status: 400, message: err.message };
    throw err;
  }
}

function statusOf(fault: SandboxFault): Exclude<CallStatus, "rejected"> {
  switch (fault.interrupt?.kind) {
    case "stream-error": return "error";
    case "reset": return "reset";
    case "hang": return "hang";
    default: return "ok";
  }
}

/** Rate limit, then credits: a refusal of the key, or null. */
function admitKey(key: KeyState, now: number): Rejection | null {
  const refused = key.admit(now);
  if (refused?.status === 429) return { kind: "rate_limited", status: 429, headers: { "retry-after": String(refused.retryAfterS) } };
  if (refused) return { kind: "payment", status: refused.status, message: refused.message };
  return null;
}

/** The tool call's arguments as they are generated: the first `tokens` pieces of 4 bytes. */
function toolArguments(plan: ToolCallPlan, tokens: number): string {
  return plan.arguments.slice(0, tokens * 4);
}

export async function handleGeneration(ctx: SandboxContext, dialect: Dialect, endpoint: Endpoint, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const startedAt = Date.now();
  const call = new Call(ctx.audit, ctx.ids.next(startedAt), endpoint.path, header(req, "x-request-id") ?? null, startedAt);
  const presented = dialect.presentedKey(req);
  call.key = presented === undefined ? undefined : ctx.keys.get(presented);
  if (!call.key) return sendRejection(dialect, call, req, res, { kind: "unauthorized", status: 401 });
  const refused = admitKey(call.key, startedAt);
  if (refused) return sendRejection(dialect, call, req, res, refused);

  const parsed = await parseRequest(dialect, endpoint, req, call);
  if (!("model" in parsed)) return sendRejection(dialect, call, req, res, parsed);
  const { model, request, fault } = parsed;
  const streamed = request.stream;
  const interrupt = fault.interrupt;
  const tool = request.toolCall;

  // Plan: how many tokens the provider generates and what that costs, known before any byte. A
  // tool call's arguments are its completion (4 bytes a token), cut by the same caps.
  const plan = endpoint.kind === "embedding"
    ? { completionTokens: 0, finishReason: "stop" as const }
    : planCompletion({
        promptTokens: request.promptTokens,
        requested: tool ? Math.ceil(tool.arguments.length / 4) : fault.completionTokens,
        maxTokens: request.maxTokens,
        modelMax: model.maxCompletionTokens,
      });
  // Per choice; with `n` choices the prompt is billed once and every choice's completion.
  let generated = plan.completionTokens;
  if (interrupt) generated = streamed || interrupt.kind === "stream-error" ? Math.min(interrupt.after, generated) : 0;
  const cached = Math.min(fault.cachedTokens ?? 0, request.promptTokens);
  const written = Math.min(fault.cacheWriteTokens ?? 0, request.promptTokens - cached);
  const writtenLong = Math.min(fault.cacheWriteLongTokens ?? 0, request.promptTokens - cached - written);
  const metered = meter(model, request.promptTokens, generated * request.choices, cached, written, writtenLong);
  const status = statusOf(fault);
  const reason = tool && plan.finishReason === "stop" ? "tool_calls" : plan.finishReason;
  const finish: FinishInfo = { reason, native: plan.finishReason === "stop" ? (tool ? model.nativeToolCall : model.nativeStop) : model.nativeLength };

  if (streamed || fault.latencyMs) {
    // A client that leaves early is billed what the provider generates anyway (OpenRouter's rule).
    res.on("close", () => {
      if (call.done) return;
      if (fault.status !== undefined) call.reject(fault.status, true);
      else call.settle(status, metered, true, interrupt ? null : finish.reason);
    });
  }
  if (fault.latencyMs) {
    await sleep(fault.latencyMs);
    if (call.done) return;
  }
  if (fault.status !== undefined) return sendRejection(dialect, call, req, res, { kind: "fault", status: fault.status });

  const meta: GenerationMeta = { id: dialect.answerId(call), created: Math.floor(startedAt / 1000), model, toolName: tool?.name ?? null };
  const shape = endpoint.shape(meta, parsed.body, streamed, request.choices);
  const headers = dialect.answerHeaders(call);
  const pieceOf = tool ? (i: number) => tool.arguments.slice(i * 4, i * 4 + 4) : null;
  if (streamed && shape.stream) {
    const streamPlan = { shape: shape.stream, metered, tokensPerChoice: generated, choices: request.choices, finish, chunkDelayMs: fault.chunkDelayMs ?? 0, interrupt, headers, pieceOf };
    return streamGeneration(res, call, streamPlan);
  }
  const contents = Array.from({ length: request.choices }, (_, choice) => (tool ? toolArguments(tool, generated) : choiceText(generated, request.promptTokens, choice)));

  switch (interrupt?.kind) {
    case "reset":
      call.settle("reset", metered, false, null);
      res.socket?.destroy();
      return;
    case "hang":
      call.settle("hang", metered, false, null);
      return;
    case "stream-error": {
      const error = { code: 502, message: `Provider returned error (sandbox fault stream-error after ${generated} tokens)` };
      send(res, headers, shape.body(contents, { reason: "error", native: "error" }, metered, error));
      call.settle("error", metered, false, "error");
      return;
    }
    case undefined:
      send(res, headers, shape.body(contents, finish, metered));
      call.settle("ok", metered, false, finish.reason);
  }
}

function send(res: ServerResponse, headers: Record<string, string>, body: string): void {
  res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}
