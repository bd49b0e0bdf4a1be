// Deployment tokens (vendo_dt_…): authorize only GET /deployments/<own id>/env. Stored as a hash
// for lookups and sealed so the operator or tenant can retrieve it for `vendo run`.
import { DEPLOYMENT_TOKEN_PREFIX, mintKey } from "../security/apiKeys.js";
import type { SecretBox } from "../security/secretBox.js";

export { DEPLOYMENT_TOKEN_PREFIX };

export interface MintedDeploymentToken {
  plaintext: string;
  columns: { token_hash: string; token_enc: string; token_prefix: string };
}

export function mintDeploymentToken(secrets: SecretBox): MintedDeploymentToken {
  const key = mintKey(DEPLOYMENT_TOKEN_PREFIX);
  return { plaintext: key.plaintext, columns: { token_hash: key.hash, token_enc: secrets.seal(key.plaintext), token_prefix: key.prefix } };
}
