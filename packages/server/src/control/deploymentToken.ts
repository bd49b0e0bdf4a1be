// Deployment tokens (vendo_dt_…): authorize only GET /deployments/<own id>/env. Stored as a hash
// for lookups and sealed so the operator or tenant can retrieve it for `vendo run`.
import { hashKey, randomBase62 } from "../security/apiKeys.js";
import type { SecretBox } from "../security/secretBox.js";

export const DEPLOYMENT_TOKEN_PREFIX = "vendo_dt_";

export interface MintedDeploymentToken {
  plaintext: string;
  columns: { token_hash: string; token_enc: string; token_prefix: string };
}

export function mintDeploymentToken(secrets: SecretBox): MintedDeploymentToken {
  const plaintext = DEPLOYMENT_TOKEN_PREFIX + randomBase62(40);
  return {
    plaintext,
    columns: {
      token_hash: hashKey(plaintext),
      token_enc: secrets.seal(plaintext),
      token_prefix: plaintext.slice(0, DEPLOYMENT_TOKEN_PREFIX.length + 4),
    },
  };
}
