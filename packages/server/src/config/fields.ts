// Parsers for settings given as text (env vars, CLI flags). Each turns the text into a typed value
// or fails with a message that completes "<NAME> …", e.g. "PORT must be a whole number from 0 to
// 65535". Secret values are never repeated in a message.
import { z } from "zod";

/** A setting's text → its value; `error` is the message's tail after the setting's name. */
export type Field<T> = z.ZodType<T, string>;

function describeGot(value: string): string {
  return value === "" ? "it is empty" : `got "${value.length > 80 ? value.slice(0, 77) + "…" : value}"`;
}

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): Field<number> {
  return z.string().transform((text, ctx) => {
    const trimmed = text.trim();
    const value = Number(trimmed);
    if (!/^-?\d+$/.test(trimmed) || !Number.isSafeInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
      ctx.addIssue({ code: "custom", message: `must be a whole number ${range} (${describeGot(text)})` });
      return z.NEVER;
    }
    return value;
  });
}

export function text(options: { secret?: boolean; minLength?: number } = {}): Field<string> {
  const min = options.minLength ?? 1;
  return z.string().transform((value, ctx) => {
    if (value.trim().length < min) {
      ctx.addIssue({ code: "custom", message: min === 1 ? "must not be empty" : `must be at least ${min} characters long` });
      return z.NEVER;
    }
    return value.trim();
  });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T): Field<T[number]> {
  return z.string().transform((value, ctx) => {
    const v = value.trim().toLowerCase();
    if (!(values as readonly string[]).includes(v)) {
      ctx.addIssue({ code: "custom", message: `must be one of ${values.join(", ")} (${describeGot(value)})` });
      return z.NEVER;
    }
    return v as T[number];
  });
}

/** An absolute URL with one of the given protocols (e.g. ["http:", "https:"]); trailing slashes dropped. */
export function url(protocols: readonly string[], options: { secret?: boolean } = {}): Field<string> {
  return z.string().transform((value, ctx) => {
    const shown = options.secret ? "" : ` (${describeGot(value)})`;
    let parsed: URL;
    try {
      parsed = new URL(value.trim());
    } catch {
      ctx.addIssue({ code: "custom", message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}${shown}` });
      return z.NEVER;
    }
    if (!protocols.includes(parsed.protocol) || !parsed.hostname) {
      ctx.addIssue({ code: "custom", message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}${shown}` });
      return z.NEVER;
    }
    return value.trim().replace(/\/+$/, "");
  });
}

/** A host name such as example.com (no scheme, port or path). */
export function hostname(): Field<string> {
  return z.string().transform((value, ctx) => {
    const v = value.trim().toLowerCase();
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(v)) {
      ctx.addIssue({ code: "custom", message: `must be a host name such as example.com (${describeGot(value)})` });
      return z.NEVER;
    }
    return v;
  });
}

/** An AES-256 key: 32 bytes as 64 hex characters or base64. */
export function secretKey(): Field<Buffer> {
  return z.string().transform((value, ctx) => {
    const key = decodeKey(value);
    if (!key) {
      ctx.addIssue({ code: "custom", message: "must be 32 bytes written as 64 hex characters or 44 base64 characters (`vendo secrets generate` prints one)" });
      return z.NEVER;
    }
    return key;
  });
}

/** Comma-separated AES-256 keys (each as in secretKey). */
export function secretKeyList(): Field<Buffer[]> {
  return z.string().transform((value, ctx) => {
    const parts = value.split(",").map((p) => p.trim()).filter(Boolean);
    const keys: Buffer[] = [];
    for (const [i, part] of parts.entries()) {
      const key = decodeKey(part);
      if (!key) {
        ctx.addIssue({ code: "custom", message: `entry ${i + 1} must be 32 bytes written as 64 hex characters or 44 base64 characters` });
        return z.NEVER;
      }
      keys.push(key);
    }
    return keys;
  });
}

export function decodeKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (/^[A-Za-z0-9+/]{43}=?$/.test(trimmed)) {
    const key = Buffer.from(trimmed, "base64");
    if (key.length === 32) return key;
  }
  return null;
}

/** A PostgreSQL identifier (lower case letters, digits, underscores). */
export function identifier(): Field<string> {
  return z.string().transform((value, ctx) => {
    const v = value.trim();
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(v)) {
      ctx.addIssue({ code: "custom", message: `must be a schema name of lower-case letters, digits and underscores (${describeGot(value)})` });
      return z.NEVER;
    }
    return v;
  });
}
