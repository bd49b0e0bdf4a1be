// The generation routes' pipeline: authenticate → admit → parse → plan → (latency) → fault →
// respond (JSON or stream) → record. Every call ends in exactly one audit entry.

import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { AuditLog, CallStatus } from "./audit.ts";
import { Call, type GenerationIds } from "./call.ts";
import { FaultSyntaxError, mergeFaults, parseFault, SANDBOX_REQUEST_HEADERS, splitModelFault, type SandboxFault } from "./faults.ts";
import type { KeyRegistry } from "./keys.ts";
import { findModel, type ModelKind, type SandboxModel } from "./models.ts";
import { BodyTooLargeError, errorMessage, readBody, sendError } from "./respond.ts";
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
  /** The smaller of max_tokens / max_completion_tokens, if given. */
  readonly maxTokens: number | undefined;
  readonly stream: boolean;
  /** `n`: choices to generate, each its own completion (1 when not asked). */
  readonly choices: number;
}

/** One generation route: how to read its body and how to render its answer. */
export interface Endpoint {
  readonly path: string;
  readonly kind: ModelKind;
  /** Validates the body; returns what the pipeline needs, or the message of a 400. */
  parse(body: Record<string, unknown>): EndpointRequest | string;
  shape(meta: GenerationMeta, body: Record<string, unknown>, streamed: boolean, choices: number): Shape;
}

type Rejection = { status: number; message?: string; headers?: Record<string, string> };

function reject(call: Call, res: ServerResponse, r: Rejection): void {
  sendError(res, r.status, r.message, { "x-generation-id": call.id, ...r.headers });
  call.reject(r.status);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

interface Parsed {
  model: SandboxModel;
  body: Record<string, unknown>;
  request: EndpointRequest;
  fault: SandboxFault;
}

async function parseRequest(endpoint: Endpoint, req: IncomingMessage, call: Call): Promise<Parsed | Rejection> {
  let raw: Buffer;
  try {
    raw = await readBody(req);
  } catch (err) {
    return err instanceof BodyTooLargeError ? { status: 413 } : { status: 400, message: "Could not read the request body" };
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    return { status: 400, message: "Invalid JSON in request body" };
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return { status: 400, message: "Request body must be a JSON object" };
  const fields = body as Record<string, unknown>;
  const modelField = typeof fields.model === "string" ? fields.model : Array.isArray(fields.models) ? fields.models[0] : undefined;
  if (typeof modelField !== "string" || !modelField) return { status: 400, message: "model is required" };
  try {
    const split = splitModelFault(modelField);
    const model = findModel(split.model);
    if (!model) return { status: 400, message: `${split.model} is not a valid model ID` };
    call.model = model.id;
    if (model.kind !== endpoint.kind) return { status: 400, message: `${model.id} does not support ${endpoint.path.slice(8)}` };
    const request = endpoint.parse(fields);
    if (typeof request === "string") return { status: 400, message: request };
    call.streamed = request.stream;
    if (request.promptTokens > model.contextLength) {
      return { status: 400, message: `This endpoint's maximum context length is ${model.contextLength} tokens. However, you requested about ${request.promptTokens} tokens.` };
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
    if (err instanceof FaultSyntaxError) return { status: 400, message: err.message };
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

export async function handleGeneration(ctx: SandboxContext, endpoint: Endpoint, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const startedAt = Date.now();
  const call = new Call(ctx.audit, ctx.ids.next(startedAt), endpoint.path, header(req, "x-request-id") ?? null, startedAt);
  call.key = ctx.keys.authenticate(req.headers.authorization);
  if (!call.key) return reject(call, res, { status: 401 });
  const refused = call.key.admit(startedAt);
  if (refused?.status === 429) return reject(call, res, { status: 429, headers: { "retry-after": String(refused.retryAfterS) } });
  if (refused) return reject(call, res, refused);

  const parsed = await parseRequest(endpoint, req, call);
  if (!("model" in parsed)) return reject(call, res, parsed);
  const { model, request, fault } = parsed;
  const streamed = request.stream;
  const interrupt = fault.interrupt;

  // Plan: how many tokens the provider generates and what that costs, known before any byte.
  const plan = endpoint.kind === "embedding"
    ? { completionTokens: 0, finishReason: "stop" as const }
    : planCompletion({ promptTokens: request.promptTokens, requested: fault.completionTokens, maxTokens: request.maxTokens, modelMax: model.maxCompletionTokens });
  // Per choice; with `n` choices the prompt is billed once and every choice's completion.
  let generated = plan.completionTokens;
  if (interrupt) generated = streamed || interrupt.kind === "stream-error" ? Math.min(interrupt.after, generated) : 0;
  const metered = meter(model, request.promptTokens, generated * request.choices, Math.min(fault.cachedTokens ?? 0, request.promptTokens));
  const status = statusOf(fault);
  const finish: FinishInfo = { reason: plan.finishReason, native: plan.finishReason === "stop" ? model.nativeStop : model.nativeLength };

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
  if (fault.status !== undefined) return reject(call, res, { status: fault.status, message: errorMessage(fault.status) });

  const meta: GenerationMeta = { id: call.id, created: Math.floor(startedAt / 1000), model };
  const shape = endpoint.shape(meta, parsed.body, streamed, request.choices);
  if (streamed && shape.stream) {
    const plan = { shape: shape.stream, metered, tokensPerChoice: generated, choices: request.choices, finish, chunkDelayMs: fault.chunkDelayMs ?? 0, interrupt };
    return streamGeneration(res, call, plan);
  }
  const contents = Array.from({ length: request.choices }, (_, choice) => choiceText(generated, request.promptTokens, choice));

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
      send(res, call.id, shape.body(contents, { reason: "error", native: "error" }, metered, error));
      call.settle("error", metered, false, "error");
      return;
    }
    case undefined:
      send(res, call.id, shape.body(contents, finish, metered));
      call.settle("ok", metered, false, finish.reason);
  }
}

function send(res: ServerResponse, generationId: string, body: string): void {
  res.writeHead(200, ["content-type", "application/json", "content-length", String(Buffer.byteLength(body)), "x-generation-id", generationId]);
  res.end(body);
}
