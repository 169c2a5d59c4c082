// What the change log means to one partner, pure: each entry is judged with the feeds' own licence
// rule (`covers`) on the article as it was and as it is, so the change feed and the partner feeds
// can never disagree on what a licence covers. No I/O: the route reads pages, this decides.
import type { ChangeEntry, Coverage } from "../feeds/change-log";
import { covers } from "./entitlement";
import type { Entitlement } from "./model";

export type ChangeType = "published" | "updated" | "withdrawn";

export interface PartnerChange {
  entry: ChangeEntry;
  type: ChangeType;
}

function visibleTo(entitlement: Entitlement, coverage: Coverage | null): boolean {
  return coverage?.visible === true && covers(entitlement, coverage);
}

/**
 * `published` when the article becomes visible to the partner, `updated` for a new version while it
 * stays visible, `withdrawn` when it stops being visible (withdrawn, or no longer covered); null when
 * the partner never saw it either side. After the licence ends only withdrawals still reach it.
 */
export function changeType(entitlement: Entitlement, entry: ChangeEntry, expired: boolean): ChangeType | null {
  const was = visibleTo(entitlement, entry.before);
  const is = visibleTo(entitlement, entry.after);
  const type: ChangeType | null = was && !is ? "withdrawn" : is ? (was ? "updated" : "published") : null;
  return expired && type !== "withdrawn" ? null : type;
}

/**
 * The partner's changes among `entries` (in log order) after position `after`, at most `limit`, and
 * the position a client resumes after: the last change taken, or the last entry looked at.
 */
export function partnerChanges(
  entitlement: Entitlement,
  entries: readonly ChangeEntry[],
  after: number,
  limit: number,
  expired: boolean,
): { changes: PartnerChange[]; resumeAfter: number } {
  const changes: PartnerChange[] = [];
  let resumeAfter = after;
  for (const entry of entries) {
    if (entry.seq <= after) continue;
    const type = changeType(entitlement, entry, expired);
    resumeAfter = entry.seq;
    if (type === null) continue;
    changes.push({ entry, type });
    if (changes.length >= limit) break;
  }
  return { changes, resumeAfter };
}
