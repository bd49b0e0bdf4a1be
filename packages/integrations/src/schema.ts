// The one definition of an integration: the TypeScript type and the JSON Schema
// (catalog/integration.schema.json) are both derived from it, so they cannot drift.
import { z } from "zod";

const slug = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, "lowercase letters, digits and dashes");
const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "UPPER_SNAKE_CASE");
const usdDecimal = z.string().regex(/^\d+(\.\d{1,9})?$/, "a USD decimal string with at most 9 decimals");
const path = z.string().regex(/^\/[A-Za-z0-9_\-/.]*$/, "an absolute path");
/** A base path: "" when the API's paths start at the host's root (`/v1/messages`), else an absolute path. */
const basePath = z.string().regex(/^(\/[A-Za-z0-9_\-/.]*)?$/, "an absolute path, or empty");
const positiveInt = z.int().min(1);

export const ProfileSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  label: z.string().min(1),
  default: z.boolean(),
  /** Where the upstream credential comes from: Vendo's pool, or the tenant's own key on the connection. */
  credential: z.enum(["pool", "tenant"]),
  howItWorks: z.string().min(1),
  quickstartNote: z.string().min(1),
  /** Vendo's own fee per metered call on this profile (USD), charged as revenue; default none. With a
   *  tenant's own key the provider bills the tenant directly and this fee is all Vendo charges. */
  feeUsd: usdDecimal.optional(),
});

export const EnvVarSchema = z.strictObject({
  name: envName,
  profiles: z.union([z.literal("all"), z.array(z.string()).min(1)]),
  /** vendo_api_key: the deployment's vendo_sk_ key; proxy_base_url: the proxy URL + basePath;
   *  connection_metadata: metadata[metadataKey] of the connection record. */
  source: z.enum(["vendo_api_key", "proxy_base_url", "connection_metadata"]),
  metadataKey: z.string().min(1).optional(),
  secret: z.boolean(),
  description: z.string().min(1),
});

/** A client library that needs more than the injected env vars, with the form that works. */
export const ClientNoteSchema = z.strictObject({
  /** The package as its registry names it, e.g. `@openrouter/ai-sdk-provider`. */
  package: z.string().min(1),
  language: z.enum(["typescript", "python"]),
  /** What goes wrong without the example's form, and what to do; one or two sentences. */
  note: z.string().min(1),
  /** The working form, line by line, reading only the injected env vars. */
  example: z.array(z.string()).min(1),
});

/**
 * One model of a price table kept in the catalog, for upstreams that publish no price API. Prices
 * are USD per million tokens, as providers publish them (exact decimals, at most 9 places).
 */
export const ModelPriceSchema = z.strictObject({
  /** The model id a request names. */
  id: z.string().regex(/^[\x21-\x7e]{1,256}$/, "printable ASCII, at most 256 characters"),
  /** Other ids the upstream accepts for the same model at the same price (dated snapshots). */
  aliases: z.array(z.string().regex(/^[\x21-\x7e]{1,256}$/)).default([]),
  /** chat: prompt and completion tokens; embedding: input tokens only. */
  kind: z.enum(["chat", "embedding"]).default("chat"),
  input: usdDecimal,
  output: usdDecimal,
  /** Input tokens read from the provider's prompt cache. */
  cacheRead: usdDecimal.optional(),
  /** Input tokens written to the prompt cache (the default, shorter lifetime). */
  cacheWrite: usdDecimal.optional(),
  /** Input tokens written to the prompt cache for its longer lifetime, where priced apart. */
  cacheWriteLong: usdDecimal.optional(),
  /** Prompt and completion tokens together. */
  contextLength: positiveInt,
  /** The most completion tokens one answer may have (0 for embeddings). */
  maxOutputTokens: z.int().min(0),
});

/** Where a per-token integration's prices come from. */
export const PriceTableSchema = z.strictObject({
  unit: z.literal("usd_per_million_tokens"),
  /** Where the table was copied from, and when: a reviewer checks it against this. */
  source: z.string().min(1),
  models: z.array(ModelPriceSchema).min(1),
});

export const MeteringSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("per_token"),
    /** "upstream": the upstream's own model list (its prices and limits), read by the adapter;
     *  otherwise the catalog's own table. */
    prices: z.union([z.literal("upstream"), PriceTableSchema]),
  }),
  z.strictObject({
    kind: z.literal("per_call"),
    /** The price of one unit (USD): one call, unless the upstream bills in units of its own. */
    priceUsd: usdDecimal,
    /** The upstream's billing unit when a call may cost several (e.g. "credit"); default "call". */
    unit: z.string().regex(/^[a-z][a-z ]{0,30}$/).default("call"),
  }),
]);

/** The adapter kinds the proxy has: how requests are read, metered, priced and looked up upstream. */
export const ADAPTER_KINDS = ["openrouter", "openai", "anthropic", "tavily", "per_call"] as const;

export const IntegrationSchema = z.strictObject({
  $schema: z.string().optional(),
  slug,
  name: z.string().min(1),
  tagline: z.string().min(1),
  description: z.string().min(1),
  category: z.string().min(1),
  /** First sentence of the quickstart comment; the default profile's note follows it. */
  summary: z.string().min(1),
  upstream: z.strictObject({
    baseUrl: z.url({ protocol: /^https?$/ }),
    auth: z.strictObject({
      header: z.string().regex(/^[a-z0-9-]+$/, "a lowercase header name"),
      scheme: z.string().min(1).optional(),
    }),
    /** Client request headers forwarded upstream (lowercase); everything else is dropped. */
    passHeaders: z.array(z.string().regex(/^[a-z0-9-]+$/)).default([]),
  }),
  proxy: z.strictObject({
    // A regex rather than .includes(): zod renders .includes() as a non-standard JSON Schema "format".
    hostPattern: z.string().regex(/^(?=.*\{slug\})(?=.*\{domain\})[a-z0-9.{}-]+$/, "a host containing {slug} and {domain}"),
    basePath,
    paths: z
      .array(z.strictObject({ method: z.enum(["GET", "POST"]), path, metered: z.boolean() }))
      .min(1),
  }),
  profiles: z.array(ProfileSchema).min(1),
  envVars: z.array(EnvVarSchema).min(1),
  /** Clients that do not pick the injected env vars up by themselves: the docs page and `vendo run` show each. */
  clients: z.array(ClientNoteSchema).default([]),
  /** What a developer should know about calls through the proxy (metering, refusals), one
   *  paragraph each: the docs page's Metering section lists them. */
  notes: z.array(z.string().min(1)).default([]),
  metering: MeteringSchema,
  /** The adapter (packages/integrations/catalog/<adapter>/, or adapters/ for generic ones) that
   *  knows this upstream's request and answer dialect; a per-call integration defaults to per_call. */
  adapter: z.enum(ADAPTER_KINDS).optional(),
});

export type Integration = z.output<typeof IntegrationSchema>;
export type IntegrationInput = z.input<typeof IntegrationSchema>;
export type Profile = z.output<typeof ProfileSchema>;
export type EnvVar = z.output<typeof EnvVarSchema>;
export type Metering = z.output<typeof MeteringSchema>;
export type ClientNote = z.output<typeof ClientNoteSchema>;
export type ModelPriceEntry = z.output<typeof ModelPriceSchema>;
export type PriceTable = z.output<typeof PriceTableSchema>;
export type AdapterKind = (typeof ADAPTER_KINDS)[number];

export function integrationJsonSchema(): unknown {
  return z.toJSONSchema(IntegrationSchema, { io: "input" });
}
