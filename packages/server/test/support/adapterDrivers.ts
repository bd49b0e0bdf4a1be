// One call of each integration, as its clients make it (path, the header its key goes in, its body),
// for the suites that prove the money invariants per adapter. Each names what its upstream keeps
// (a usage record or not) and what its answer can be (a stream or not).
export interface DriverCall {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface AdapterDriver {
  slug: string;
  /** Pool keys for its world (the sandbox accepts any key on every upstream). */
  poolKeys: string[];
  /** A call; `maxTokens` null: none given (Anthropic requires one: the model's maximum then). */
  call(key: string, options?: { stream?: boolean; maxTokens?: number | null; prompt?: string }): DriverCall;
  /** The most completion tokens the model writes (0 for a per-call API). */
  modelMax: number;
  streams: boolean;
  /** The upstream keeps a per-credential usage record reconciliation can read. */
  usageRecord: boolean;
  /** A stream the upstream broke is priced exactly (from the upstream's record, or a usage the
   *  dialect gets in full before the break); else the proxy's estimate, never below what was billed. */
  exactWhenBroken: boolean;
}

const messages = (prompt: string) => [{ role: "user", content: prompt }];

export const adapterDrivers: AdapterDriver[] = [
  {
    slug: "openrouter",
    poolKeys: ["sk-or-inv-one-0123456789", "sk-or-inv-two-0123456789"],
    call: (key, o = {}) => ({
      path: "/v1/chat/completions",
      headers: { authorization: `Bearer ${key}` },
      body: { model: "openai/gpt-4o-mini", messages: messages(o.prompt ?? "write as much as you can"), ...(o.maxTokens ? { max_tokens: o.maxTokens } : {}), ...(o.stream ? { stream: true } : {}) },
    }),
    modelMax: 16_384,
    streams: true,
    usageRecord: true,
    exactWhenBroken: true,
  },
  {
    slug: "openai",
    poolKeys: ["sk-openai-inv-one-0123456789", "sk-openai-inv-two-0123456789"],
    call: (key, o = {}) => ({
      path: "/v1/chat/completions",
      headers: { authorization: `Bearer ${key}` },
      body: { model: "gpt-4o-mini", messages: messages(o.prompt ?? "write as much as you can"), ...(o.maxTokens ? { max_completion_tokens: o.maxTokens } : {}), ...(o.stream ? { stream: true } : {}) },
    }),
    modelMax: 16_384,
    streams: true,
    usageRecord: false,
    exactWhenBroken: false,
  },
  {
    slug: "anthropic",
    poolKeys: ["sk-ant-inv-one-0123456789", "sk-ant-inv-two-0123456789"],
    call: (key, o = {}) => ({
      path: "/v1/messages",
      headers: { "x-api-key": key, "anthropic-version": "2023-06-01" },
      body: { model: "claude-haiku-4-5", max_tokens: o.maxTokens ?? 64_000, messages: messages(o.prompt ?? "write as much as you can"), ...(o.stream ? { stream: true } : {}) },
    }),
    modelMax: 64_000,
    streams: true,
    usageRecord: false,
    exactWhenBroken: true,
  },
  {
    slug: "tavily",
    poolKeys: ["tvly-inv-one-0123456789", "tvly-inv-two-0123456789"],
    call: (key, o = {}) => ({ path: "/search", headers: { authorization: `Bearer ${key}` }, body: { query: o.prompt ?? "who is Leo Messi?", search_depth: "advanced" } }),
    modelMax: 0,
    streams: false,
    usageRecord: true,
    exactWhenBroken: true,
  },
];
