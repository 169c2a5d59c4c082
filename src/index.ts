// The Worker: one hono app, each area of the contract mounted from its own module.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { renderArchiveIndexPage, renderArchivePage } from "./discovery/archive-pages";
import { renderFeedPage } from "./discovery/feed-page";
import { ICON_PNGS } from "./discovery/icons.gen";
import { DOCUMENTED_PATHS } from "./discovery/openapi";
import { discovery } from "./discovery/routes";
import { archiveFeeds } from "./feeds/archive/routes";
import { type EdgePurgeMessage, purgeBatch, requestSectionPurge } from "./feeds/edge-cache";
import { feedFastPath } from "./feeds/fast-path";
import { publicFeeds } from "./feeds/routes";
import { onSectionPublished } from "./feeds/section-published";
import { documentedStatuses } from "./http/documented-statuses";
import { publicCors, securityHeaders } from "./http/headers";
import { ProblemError, problemResponse } from "./http/problem";
import { ingest } from "./ingest/routes";
import { newsroom } from "./newsroom/stub";
import { partnerAdmin } from "./partners/admin-routes";
import { partnerChangeFeed } from "./partners/change-routes";
import { partnerFeeds } from "./partners/feed-routes";
import { websub, websubAdmin } from "./websub/routes";
import { notifyHub } from "./websub/signal";

export const app = new Hono<{ Bindings: Env }>();

app.use("*", securityHeaders);
app.use("*", documentedStatuses(DOCUMENTED_PATHS));
const PUBLIC_CORS_PATHS = [
  "/feeds/*",
  "/zh-hans/feeds/*",
  "/feeds.opml",
  "/feeds-all.opml",
  "/zh-hans/feeds.opml",
  "/zh-hans/feeds-all.opml",
];
for (const path of [...PUBLIC_CORS_PATHS, ...Object.keys(ICON_PNGS), "/openapi.json"]) app.use(path, publicCors);

app.route("/v1/articles", ingest);
app.route("/feeds", publicFeeds(renderFeedPage, "zh-Hant"));
app.route("/zh-hans/feeds", publicFeeds(renderFeedPage, "zh-Hans"));
const archivePages = { archive: renderArchivePage, index: renderArchiveIndexPage };
app.route("/feeds", archiveFeeds(archivePages, "zh-Hant"));
app.route("/zh-hans/feeds", archiveFeeds(archivePages, "zh-Hans"));
app.route("/partner", partnerFeeds);
app.route("/partner", partnerChangeFeed);
app.route("/v1/partners", partnerAdmin);
app.route("/websub", websub);
app.route("/v1/websub", websubAdmin);
app.route("/", discovery);

app.get("/healthz", (c) => c.json({ status: "ok" }));

app.notFound((c) =>
  problemResponse({ type: "about:blank", title: "Not Found", status: 404, detail: `Nothing at ${new URL(c.req.url).pathname}.` }),
);

app.onError((error, c) => {
  if (error instanceof ProblemError) return problemResponse(error.problem, error.headers);
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    return problemResponse({ type: "about:blank", title: error.message || "Error", status, detail: error.message });
  }
  console.error(`${c.req.method} ${new URL(c.req.url).pathname} failed:`, error);
  return problemResponse({ type: "about:blank", title: "Internal Server Error", status: 500, detail: "Something went wrong on our side." });
});

export { Newsroom } from "./newsroom/durable-object";
export { PartnerDesk } from "./partners/desk";
export { LicenceRegistry } from "./partners/licence-registry";
export { WebSubHub } from "./websub/hub";

// The Newsroom signals each section publish that lands; the WebSub hub pushes what changed.
onSectionPublished(notifyHub);
// Workers Cache answers built from the section's previous publish are purged (a purge that cannot be queued is
// logged by the channel, not retried: the cached answers expire within their max-age anyway).
onSectionPublished((env, published) => requestSectionPurge(env, published.index.section));
export default {
  /**
   * A plain GET of a public feed that its validators or pre-rendered body answer skips the router (the same
   * answer, headers included: src/feeds/feed-response.ts); everything else, and any failure there, goes through it.
   */
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const quick = feedFastPath(request, env);
    if (quick) {
      const answer = await quick.catch(() => null);
      if (answer) return answer;
    }
    return app.fetch(request, env, ctx);
  },
  /** Every minute: wake the Newsroom so unpublished changes (or a new publishing format) never wait for the next push. */
  async scheduled(_controller, env) {
    await newsroom(env).reconcile();
  },
  /** Purges Workers Cache tags the Newsroom queued after a publish landed (only the Worker can purge its cache). */
  async queue(batch, _env, ctx) {
    await purgeBatch(batch, ctx.cache);
  },
} satisfies ExportedHandler<Env, EdgePurgeMessage>;
