// What every part of a running instance shares: configuration, store, secrets, catalog, logger.
import type { Integration } from "@vendo/integrations";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { ServerConfig } from "./config.js";
import type { SecretBox } from "./security/secretBox.js";
import type { Store } from "./store/db.js";

export interface ServerContext {
  config: ServerConfig;
  store: Store;
  secrets: SecretBox;
  catalog: ReadonlyMap<string, Integration>;
  logger: Logger;
  /** The shared rate limits' Redis (REDIS_URL), or null: each instance keeps its own buckets. */
  redis: Redis | null;
  /** shuttingDown turns true as soon as close() begins: /readyz answers 503 from then on. */
  lifecycle: { shuttingDown: boolean };
  /** Random per process start: holds carry it so orphans of a dead instance can be found. */
  instanceId: string;
  /** This server's base URL (VENDO_API_URL for deployments). */
  apiUrl(): string;
  /** The public proxy URL of an integration, without its API base path (no /v1). */
  proxyUrl(slug: string): string;
  /** The upstream base URL of an integration (catalog's, or an override such as a sandbox). */
  upstreamUrl(slug: string): string;
}
