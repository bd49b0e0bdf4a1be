// Vendo-issued keys: `vendo_sk_` (proxy) and `vendo_mk_` (control API) + 40 random base62 chars.
// Only the SHA-256 hash is stored: the keys carry 238 bits of entropy, so a slow hash adds nothing.
import { createHash, randomInt } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const PROXY_KEY_PREFIX = "vendo_sk_";
export const MANAGEMENT_KEY_PREFIX = "vendo_mk_";
/** A deployment's token for `vendo run`: reads only its own deployment's env. */
export const DEPLOYMENT_TOKEN_PREFIX = "vendo_dt_";

export function randomBase62(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += BASE62[randomInt(62)];
  return out;
}

export function hashKey(plaintext: string): string {
  return createHash("sha256").update(plaintext).digest("hex");
}

export interface MintedKey {
  plaintext: string;
  hash: string;
  /** Shown in listings: the kind prefix and the first 4 random chars. */
  prefix: string;
}

export function mintKey(kindPrefix: typeof PROXY_KEY_PREFIX | typeof MANAGEMENT_KEY_PREFIX | typeof DEPLOYMENT_TOKEN_PREFIX): MintedKey {
  const plaintext = kindPrefix + randomBase62(40);
  return { plaintext, hash: hashKey(plaintext), prefix: plaintext.slice(0, kindPrefix.length + 4) };
}

/** `ten_…`, `dep_…`: prefixed random ids, readable in logs and URLs. */
export function newId(kind: string): string {
  return `${kind}_${randomBase62(16)}`;
}

/**
 * An id that sorts by creation time (milliseconds, then randomness), for rows written on the hot
 * path: new rows land at the right edge of their indexes instead of dirtying a random page each.
 */
export function newTimeOrderedId(kind: string, now = Date.now()): string {
  let time = "";
  for (let t = now, i = 0; i < 8; i++, t = Math.floor(t / 62)) time = BASE62[t % 62] + time;
  return `${kind}_${time}${randomBase62(10)}`;
}
