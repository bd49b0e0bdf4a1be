// The same buckets as rateLimiter.ts, kept in Redis so every instance draws from one: two small
// Lua scripts run atomically on the server, with Redis's own clock (TIME), so the instances'
// clocks do not matter. A bucket is a hash {l: level, a: ms}; a missing bucket is full, and each
// expires once it would be full again.
import type { Redis } from "ioredis";
import type { KeyLimits } from "./rateLimiter.js";

const LEVEL = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function level(key, cap, now)
  local v = redis.call('HMGET', key, 'l', 'a')
  local l, a = tonumber(v[1]), tonumber(v[2])
  if l == nil or a == nil then return cap end
  return math.min(cap, l + (now - a) * cap / 60000)
end
local function store(key, l, cap, now)
  redis.call('HSET', key, 'l', tostring(l), 'a', now)
  redis.call('PEXPIRE', key, math.max(1, math.ceil((cap - l) * 60000 / cap)) + 1000)
end
`;

// KEYS: rpm bucket, tpm bucket. ARGV: rpm (0: none), tpm (0: none). Returns ms to wait (0: admitted).
const ADMIT = `${LEVEL}
local now = now_ms()
local rpm, tpm = tonumber(ARGV[1]), tonumber(ARGV[2])
local lr, lt
local wait = 0
if rpm > 0 then
  lr = level(KEYS[1], rpm, now)
  if lr < 1 then wait = math.max(wait, (1 - lr) * 60000 / rpm) end
end
if tpm > 0 then
  lt = level(KEYS[2], tpm, now)
  if lt < 1 then wait = math.max(wait, (1 - lt) * 60000 / tpm) end
end
if wait > 0 then return math.ceil(wait) end
if rpm > 0 then store(KEYS[1], lr - 1, rpm, now) end
return 0
`;

// KEYS: tpm bucket. ARGV: tpm, tokens.
const RECORD = `${LEVEL}
local now = now_ms()
local tpm, tokens = tonumber(ARGV[1]), tonumber(ARGV[2])
store(KEYS[1], level(KEYS[1], tpm, now) - tokens, tpm, now)
return 0
`;

interface LimiterCommands {
  vendoAdmit(rpmKey: string, tpmKey: string, rpm: number, tpm: number): Promise<number>;
  vendoRecord(tpmKey: string, tpm: number, tokens: number): Promise<number>;
}

export function createRedisRateLimiter(redis: Redis, prefix = "vendo:rl:") {
  redis.defineCommand("vendoAdmit", { numberOfKeys: 2, lua: ADMIT });
  redis.defineCommand("vendoRecord", { numberOfKeys: 1, lua: RECORD });
  const commands = redis as unknown as LimiterCommands;
  // One hash slot per key ({id}) so both buckets of a key may be used together on a cluster.
  const rpmKey = (id: string) => `${prefix}{${id}}:rpm`;
  const tpmKey = (id: string) => `${prefix}{${id}}:tpm`;

  return {
    /** 0 if admitted (one request taken), else the seconds to wait. Rejects when Redis fails. */
    async admit(key: KeyLimits): Promise<number> {
      const waitMs = await commands.vendoAdmit(rpmKey(key.id), tpmKey(key.id), key.rpm ?? 0, key.tpm ?? 0);
      return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
    },
    async record(key: KeyLimits, tokens: number): Promise<void> {
      if (key.tpm === null || tokens <= 0) return;
      await commands.vendoRecord(tpmKey(key.id), key.tpm, tokens);
    },
  };
}
