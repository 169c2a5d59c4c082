// GET /partner/changes: every change the partner's licence covers, in log order, each once, as
// ninjs, resumable with a cursor. A pull is the key's digest and a log page read from KV in
// parallel, one PartnerDesk RPC (key, rate limit, count under `changes`), further pages only when
// the partner's view of one page is too sparse, and one bulk read of the items shown. Items were
// rendered when the article was accepted; the partner's licence is filled into their holes here.
import { Hono } from "hono";
import { publicBaseUrl } from "../config/publication";
import { type ChangePage, DEFAULT_CHANGES_LIMIT, MAX_CHANGES_LIMIT, pageOf } from "../feeds/change-log";
import { linkHeader, syndicationLicense } from "../feeds/http";
import { fillSlots, slotValues } from "../feeds/licence-slots";
import { canceledItem, type NinjsVersion } from "../feeds/render/ninjs";
import { ProblemError } from "../http/problem";
import { loadChangeHead, loadChangeItems, loadChangePage } from "./change-read";
import { untilMissingItem, walkChanges } from "./change-view";
import { CURSOR_MAX_LENGTH, decodeCursor, encodeCursor } from "./cursor";
import { partnerSlots } from "./entitlement";
import { licenceExpired } from "./model";
import { partnerLicenceTerms } from "./partner-feed";
import { keyPartner, PRIVATE, pull, requireKey } from "./pull-gate";

/** A narrow licence may see little of a page; one pull reads at most this many, then hands back a cursor. */
const MAX_PAGES_PER_PULL = 4;

interface ChangesQuery {
  cursor?: string;
  limit: number;
  ninjs: NinjsVersion;
}

export const partnerChangeFeed = new Hono<{ Bindings: Env }>();

partnerChangeFeed.get("/changes", async (c) => {
  const url = new URL(c.req.url);
  const key = requireKey(c.req.header("Authorization"), url);
  const query = parseChangesQuery(url.searchParams);
  const kv = c.env.FEEDS;
  const secret = c.env.ADMIN_TOKEN;
  const now = Date.now();

  const [partnerId, hash] = await keyPartner(kv, key, Promise.resolve());
  let after: number | null = null;
  if (query.cursor !== undefined) {
    after = await decodeCursor(secret, partnerId, query.cursor);
    if (after === null) throw badParam("cursor", "this is not a cursor given to you by this service; start again without one");
  }
  // The first page (or, without a cursor, the head) is read while the desk checks the key.
  const [{ partner }, first] = await Promise.all([
    pull(c.env, partnerId, { keyHash: hash, feed: "changes", now }),
    after === null ? loadChangeHead(kv) : loadChangePage(kv, pageOf(after + 1)),
  ]);
  let page: ChangePage | null;
  if (after === null) {
    const head = first as Awaited<ReturnType<typeof loadChangeHead>>;
    after = head ? head.first - 1 : 0;
    page = await loadChangePage(kv, pageOf(after + 1));
  } else {
    page = first as ChangePage | null;
    if (page === null) {
      const head = await loadChangeHead(kv);
      if (head && after + 1 < head.first) {
        throw new ProblemError(410, "This cursor points before the oldest change kept (30 days); start again without a cursor.", {
          headers: PRIVATE,
        });
      }
    }
  }

  const walked = await walkChanges({
    entitlement: partner,
    after,
    limit: query.limit,
    expired: licenceExpired(partner.license, now),
    first: page,
    loadPage: (n) => loadChangePage(kv, n),
    maxPages: MAX_PAGES_PER_PULL,
  });
  // Items of what is shown: one bulk read.
  const items = await loadChangeItems(
    kv,
    walked.changes.filter((t) => t.type !== "withdrawn").map((t) => t.entry.seq),
  );
  const { changes: taken, resumeAfter } = untilMissingItem(walked, (seq) => items.has(seq));

  const values = slotValues(partnerSlots(partner));
  const cursors = await Promise.all([
    ...taken.map((t) => encodeCursor(secret, partner.id, t.entry.seq)),
    encodeCursor(secret, partner.id, resumeAfter),
  ]);
  const changes = taken.map(({ entry, type }, i) => {
    const at = new Date(entry.at).toISOString();
    const item =
      type === "withdrawn" ? canceledItem(entry.id, entry.version, at, query.ninjs) : fillSlots(items.get(entry.seq)![query.ninjs], values);
    return `{"cursor":"${cursors[i]}","type":"${type}","id":${JSON.stringify(entry.id)},"version":${entry.version},"at":"${at}","item":${item}}`;
  });
  const next = cursors.at(-1)!;
  const base = publicBaseUrl(c.env, c.req.url);
  const nextUrl = `${base}/partner/changes?cursor=${next}${query.limit !== DEFAULT_CHANGES_LIMIT ? `&limit=${query.limit}` : ""}${query.ninjs !== "2.2" ? `&ninjs=${query.ninjs}` : ""}`;
  return new Response(`{"changes":[${changes.join(",")}],"next_cursor":"${next}"}`, {
    status: 200,
    headers: {
      ...PRIVATE,
      "Content-Type": "application/json; charset=utf-8",
      Link: linkHeader([
        { url: nextUrl, rel: "next" },
        { url: partner.license.url, rel: "license" },
      ]),
      "Syndication-License": syndicationLicense(partnerLicenceTerms(partner)),
      "X-Content-Type-Options": "nosniff",
    },
  });
});

function parseChangesQuery(params: URLSearchParams): ChangesQuery {
  const single = (name: string): string | undefined => {
    const values = params.getAll(name);
    if (values.length > 1) throw badParam(name, `give "${name}" once`);
    return values[0];
  };
  const cursor = single("cursor");
  if (cursor !== undefined && (cursor.length === 0 || cursor.length > CURSOR_MAX_LENGTH)) {
    throw badParam("cursor", "this is not a cursor given to you by this service; start again without one");
  }
  const limitText = single("limit");
  const limit = limitText === undefined ? DEFAULT_CHANGES_LIMIT : Number(limitText);
  if (limitText !== undefined && (!/^\d{1,3}$/.test(limitText) || limit < 1 || limit > MAX_CHANGES_LIMIT)) {
    throw badParam("limit", `limit is a whole number from 1 to ${MAX_CHANGES_LIMIT}`);
  }
  const ninjs = single("ninjs") ?? "2.2";
  if (ninjs !== "2.2" && ninjs !== "3.1") throw badParam("ninjs", 'ninjs is "2.2" or "3.1"');
  return { ...(cursor !== undefined ? { cursor } : {}), limit, ninjs };
}

function badParam(name: string, detail: string): ProblemError {
  return new ProblemError(400, `Invalid query parameter "${name}": ${detail}.`, {
    errors: [{ pointer: `#/query/${name}`, detail }],
    headers: PRIVATE,
  });
}
