// Forward-only, versioned migrations shared by SQLite and PostgreSQL. Add a file, add it here;
// never edit one that has shipped.
import type { Kysely, Migration, MigrationProvider } from "kysely";
import type { Dialect } from "../dialect.js";
import * as initial from "./001_initial.js";
import * as deploymentTokens from "./002_deployment_tokens.js";
import * as twoPhaseDoubleEntry from "./003_two_phase_double_entry.js";
import * as indexDiet from "./004_index_diet.js";
import * as changeFeed from "./005_change_feed.js";
import * as keyAllowedOrigins from "./006_key_allowed_origins.js";
import * as watchKeyPolicy from "./008_watch_key_policy.js";
import * as dashboard from "./009_dashboard.js";

type DialectMigration = { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> };

const migrations: Record<string, DialectMigration> = {
  "001_initial": initial,
  "002_deployment_tokens": deploymentTokens,
  "003_two_phase_double_entry": twoPhaseDoubleEntry,
  "004_index_diet": indexDiet,
  "005_change_feed": changeFeed,
  "006_key_allowed_origins": keyAllowedOrigins,
  "008_watch_key_policy": watchKeyPolicy,
  "009_dashboard": dashboard,
};

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return Object.fromEntries(
        Object.entries(migrations).map(([name, m]) => [name, { up: (db: Kysely<unknown>) => m.up(db, dialect) }]),
      );
    },
  };
}
