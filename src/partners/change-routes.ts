// GET /partner/changes: every change the partner's licence covers, in log order, each once, as
// ninjs, resumable with a cursor. A pull reads the key's digest and, in parallel, the log from where
// it starts (the page, then the items of its entries that show an article: src/partners/change-read.ts)
// while one PartnerDesk RPC checks the key, rate limit and licence and counts the pull under `changes`;
// further pages (and their items) only when the partner's view is too sparse. Items were
// rendered when the article was accepted; the partner's licence is filled into their holes here.
import { Hono } from "hono";
import { publicBaseUrl } from "../config/publication";
import { DEFAULT_CHANGES_LIMIT, MAX_CHANGES_LIMIT, pageOf } from "../feeds/change-log";
import { linkHeader, syndicationLicense } from "../feeds/http";
import { memoWindowMs } from "../feeds/isolate-memo";
import { fillSlots, slotValues } from "../feeds/licence-slots";
import { canceledItem, type NinjsVersion } from "../feeds/render/ninjs";
import { ProblemError } from "../http/problem";
import { loadChangeHead, loadChangeItems, readAhead } from "./change-read";
import { untilMissingItem, walkChanges } from "./change-view";
import { CURSOR_MAX_LENGTH, decodeCursor, encodeCursor, peekCursor } from "./cursor";
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
  const memoMs = memoWindowMs(c.env);

  // Where the pull starts is known before the partner is (the cursor's claim, checked below, or the head),
  // so the log is read from there while the key is looked up and the desk asked.
  const start =
    query.cursor === undefined
      ? loadChangeHead(kv, memoMs).then((head) => (head ? head.first - 1 : 0))
      : peekCursor(secret, query.cursor).then((claimed) => claimed ?? 0);
  let ahead = start.then((from) => readAhead(kv, from, query.limit, memoMs));
  ahead.catch(() => {});

  const [partnerId, hash] = await keyPartner(kv, key, Promise.resolve(), memoMs);
  let after = await start;
  if (query.cursor !== undefined) {
    const decoded = await decodeCursor(secret, partnerId, query.cursor);
    if (decoded === null) throw badParam("cursor", "this is not a cursor given to you by this service; start again without one");
    if (decoded !== after) ahead = Promise.resolve(readAhead(kv, decoded, query.limit, memoMs));
    after = decoded;
  }
  const [{ partner }, read] = await Promise.all([pull(c.env, partnerId, { keyHash: hash, feed: "changes", now }), ahead]);
  const page = await read.page(pageOf(after + 1));
  if (page === null && query.cursor !== undefined) {
    const head = await loadChangeHead(kv);
    if (head && after + 1 < head.first) {
      throw new ProblemError(410, "This cursor points before the oldest change kept (30 days); start again without a cursor.", {
        headers: PRIVATE,
      });
    }
  }

  const walked = await walkChanges({
    entitlement: partner,
    after,
    limit: query.limit,
    expired: licenceExpired(partner.license, now),
    first: page,
    loadPage: (n) => read.page(n),
    maxPages: MAX_PAGES_PER_PULL,
  });
  // Items of what is shown: read ahead; those of further pages in one more bulk read.
  const shown = walked.changes.filter((t) => t.type !== "withdrawn").map((t) => t.entry.seq);
  const [items, asked] = await Promise.all([read.items, read.asked]);
  const rest = shown.filter((seq) => !asked.has(seq));
  if (rest.length) for (const [seq, item] of await loadChangeItems(kv, rest, memoMs)) items.set(seq, item);
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
