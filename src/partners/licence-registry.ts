// The licence registry: the one Durable Object that owns licence ids. A licence id names one partner's
// licence page (/licenses/{id}); claiming one is a single synchronous SQLite step here, so two partners
// can never both take an id, and the registry is the only writer of licence pages in KV, so a page
// released by one partner and claimed by another is written in the order the claims were made.
import { DurableObject } from "cloudflare:workers";
import { licenceKey } from "../storage/kv-keys";
import { KV_PUBLISHER_TABLES, KvPublisher } from "../storage/kv-publisher";
import { migrate } from "../storage/migrations";
import type { LicenceRecord } from "./model";

/** The registry's SQLite schema as ordered steps (src/storage/migrations.ts): append a step, never edit one. */
const REGISTRY_MIGRATIONS: readonly string[] = [
  // `partner` is NULL once released: the id is known to be free (no need to ask KV about it).
  `CREATE TABLE licences (id TEXT PRIMARY KEY, partner TEXT);
   CREATE INDEX licences_by_partner ON licences (partner);
   ${KV_PUBLISHER_TABLES}`,
];

export function licenceRegistry(env: Env) {
  return env.LICENCES.get(env.LICENCES.idFromName("licences"));
}

export class LicenceRegistry extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly publisher: KvPublisher;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(ctx.storage, REGISTRY_MIGRATIONS);
    this.publisher = new KvPublisher(ctx.storage, () => this.env.FEEDS);
  }

  /**
   * Gives `record.id` to `partner` and publishes its page, unless another partner holds it (false).
   * Every other id the partner held is released and its page deleted; `previous` names the id the
   * partner's desk last held, for ids claimed before this registry existed.
   */
  async claim(partner: string, record: LicenceRecord, previous: string | null): Promise<boolean> {
    // Ids this registry has never seen may still be held by a page published before it existed.
    const unknown = (id: string) => this.holder(id) === undefined;
    const legacy = unknown(record.id)
      ? (await this.env.FEEDS.get<{ partner?: string }>(licenceKey(record.id), "json"))?.partner
      : undefined;
    const claimed = this.ctx.storage.transactionSync(() => {
      const holder = this.holder(record.id) ?? legacy ?? null;
      if (holder !== null && holder !== partner) {
        // Remember a legacy holder, so the next claim needs no KV read.
        this.sql.exec("INSERT OR IGNORE INTO licences (id, partner) VALUES (?, ?)", record.id, holder);
        return false;
      }
      const released = this.sql
        .exec<{ id: string }>("SELECT id FROM licences WHERE partner = ? AND id <> ?", partner, record.id)
        .toArray()
        .map((r) => r.id);
      if (previous !== null && previous !== record.id && unknown(previous)) released.push(previous);
      for (const id of released) {
        this.sql.exec("INSERT INTO licences (id, partner) VALUES (?, NULL) ON CONFLICT (id) DO UPDATE SET partner = NULL", id);
        this.publisher.enqueue({ key: licenceKey(id), value: null });
      }
      this.sql.exec(
        "INSERT INTO licences (id, partner) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET partner = excluded.partner",
        record.id,
        partner,
      );
      this.publisher.enqueue({ key: licenceKey(record.id), value: JSON.stringify(record) });
      return true;
    });
    await this.publisher.schedule();
    return claimed;
  }

  /** Delivers the licence pages, at most once a second per key, retrying. */
  async alarm(): Promise<void> {
    await this.publisher.publishDue();
    await this.publisher.schedule();
  }

  /** The partner holding `id`; null when released; undefined when this registry has never seen it. */
  private holder(id: string): string | null | undefined {
    const row = this.sql.exec<{ partner: string | null }>("SELECT partner FROM licences WHERE id = ?", id).toArray()[0];
    return row ? row.partner : undefined;
  }
}
