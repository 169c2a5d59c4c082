// The Worker: one hono app, each area of the contract mounted from its own module.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { renderArchiveIndexPage, renderArchivePage } from "./discovery/archive-pages";
import { renderFeedPage } from "./discovery/feed-page";
import { DOCUMENTED_PATHS } from "./discovery/openapi";
import { discovery } from "./discovery/routes";
import { archiveFeeds } from "./feeds/archive/routes";
import { publicFeeds } from "./feeds/routes";
import { onSectionPublished } from "./feeds/section-published";
import { documentedStatuses } from "./http/documented-statuses";
import { publicCors, securityHeaders } from "./http/headers";
import { ProblemError, problemResponse } from "./http/problem";
import { ingest } from "./ingest/routes";
import { newsroom } from "./newsroom/stub";
import { partnerAdmin } from "./partners/admin-routes";
import { partnerFeeds } from "./partners/feed-routes";
import { websub, websubAdmin } from "./websub/routes";
import { notifyHub } from "./websub/signal";

export const app = new Hono<{ Bindings: Env }>();

app.use("*", securityHeaders);
app.use("*", documentedStatuses(DOCUMENTED_PATHS));
for (const path of ["/feeds/*", "/feeds.opml", "/openapi.json"]) app.use(path, publicCors);

app.route("/v1/articles", ingest);
app.route("/feeds", publicFeeds(renderFeedPage));
app.route("/feeds", archiveFeeds({ archive: renderArchivePage, index: renderArchiveIndexPage }));
app.route("/partner", partnerFeeds);
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
export default {
  fetch: app.fetch,
  /** Every minute: wake the Newsroom so unpublished changes (or a new publishing format) never wait for the next push. */
  async scheduled(_controller, env) {
    await newsroom(env).reconcile();
  },
} satisfies ExportedHandler<Env>;
