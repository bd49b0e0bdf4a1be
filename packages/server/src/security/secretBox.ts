// Upstream credentials at rest: AES-256-GCM with a key from VENDO_SECRET_KEY.
// Stored form: "v1:" + base64(iv | tag | ciphertext). The version prefix leaves room for rotation.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error("VENDO_SECRET_KEY must decode to 32 bytes (64 hex chars or 44 base64 chars)");
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return "v1:" + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
    },
    open(sealed) {
      if (!sealed.startsWith("v1:")) throw new Error("sealed secret has an unknown format");
      const raw = Buffer.from(sealed.slice(3), "base64");
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    },
  };
}

export function decodeSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  return /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
}

/**
 * VENDO_SECRET_KEY when set; otherwise a key generated once into `file` (mode 0600), which is what
 * an embedded single-machine setup wants. Production sets the variable.
 */
export function loadSecretKey(envValue: string | undefined, file: string): Buffer {
  if (envValue) return decodeSecretKey(envValue);
  if (existsSync(file)) return decodeSecretKey(readFileSync(file, "utf8"));
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString("hex") + "\n", { mode: 0o600 });
  return key;
}
