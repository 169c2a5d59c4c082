// The hub's HTTP surface: POST /websub (subscribe and unsubscribe, W3C WebSub) and the admin
// listing GET /v1/websub/subscriptions. Requests are checked here, in full, before a shard stores
// anything; verification of intent follows asynchronously from the shard's alarm.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { publicBaseUrl } from "../config/publication";
import { requireAdmin } from "../http/admin-auth";
import { ProblemError } from "../http/problem";
import type { WebSubSubscriptionList } from "../model/websub.gen";
import { HUB_SHARDS, hubShard } from "./stub";
import { MAX_SUBSCRIBE_BODY_BYTES, parseSubscribeForm } from "./subscribe-request";
import { parseTopic } from "./topic";

export const websub = new Hono<{ Bindings: Env }>();
export const websubAdmin = new Hono<{ Bindings: Env }>();

const allowPrivateCallbacks = (env: Env) => String(env.WEBSUB_ALLOW_PRIVATE_CALLBACKS ?? "").trim() === "true";

const limitBody = bodyLimit({
  maxSize: MAX_SUBSCRIBE_BODY_BYTES,
  onError: () => {
    throw new ProblemError(413, `A subscription request is at most ${MAX_SUBSCRIBE_BODY_BYTES} bytes.`);
  },
});

websub.post(
  "/",
  async (c, next) => {
    // Per client first, so a flood of requests costs us a counter and nothing else.
    const client = c.req.header("CF-Connecting-IP") ?? "unknown";
    const { success } = await c.env.WEBSUB_SUBSCRIBE_LIMITER.limit({ key: client });
    if (!success)
      throw new ProblemError(429, "Too many subscription requests from this client; try again in a minute.", {
        headers: { "Retry-After": "60" },
      });
    await next();
  },
  limitBody,
  async (c) => {
    const type = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/x-www-form-urlencoded") {
      throw new ProblemError(415, "Send the request as application/x-www-form-urlencoded (hub.mode, hub.topic, hub.callback…).");
    }
    // Form bodies are UTF-8 (the spec); decoded by hand, as workerd warns when .text() meets a form type.
    const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
    const req = parseSubscribeForm(form, publicBaseUrl(c.env, c.req.url), allowPrivateCallbacks(c.env));
    const outcome = await hubShard(c.env, req.topic.section).request(req);
    if (!outcome.ok) {
      const detail =
        outcome.reason === "host-pending"
          ? `Too many verifications are already pending for ${req.host}; try again shortly.`
          : `${req.host} holds as many subscriptions as one callback host may.`;
      throw new ProblemError(429, detail, {
        errors: [{ pointer: "/hub.callback", detail }],
        headers: { "Retry-After": String(outcome.retryAfter) },
      });
    }
    return c.text(`Accepted: the hub will ${req.mode === "subscribe" ? "verify" : "confirm"} this at the callback.\n`, 202);
  },
);

websubAdmin.get("/subscriptions", requireAdmin, async (c) => {
  const topic = c.req.query("topic");
  if (topic === undefined) {
    const shards = await Promise.all(HUB_SHARDS.map((section) => hubShard(c.env, section).list(null)));
    return c.json({ subscriptions: shards.flat() } satisfies WebSubSubscriptionList);
  }
  const spec = parseTopic(topic, publicBaseUrl(c.env, c.req.url));
  return c.json({ topic: spec.url, subscriptions: await hubShard(c.env, spec.section).list(spec.url) } satisfies WebSubSubscriptionList);
});
