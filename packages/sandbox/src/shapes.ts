// Response bodies and SSE chunks in OpenRouter's shapes, for chat and legacy text completions
// (the other upstreams' shapes are in upstreams/<name>/). Built from string templates: the
// streaming loop does one small concatenation per chunk.

import type { SandboxModel } from "./models.ts";
import { completionUsageJson, type Metered } from "./usage.ts";

export interface GenerationMeta {
  readonly id: string;
  readonly created: number;
  readonly model: SandboxModel;
  /** The tool the answer calls (its contents are the call's arguments), or null for text. */
  readonly toolName: string | null;
}

export interface InStreamError {
  readonly code: number;
  readonly message: string;
}

export interface FinishInfo {
  readonly reason: "stop" | "length" | "error" | "tool_calls";
  readonly native: string;
}

/** SSE events of one generation. Each string is whole events (`data: …` and the blank line). */
export interface StreamShape {
  /** What goes before any choice's events ("" for nothing); `metered` is what the call bills. */
  open(metered: Metered): string;
  /** Chunk sent for choice `index` before its first content chunk (chat's role chunk), or null. */
  first(index: number): string | null;
  piece(text: string, index: number): string;
  finish(finish: FinishInfo, index: number): string;
  /** The usage and the end of the stream, after every choice finished. */
  close(metered: Metered, finish: FinishInfo): string;
  error(error: InStreamError): string;
}

/** OpenRouter's stream opens with a comment while the model warms up. */
export const PROCESSING_COMMENT = ": OPENROUTER PROCESSING\n\n";
export const DONE_LINE = "data: [DONE]\n\n";

/**
 * How one endpoint renders a generation of `contents.length` choices (`n`); `stream` is absent
 * when the endpoint cannot stream.
 */
export interface Shape {
  body(contents: readonly string[], finish: FinishInfo, metered: Metered, error?: InStreamError): string;
  readonly stream?: StreamShape;
}

function head(meta: GenerationMeta, object: string): string {
  return `{"id":"${meta.id}","provider":${JSON.stringify(meta.model.provider)},"model":${JSON.stringify(meta.model.id)},"object":"${object}","created":${meta.created}`;
}

function errorField(error: InStreamError | undefined): string {
  return error ? `,"error":{"code":${error.code},"message":${JSON.stringify(error.message)}}` : "";
}

/** `make(0) … make(count - 1)`, built once per generation so the stream loop only concatenates. */
function perChoice(count: number, make: (index: number) => string): string[] {
  return Array.from({ length: count }, (_, index) => make(index));
}

function chatStream(meta: GenerationMeta, choices: number): StreamShape {
  const heads = perChoice(choices, (i) => `data: ${head(meta, "chat.completion.chunk")},"choices":[{"index":${i},"delta":{"role":"assistant","content":`);
  const open = `},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}\n\n`;
  return {
    open: () => PROCESSING_COMMENT,
    first: (i) => `${heads[i]}""${open}`,
    piece: (text, i) => heads[i] + JSON.stringify(text) + open,
    finish: (f, i) => `${heads[i]}""},"finish_reason":"${f.reason}","native_finish_reason":${JSON.stringify(f.native)},"logprobs":null}]}\n\n`,
    close: (m) => `data: ${head(meta, "chat.completion.chunk")},"choices":[],"usage":${completionUsageJson(m)}}\n\n${DONE_LINE}`,
    error: (e) =>
      `data: ${head(meta, "chat.completion.chunk")}${errorField(e)},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"error","native_finish_reason":"error","logprobs":null}]}\n\n`,
  };
}

export function chatShape(meta: GenerationMeta, streamed: boolean, choices: number): Shape {
  const body: Shape["body"] = (contents, f, m, error) => {
    const list = contents.map(
      (content, i) =>
        `{"logprobs":null,"finish_reason":"${f.reason}","native_finish_reason":${JSON.stringify(f.native)},"index":${i},` +
        `"message":{"role":"assistant","content":${JSON.stringify(content)},"refusal":null,"reasoning":null}}`,
    );
    return `${head(meta, "chat.completion")}${errorField(error)},"choices":[${list.join(",")}],"system_fingerprint":null,"usage":${completionUsageJson(m)}}`;
  };
  return streamed ? { body, stream: chatStream(meta, choices) } : { body };
}

function textStream(meta: GenerationMeta, choices: number): StreamShape {
  const heads = perChoice(choices, (i) => `data: ${head(meta, "text_completion")},"choices":[{"index":${i},"text":`);
  const open = `,"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}\n\n`;
  return {
    open: () => PROCESSING_COMMENT,
    first: () => null,
    piece: (text, i) => heads[i] + JSON.stringify(text) + open,
    finish: (f, i) => `${heads[i]}"","finish_reason":"${f.reason}","native_finish_reason":${JSON.stringify(f.native)},"logprobs":null}]}\n\n`,
    close: (m) => `data: ${head(meta, "text_completion")},"choices":[],"usage":${completionUsageJson(m)}}\n\n${DONE_LINE}`,
    error: (e) => `data: ${head(meta, "text_completion")}${errorField(e)},"choices":[{"index":0,"text":"","finish_reason":"error","native_finish_reason":"error","logprobs":null}]}\n\n`,
  };
}

export function textShape(meta: GenerationMeta, streamed: boolean, choices: number): Shape {
  const body: Shape["body"] = (contents, f, m, error) => {
    const list = contents.map(
      (content, i) => `{"text":${JSON.stringify(content)},"index":${i},"logprobs":null,"finish_reason":"${f.reason}","native_finish_reason":${JSON.stringify(f.native)}}`,
    );
    return `${head(meta, "text_completion")}${errorField(error)},"choices":[${list.join(",")}],"usage":${completionUsageJson(m)}}`;
  };
  return streamed ? { body, stream: textStream(meta, choices) } : { body };
}
