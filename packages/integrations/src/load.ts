import { readdirSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CatalogError } from "./errors.js";
import { IntegrationSchema, type Integration, type ModelPriceEntry } from "./schema.js";

export const catalogDir = fileURLToPath(new URL("../catalog/", import.meta.url));

/** Parse and check one integration file; throws CatalogError naming the file and the field. */
export function loadIntegrationFile(file: string): Integration {
  // Relative to the working directory when inside it (short), absolute otherwise (unambiguous).
  const rel = relative(process.cwd(), file);
  const shown = rel && !rel.startsWith("..") ? rel : file;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new CatalogError("CATALOG_INVALID", `${shown}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = IntegrationSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new CatalogError("CATALOG_INVALID", `${shown}: ${issues.join("; ")}`);
  }
  const problems = semanticProblems(parsed.data);
  if (problems.length > 0) throw new CatalogError("CATALOG_INVALID", `${shown}: ${problems.join("; ")}`);
  return parsed.data;
}

/** Checks a schema cannot express: references between fields. */
function semanticProblems(integration: Integration): string[] {
  const problems: string[] = [];
  const profileIds = integration.profiles.map((p) => p.id);
  if (integration.profiles.filter((p) => p.default).length !== 1) {
    problems.push("profiles: exactly one profile must have default: true");
  }
  if (new Set(profileIds).size !== profileIds.length) problems.push("profiles: ids must be unique");
  integration.envVars.forEach((v, i) => {
    if (v.profiles !== "all") {
      for (const p of v.profiles) {
        if (!profileIds.includes(p)) problems.push(`envVars.${i}.profiles: unknown profile "${p}"`);
      }
    }
    if (v.source === "connection_metadata" && !v.metadataKey) {
      problems.push(`envVars.${i}.metadataKey: required when source is connection_metadata`);
    }
    if (v.source !== "connection_metadata" && v.metadataKey !== undefined) {
      problems.push(`envVars.${i}.metadataKey: only allowed when source is connection_metadata`);
    }
  });
  const names = integration.envVars.map((v) => v.name);
  if (new Set(names).size !== names.length) problems.push("envVars: names must be unique");
  // The SDKs resolve one token var and one base-URL var per integration (generated from here):
  // without the base URL an app in Vendo mode cannot find the proxy.
  for (const source of ["vendo_api_key", "proxy_base_url"] as const) {
    if (integration.envVars.filter((v) => v.source === source).length !== 1) {
      problems.push(`envVars: exactly one env var must have source ${source}`);
    }
  }
  integration.proxy.paths.forEach((p, i) => {
    if (!p.path.startsWith(integration.proxy.basePath)) {
      problems.push(`proxy.paths.${i}.path: must start with basePath ${integration.proxy.basePath}`);
    }
  });
  // The upstream credential is the proxy's to send: a client's value for that header never passes.
  if (integration.upstream.passHeaders.includes(integration.upstream.auth.header)) {
    problems.push(`upstream.passHeaders: must not include the credential's header ${integration.upstream.auth.header}`);
  }
  if (integration.metering.kind === "per_token" && integration.adapter === undefined) {
    problems.push("adapter: required with per_token metering (it reads the upstream's usage)");
  }
  if (integration.metering.kind === "per_token" && integration.metering.prices !== "upstream") {
    problems.push(...priceTableProblems(integration.metering.prices.models));
  }
  return problems;
}

/** A price table's rows: ids unique (aliases included), limits that fit the model's kind. */
function priceTableProblems(models: ReadonlyArray<ModelPriceEntry>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  models.forEach((m, i) => {
    for (const id of [m.id, ...m.aliases]) {
      if (seen.has(id)) problems.push(`metering.prices.models.${i}: model id "${id}" appears twice`);
      seen.add(id);
    }
    if (m.kind === "embedding" && m.maxOutputTokens !== 0) problems.push(`metering.prices.models.${i}.maxOutputTokens: must be 0 for an embedding model`);
    if (m.kind === "chat" && (m.maxOutputTokens < 1 || m.maxOutputTokens > m.contextLength)) {
      problems.push(`metering.prices.models.${i}.maxOutputTokens: must be 1..contextLength for a chat model`);
    }
    if (m.cacheWriteLong !== undefined && m.cacheWrite === undefined) {
      problems.push(`metering.prices.models.${i}.cacheWriteLong: needs cacheWrite (the shorter lifetime's price)`);
    }
  });
  return problems;
}

/** Load every catalog/*.json; the file name must be the slug. */
export function loadCatalog(dir: string = catalogDir): Map<string, Integration> {
  const catalog = new Map<string, Integration>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".json") && !f.endsWith(".schema.json")).sort()) {
    const file = join(dir, name);
    const integration = loadIntegrationFile(file);
    if (integration.slug !== basename(name, ".json")) {
      throw new CatalogError("CATALOG_INVALID", `${name}: slug "${integration.slug}" must match the file name`);
    }
    catalog.set(integration.slug, integration);
  }
  return catalog;
}
