// Upstream credentials and deployment keys at rest: AES-256-GCM with the key of VENDO_SECRET_KEY.
// Stored form: "v2:" + key id + ":" + base64(iv | tag | ciphertext); the key id (a fingerprint of
// the key, never the key) says which key opens it, so during a rotation instances can read values
// sealed with the old key (VENDO_SECRET_KEY_PREVIOUS) and the new one alike. "v1:" values (no key
// id, from before rotation existed) are tried with every key; GCM's tag tells the right one.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { decodeKey } from "../config/fields.js";

export interface SecretBox {
  /** Seals with the current key. */
  seal(plaintext: string): string;
  /** Opens a value sealed with any key this box holds; throws SecretKeyError otherwise. */
  open(sealed: string): string;
  /** Whether a sealed value is already sealed with the current key (rotation skips it). */
  isCurrent(sealed: string): boolean;
  /** Fingerprint of the current key (safe to print). */
  readonly keyId: string;
}

/** A sealed value this instance cannot open: the message names the key id, never a secret. */
export class SecretKeyError extends Error {
  override readonly name = "SecretKeyError";
}

const KEY_LENGTH = 32;

/** The key's public fingerprint: 8 hex characters of a SHA-256 over a fixed label and the key. */
export function secretKeyId(key: Buffer): string {
  return createHash("sha256").update("vendo secret key id\0").update(key).digest("hex").slice(0, 8);
}

export function createSecretBox(key: Buffer, previous: readonly Buffer[] = []): SecretBox {
  for (const k of [key, ...previous]) {
    if (k.length !== KEY_LENGTH) throw new Error("VENDO_SECRET_KEY must decode to 32 bytes (64 hex chars or 44 base64 chars)");
  }
  const keyId = secretKeyId(key);
  const keys = new Map<string, Buffer>([[keyId, key]]);
  for (const k of previous) if (!keys.has(secretKeyId(k))) keys.set(secretKeyId(k), k);

  return {
    keyId,
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return `v2:${keyId}:` + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
    },
    open(sealed) {
      if (sealed.startsWith("v2:")) {
        const id = sealed.slice(3, 11);
        const k = keys.get(id);
        if (!k) throw new SecretKeyError(`A stored secret is sealed with key ${id}, which this instance does not hold (set it in VENDO_SECRET_KEY_PREVIOUS).`);
        return decrypt(k, sealed.slice(12));
      }
      if (sealed.startsWith("v1:")) {
        for (const k of keys.values()) {
          try {
            return decrypt(k, sealed.slice(3));
          } catch {
            // not this key: GCM's tag did not verify
          }
        }
        throw new SecretKeyError("A stored secret (v1, no key id) opens with none of this instance's keys.");
      }
      throw new SecretKeyError("A stored secret has an unknown format.");
    },
    isCurrent: (sealed) => sealed.startsWith(`v2:${keyId}:`),
  };
}

function decrypt(key: Buffer, base64: string): string {
  const raw = Buffer.from(base64, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}

export function decodeSecretKey(text: string): Buffer {
  const key = decodeKey(text);
  if (!key) throw new Error("VENDO_SECRET_KEY must be 32 bytes written as 64 hex characters or 44 base64 characters");
  return key;
}

/** A new random key, as VENDO_SECRET_KEY takes it (64 hex characters). */
export function generateSecretKey(): string {
  return randomBytes(KEY_LENGTH).toString("hex");
}

/**
 * VENDO_SECRET_KEY when set; otherwise a key generated once into `file` (mode 0600), which is what
 * an embedded single-machine setup (SQLite) wants. With PostgreSQL the variable is required.
 */
export function loadSecretKey(envValue: string | undefined, file: string): Buffer {
  if (envValue) return decodeSecretKey(envValue);
  if (existsSync(file)) return decodeSecretKey(readFileSync(file, "utf8"));
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(KEY_LENGTH);
  writeFileSync(file, key.toString("hex") + "\n", { mode: 0o600 });
  return key;
}
