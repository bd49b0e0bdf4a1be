import type { Kysely } from "kysely";
import type { Dialect } from "../dialect.js";

// Browser apps (CORS): the web origins a key may be used from, as a JSON array of serialized
// origins ("https://app.example.com") or ["*"] for any origin. Null, the default, allows none:
// a key is usable from servers only until its owner names the sites that may call with it.
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable("api_keys").addColumn("allowed_origins", "text").execute();
}
