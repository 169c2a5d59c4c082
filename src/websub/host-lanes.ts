// Which callback requests a hub instance has claimed, and the per-host lanes they run in: at most
// HOST_IN_FLIGHT requests to one host at a time, each lane starting the host's next request as one ends,
// so the hub can never flood a host, and a host with hundreds of callbacks is not served one alarm run at a time.
import { DELIVERY_TIMEOUT_MS, VERIFY_TIMEOUT_MS } from "./callback-requests";

/** Requests started per alarm run (Workers allow 1,000 subrequests per invocation on paid plans, 50 on free). */
export const BATCH = 40;
/** Requests in flight at once to one callback host, per shard: a host with many callbacks is served in turn. */
export const HOST_IN_FLIGHT = 4;
/**
 * Requests one host may have claimed in an instance (in flight, or queued for one of its HOST_IN_FLIGHT slots):
 * a reader service with hundreds of callbacks at one host is served by a few lanes that start its next request
 * as soon as one ends, not one alarm run per HOST_IN_FLIGHT requests.
 */
const HOST_CLAIMED = BATCH;
/** A claimed request that never reported back (the object was restarted) is tried again after this. */
export const CLAIM_MS = Math.max(VERIFY_TIMEOUT_MS, DELIVERY_TIMEOUT_MS) + 5000;

export class HostLanes {
  /** Requests this instance has claimed and not yet recorded, by key (→ host); their rows are also claimed in SQLite. */
  private readonly claimed = new Map<string, string>();
  /** Per callback host: requests under way, and those waiting for a slot (at most HOST_IN_FLIGHT under way). */
  private readonly slots = new Map<string, { busy: number; waiting: (() => void)[] }>();

  /** Up to `room` rows, at most HOST_CLAIMED claimed per host (counting what is already), none already claimed. */
  pick<T extends { host: string }>(rows: T[], room: number, key: (row: T) => string): T[] {
    const perHost = new Map<string, number>();
    for (const host of this.claimed.values()) perHost.set(host, (perHost.get(host) ?? 0) + 1);
    const picked: T[] = [];
    for (const row of rows) {
      if (picked.length >= room) break;
      const k = key(row);
      const n = perHost.get(row.host) ?? 0;
      if (this.claimed.has(k) || n >= HOST_CLAIMED) continue;
      perHost.set(row.host, n + 1);
      this.claimed.set(k, row.host);
      picked.push(row);
    }
    return picked;
  }

  /** The request's outcome is recorded (or it was given up): its key may be claimed again. */
  release(key: string): void {
    this.claimed.delete(key);
  }

  /** Runs `request` once the host has a free slot: at most HOST_IN_FLIGHT requests to one host at a time. */
  async run<T>(host: string, request: () => Promise<T>): Promise<T> {
    let slots = this.slots.get(host);
    if (!slots) {
      slots = { busy: 0, waiting: [] };
      this.slots.set(host, slots);
    }
    if (slots.busy < HOST_IN_FLIGHT) slots.busy++;
    else await new Promise<void>((resolve) => slots.waiting.push(resolve)); // the slot is handed over as it stays busy
    try {
      return await request();
    } finally {
      const next = slots.waiting.shift();
      if (next) next();
      else if (--slots.busy === 0) this.slots.delete(host);
    }
  }
}
