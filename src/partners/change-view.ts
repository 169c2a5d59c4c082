// What the change log means to one partner, pure: each entry is judged with the feeds' own licence
// rule (`covers`) on the article as it was and as it is, so the change feed and the partner feeds
// can never disagree on what a licence covers. No I/O: the route reads pages, this decides.
import { CHANGE_PAGE_SIZE, type ChangeEntry, type ChangePage, type Coverage } from "../feeds/change-log";
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

/**
 * Walks the log's pages from position `after`: takes the partner's changes until `limit`, until a
 * page that is not complete (the end of the log, as far as this read can see), or until `maxPages`
 * pages were read. Only a complete page leads to the next, so nothing is ever skipped.
 */
export async function walkChanges(r: {
  entitlement: Entitlement;
  after: number;
  limit: number;
  expired: boolean;
  first: ChangePage | null;
  loadPage: (page: number) => Promise<ChangePage | null>;
  maxPages: number;
}): Promise<{ changes: PartnerChange[]; resumeAfter: number }> {
  const changes: PartnerChange[] = [];
  let resumeAfter = r.after;
  let page = r.first;
  for (let reads = 1; page !== null; reads++) {
    const view = partnerChanges(r.entitlement, page.entries, resumeAfter, r.limit - changes.length, r.expired);
    changes.push(...view.changes);
    resumeAfter = view.resumeAfter;
    if (changes.length >= r.limit || !pageComplete(page) || reads >= r.maxPages) break;
    page = await r.loadPage(page.page + 1);
  }
  return { changes, resumeAfter };
}

/** Does a page hold all its positions (so the log goes on in the next)? A page read behind shows fewer. */
export function pageComplete(page: ChangePage): boolean {
  return page.entries.at(-1)?.seq === (page.page + 1) * CHANGE_PAGE_SIZE - 1;
}

/**
 * A change shown with its item whose item has not reached this location yet ends the answer just
 * before it, so the client asks for it again rather than missing it.
 */
export function untilMissingItem(
  walked: { changes: PartnerChange[]; resumeAfter: number },
  hasItem: (seq: number) => boolean,
): { changes: PartnerChange[]; resumeAfter: number } {
  const missing = walked.changes.findIndex((t) => t.type !== "withdrawn" && !hasItem(t.entry.seq));
  if (missing < 0) return walked;
  return { changes: walked.changes.slice(0, missing), resumeAfter: walked.changes[missing]!.entry.seq - 1 };
}
