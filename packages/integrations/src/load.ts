import { readdirSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CatalogError } from "./errors.js";
import { IntegrationSchema, type Integration } from "./schema.js";

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
