// The control API's contract: every endpoint and its schemas, shared by the server and the CLI.
import { deploymentEndpoints } from "./deployments.js";
import { keyEndpoints } from "./keys.js";
import { moneyEndpoints } from "./money.js";
import { poolEndpoints } from "./pools.js";
import { tenantEndpoints } from "./tenants.js";

export const endpoints = {
  ...tenantEndpoints,
  ...moneyEndpoints,
  ...keyEndpoints,
  ...deploymentEndpoints,
  ...poolEndpoints,
};

export type Endpoints = typeof endpoints;
export type EndpointName = keyof Endpoints;

export * from "./common.js";
export * from "./endpoint.js";
export * from "./tenants.js";
export * from "./money.js";
export * from "./keys.js";
export * from "./deployments.js";
export * from "./pools.js";
