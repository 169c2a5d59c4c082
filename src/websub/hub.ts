// The WebSub hub, one Durable Object per section (its shard): the subscriptions to that section's
// feeds, their pending verifications, each topic's newest body and the deliveries still owed.
// A popular section's fan-out runs in its own object, so it cannot slow another section's.
//
// Everything the hub owes a subscriber is a row in SQLite before any request is made, and its alarm
// makes the requests (verifications of intent, then deliveries): a crash or restart loses nothing, it
// only repeats what had not been confirmed. SQLite is read and written synchronously, never across
// an await of anything else, so concurrent calls cannot interleave between a read and its write.
// The jobs live beside it: subscriptions.ts (requests, listing), topic-render.ts (a publish),
// verification.ts, delivery.ts, leases.ts, and host-lanes.ts (claims and per-host limits).
import { DurableObject } from "cloudflare:workers";
import type { PublishedSection } from "../feeds/publish";
import type { WebSubSubscription } from "../model/websub.gen";
import { websubListeningKey } from "../storage/kv-keys";
import { migrate } from "../storage/migrations";
import { claimDeliveries, deliverClaimed, TopicBodies } from "./delivery";
import { BATCH, HostLanes } from "./host-lanes";
import { expireLeases } from "./leases";
import { HUB_MIGRATIONS } from "./schema";
import { signatureMethod } from "./signature";
import type { SubscribeRequest } from "./subscribe-request";
import { hasSubscriptions, listSubscriptions, type RequestOutcome, recordRequest } from "./subscriptions";
import type { TopicSpec } from "./topic";
import { MIN_PUSH_INTERVAL_MS, recordPublished, renderRecorded } from "./topic-render";
import { claimIntents, verifyClaimed } from "./verification";

/** A run waits this long for its requests; slower ones finish on their own and record their outcome then. */
const RUN_WINDOW_MS = 1500;
/** When a run could start nothing, the next look is this much later (finished requests re-arm sooner). */
const IDLE_RECHECK_MS = 500;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class WebSubHub extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** Whether this instance has written the section's "listening" flag for the Newsroom (see websubListeningKey). */
  private listening = false;
  /** The requests this instance has claimed, and the per-host lanes they run in. */
  private readonly lanes = new HostLanes();
  /** Each topic's newest body as last read, so a push reads ~60–70 KB from SQLite only when the body changed. */
  private readonly bodies = new TopicBodies();
  /** The rendering of recorded publishes under way, if any (one at a time). */
  private rendering: Promise<void> | null = null;
  /**
   * When this instance last rendered a new body (from the rendering's start): the next publish waits until
   * MIN_PUSH_INTERVAL_MS after it. In memory only: a restarted instance renders its first publish at once, which
   * may cost one push more, never one lost.
   */
  private readonly clock = (() => {
    let last = 0;
    return {
      notBefore: () => last + MIN_PUSH_INTERVAL_MS,
      pushed: (at: number) => {
        last = at;
      },
    };
  })();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(ctx.storage, HUB_MIGRATIONS);
  }

  // --- subscribing -----------------------------------------------------------------------------

  /** Records a (un)subscription request for verification; a newer request for the same pair replaces a pending one. */
  async request(req: SubscribeRequest): Promise<RequestOutcome> {
    const outcome = recordRequest(this.sql, req, Date.now());
    if (outcome.ok) await this.schedule();
    return outcome;
  }

  /** Does this shard have anyone to push to? The Newsroom sends a section's texts only when it does. */
  wants(): boolean {
    return hasSubscriptions(this.sql);
  }

  /** Subscriptions (and pending requests) of one topic, or of every topic in the shard. */
  list(topic: string | null): WebSubSubscription[] {
    return listSubscriptions(this.sql, topic, Date.now());
  }

  // --- publishing ------------------------------------------------------------------------------

  /**
   * A section's publish has landed in KV: recorded (a newer one replaces one not yet rendered), then rendered in
   * the background — at once, or at the end of the shard's minimum interval between pushes if it rendered less
   * than that ago — so the Newsroom waits for one SQLite write here, never for this shard's rendering or its
   * subscribers. The alarm renders it too if this instance goes away first.
   */
  async sectionPublished(published: PublishedSection): Promise<void> {
    recordPublished(this.sql, published, Math.max(Date.now(), this.clock.notBefore()));
    await this.schedule();
    this.ctx.waitUntil(this.renderPublished().then(() => this.schedule()));
  }

  /** The recorded publish, once due, rendered once at a time: a caller while it renders joins that rendering. */
  private renderPublished(): Promise<void> {
    this.rendering ??= renderRecorded(this.sql, this.env.FEEDS, this.clock).finally(() => {
      this.rendering = null;
    });
    return this.rendering;
  }

  // --- the alarm: verifications, deliveries, lease ends ------------------------------------------

  async alarm(): Promise<void> {
    await this.renderPublished();
    const now = Date.now();
    expireLeases(this.sql, now);
    const intents = claimIntents(this.sql, this.lanes, now);
    const deliveries = claimDeliveries(this.sql, this.lanes, now, BATCH - intents.length);
    const hub = { sql: this.sql, kv: this.env.FEEDS, lanes: this.lanes, bodies: this.bodies };
    const method = signatureMethod(this.env);
    const work = [
      ...intents.map((i) => verifyClaimed(hub, i, (spec) => this.nowListening(spec))),
      ...deliveries.map((d) => deliverClaimed(hub, d, method)),
    ];
    if (work.length) {
      const all = Promise.allSettled(work).then(() => this.schedule());
      // Slow callbacks finish on their own: the next run starts without them, so they hold no one else up.
      this.ctx.waitUntil(all);
      await Promise.race([all, sleep(RUN_WINDOW_MS)]);
    }
    // Nothing could start (every due request waits for its host's requests in flight): each of those
    // re-arms the alarm when it ends, so look again later rather than at once.
    await this.schedule(work.length ? 0 : IDLE_RECHECK_MS);
  }

  /** A subscription was confirmed: the Newsroom now signals this section (once per instance is enough). */
  private async nowListening(spec: TopicSpec): Promise<void> {
    if (this.listening) return;
    await this.env.FEEDS.put(websubListeningKey(spec.section), "1");
    this.listening = true;
  }

  /** Arms the alarm for the next thing owed: a publish to render, a verification, a delivery or a lease end. */
  private async schedule(notBeforeMs = 0): Promise<void> {
    const next = this.sql
      .exec<{ at: number | null }>(
        `SELECT MIN(at) AS at FROM (
           SELECT MIN(due_ms) AS at FROM intents UNION ALL SELECT MIN(due_ms) FROM deliveries UNION ALL SELECT MIN(expires_ms) FROM subscriptions
           UNION ALL SELECT MIN(received_ms) FROM published
         )`,
      )
      .one().at;
    if (next === null) return;
    const current = await this.ctx.storage.getAlarm();
    const at = Math.max(next, Date.now() + notBeforeMs);
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
  }
}
