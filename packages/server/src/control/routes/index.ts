// Every control API route, one per file; index.ts of the control API registers them.
import type { Route } from "../defineRoute.js";
import { createConnection } from "./deployments/createConnection.js";
import { createDeployment } from "./deployments/createDeployment.js";
import { deleteConnection } from "./deployments/deleteConnection.js";
import { deleteDeployment } from "./deployments/deleteDeployment.js";
import { getDeployment } from "./deployments/getDeployment.js";
import { getDeploymentEnv } from "./deployments/getDeploymentEnv.js";
import { getDeploymentToken } from "./deployments/getDeploymentToken.js";
import { listConnections } from "./deployments/listConnections.js";
import { listDeployments } from "./deployments/listDeployments.js";
import { rotateDeploymentToken } from "./deployments/rotateDeploymentToken.js";
import { listIntegrations } from "./integrations/listIntegrations.js";
import { setMarkup } from "./integrations/setMarkup.js";
import { createKey } from "./keys/createKey.js";
import { deleteKey } from "./keys/deleteKey.js";
import { disableKey } from "./keys/disableKey.js";
import { getKey } from "./keys/getKey.js";
import { listKeys } from "./keys/listKeys.js";
import { updateKey } from "./keys/updateKey.js";
import { addCredits } from "./money/addCredits.js";
import { adjustBalance } from "./money/adjustBalance.js";
import { getBalanceRoute } from "./money/getBalance.js";
import { getUsage } from "./money/getUsage.js";
import { listLedgerEntries } from "./money/listLedgerEntries.js";
import { addPoolCredential } from "./pools/addPoolCredential.js";
import { disablePoolCredential } from "./pools/disablePoolCredential.js";
import { listPoolCredentials } from "./pools/listPoolCredentials.js";
import { createManagementKey } from "./tenants/createManagementKey.js";
import { createTenant } from "./tenants/createTenant.js";
import { getTenant } from "./tenants/getTenant.js";
import { listManagementKeys } from "./tenants/listManagementKeys.js";
import { listTenants } from "./tenants/listTenants.js";
import { resumeTenant } from "./tenants/resumeTenant.js";
import { revokeManagementKey } from "./tenants/revokeManagementKey.js";
import { suspendTenant } from "./tenants/suspendTenant.js";
import { whoami } from "./tenants/whoami.js";

export const routes: readonly Route[] = [
  whoami,
  createTenant,
  listTenants,
  getTenant,
  suspendTenant,
  resumeTenant,
  createManagementKey,
  listManagementKeys,
  revokeManagementKey,
  addCredits,
  adjustBalance,
  getBalanceRoute,
  listLedgerEntries,
  getUsage,
  createKey,
  listKeys,
  getKey,
  updateKey,
  disableKey,
  deleteKey,
  createDeployment,
  listDeployments,
  getDeployment,
  deleteDeployment,
  getDeploymentToken,
  rotateDeploymentToken,
  createConnection,
  listConnections,
  deleteConnection,
  getDeploymentEnv,
  addPoolCredential,
  listPoolCredentials,
  disablePoolCredential,
  listIntegrations,
  setMarkup,
];
