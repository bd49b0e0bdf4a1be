// The operator's upstream credentials per integration, decrypted in memory, handed out round
// robin. A credential that failed sits out a cooldown so the next calls go to the others.
import type { Store } from "../store/db.js";
import type { SecretBox } from "../security/secretBox.js";

export interface UpstreamCredential {
  /** pool_credentials.id, or "byok" for a tenant's own key. */
  id: string;
  secret: string;
}

/** What the operator's dashboard shows of a credential's health (no secret): a read-only snapshot. */
export interface CredentialHealth {
  id: string;
  integration: string;
  /** Enabled and baselined: calls may be sent with it. */
  inRotation: boolean;
  /** Epoch ms until which it sits out after a refusal or connection error; null when it does not. */
  coolingUntil: number | null;
  /** Cool-downs (refusals, connection errors) since this process started, and the last one's time. */
  cooldowns: number;
  lastCooldownAt: number | null;
}

export function createCredentialPool(store: Store, secrets: SecretBox, onUnreadable: (credentialId: string, err: Error) => void = () => undefined) {
  // Every credential (disabled ones too: their calls are still looked up and reconciled) …
  let known = new Map<string, UpstreamCredential & { integration: string }>();
  // … and, per integration, the ones calls may use: enabled, and baselined against the
  // upstream's usage (ledger/reconciliation.ts, establishBaselines).
  let byIntegration = new Map<string, UpstreamCredential[]>();
  const cursor = new Map<string, number>();
  const coolingUntil = new Map<string, number>();
  const cooldowns = new Map<string, { count: number; lastAt: number }>();

  return {
    /** Loads the pool from the store; returns the enabled credentials that await their baseline. */
    async reload(): Promise<string[]> {
      const rows = await store.db.selectFrom("pool_credentials").select(["id", "integration", "secret_enc", "disabled_at", "baseline_usage"]).orderBy("id").execute();
      const nextKnown = new Map<string, UpstreamCredential & { integration: string }>();
      const unbaselined: string[] = [];
      const next = new Map<string, UpstreamCredential[]>();
      for (const row of rows) {
        let secret = known.get(row.id)?.secret;
        if (secret === undefined) {
          try {
            secret = secrets.open(row.secret_enc);
          } catch (err) {
            // Sealed with a key this instance does not hold (a rotation under way): use the others.
            onUnreadable(row.id, err as Error);
            continue;
          }
        }
        const credential = { id: row.id, secret };
        nextKnown.set(row.id, { ...credential, integration: row.integration });
        if (row.disabled_at !== null) continue;
        if (row.baseline_usage === null) {
          unbaselined.push(row.id);
          continue;
        }
        const list = next.get(row.integration) ?? [];
        list.push(credential);
        next.set(row.integration, list);
      }
      known = nextKnown;
      byIntegration = next;
      return unbaselined;
    },
    /** Credentials to try for one call, in order: the next in rotation first, cooling ones last. */
    candidates(integration: string, now: number, max = 3): UpstreamCredential[] {
      const all = byIntegration.get(integration) ?? [];
      if (all.length === 0) return [];
      const start = (cursor.get(integration) ?? 0) % all.length;
      cursor.set(integration, start + 1);
      const ready: UpstreamCredential[] = [];
      const cooling: UpstreamCredential[] = [];
      for (let i = 0; i < all.length; i++) {
        const c = all[(start + i) % all.length] as UpstreamCredential;
        ((coolingUntil.get(c.id) ?? 0) <= now ? ready : cooling).push(c);
      }
      return ready.concat(cooling).slice(0, max);
    },
    coolDown(credentialId: string, ms: number, now: number): void {
      coolingUntil.set(credentialId, now + ms);
      const seen = cooldowns.get(credentialId);
      cooldowns.set(credentialId, { count: (seen?.count ?? 0) + 1, lastAt: now });
    },
    /** Each known credential's health now (for the operator's dashboard; changes nothing). */
    health(now: number): CredentialHealth[] {
      return [...known.values()].map((c) => {
        const until = coolingUntil.get(c.id) ?? 0;
        const seen = cooldowns.get(c.id);
        return {
          id: c.id,
          integration: c.integration,
          inRotation: (byIntegration.get(c.integration) ?? []).some((r) => r.id === c.id),
          coolingUntil: until > now ? until : null,
          cooldowns: seen?.count ?? 0,
          lastCooldownAt: seen?.lastAt ?? null,
        };
      });
    },
    /** A credential by id, enabled or not. */
    find(integration: string, credentialId: string): UpstreamCredential | undefined {
      const credential = known.get(credentialId);
      return credential && credential.integration === integration ? credential : undefined;
    },
  };
}

export type CredentialPool = ReturnType<typeof createCredentialPool>;
