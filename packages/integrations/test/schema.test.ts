// A broken catalog entry must fail loading with CATALOG_INVALID, naming the file and the field.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CatalogError, loadCatalog, loadIntegrationFile } from "../src/index.ts";
import { at, tempDir, writeEntry } from "./support/tempCatalog.ts";

type Entry = Record<string, unknown>;

/** Loading `weather` after `change` must fail naming the file and every `expected` fragment. */
function assertRejected(change: (entry: Entry) => void, ...expected: RegExp[]): void {
  const file = writeEntry(tempDir(), "weatherly.json", change);
  assert.throws(
    () => loadIntegrationFile(file),
    (err) => {
      assert.ok(err instanceof CatalogError, String(err));
      assert.equal(err.code, "CATALOG_INVALID");
      assert.match(err.message, /weatherly\.json: /);
      for (const e of expected) assert.match(err.message, e);
      return true;
    },
  );
}

describe("loadIntegrationFile rejects, naming file and field", () => {
  it("a missing field", () => assertRejected((e) => delete e.tagline, /tagline: /));

  it("a field of the wrong type", () =>
    assertRejected((e) => (at(e, "profiles", 0).default = "yes"), /profiles\.0\.default: .*boolean/));

  it("an unknown field", () => assertRejected((e) => (e.pricing = {}), /\(root\): .*pricing/));

  it("a bad enum value", () =>
    assertRejected((e) => (at(e, "envVars", 0).source = "vendo_secret"), /envVars\.0\.source: /));

  it("a host pattern without {domain}", () =>
    assertRejected((e) => (((e.proxy as Entry).hostPattern = "{slug}.example.com")), /proxy\.hostPattern: .*\{domain\}/));

  it("two default profiles", () =>
    assertRejected((e) => {
      const profiles = e.profiles as Entry[];
      profiles.push({ ...profiles[0], id: "second" });
    }, /profiles: exactly one profile must have default: true/));

  it("no default profile", () =>
    assertRejected((e) => (at(e, "profiles", 0).default = false), /profiles: exactly one profile must have default: true/));

  it("duplicate profile ids", () =>
    assertRejected((e) => {
      const profiles = e.profiles as Entry[];
      profiles.push({ ...profiles[0], default: false });
    }, /profiles: ids must be unique/));

  it("an env var naming an unknown profile", () =>
    assertRejected((e) => (at(e, "envVars", 1).profiles = ["vendo_managed_pool", "byo"]), /envVars\.1\.profiles: unknown profile "byo"/));

  it("a metadata source without metadataKey", () =>
    assertRejected((e) => delete at(e, "envVars", 2).metadataKey, /envVars\.2\.metadataKey: required when source is connection_metadata/));

  it("a metadataKey on another source", () =>
    assertRejected((e) => (at(e, "envVars", 0).metadataKey = "region"), /envVars\.0\.metadataKey: only allowed/));

  it("duplicate env var names", () =>
    assertRejected((e) => (at(e, "envVars", 1).name = "WEATHERLY_KEY"), /envVars: names must be unique/));

  it("no env var carrying the Vendo-issued key", () =>
    assertRejected((e) => (e.envVars = (e.envVars as Entry[]).slice(1)), /exactly one env var must have source vendo_api_key/));

  it("two base-URL env vars", () =>
    assertRejected((e) => (at(e, "envVars", 2).source = "proxy_base_url"), /exactly one env var must have source proxy_base_url/));

  it("no base-URL env var", () =>
    assertRejected((e) => (e.envVars = (e.envVars as Entry[]).filter((_, i) => i !== 1)), /exactly one env var must have source proxy_base_url/));

  it("a proxied path outside basePath", () =>
    assertRejected((e) => (at(e.proxy as Entry, "paths", 0).path = "/v1/forecast"), /proxy\.paths\.0\.path: must start with basePath \/v2/));

  it("a file that is not JSON", () => {
    const file = join(tempDir(), "weatherly.json");
    writeFileSync(file, "{ slug: weatherly");
    assert.throws(() => loadIntegrationFile(file), (err) => err instanceof CatalogError && /weatherly\.json: not valid JSON/.test(err.message));
  });
});

describe("loadCatalog", () => {
  it("loads every entry of a directory by slug, skipping the JSON Schema", () => {
    const dir = tempDir();
    writeEntry(dir, "weatherly.json", () => {});
    writeFileSync(join(dir, "integration.schema.json"), "{}");
    assert.deepEqual([...loadCatalog(dir).keys()], ["weatherly"]);
  });

  it("rejects a slug that is not the file name", () => {
    const dir = tempDir();
    writeEntry(dir, "weather.json", () => {});
    assert.throws(
      () => loadCatalog(dir),
      (err) => err instanceof CatalogError && err.code === "CATALOG_INVALID" && /weather\.json: slug "weatherly" must match the file name/.test(err.message),
    );
  });
});
