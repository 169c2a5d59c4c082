// The WebSub hub against a real `wrangler dev`, driven by a subscriber written from the W3C spec
// (helpers/websub-subscriber.ts): discovery, verification of intent, signed pushes of the bytes a
// GET serves, retries, 410, unsubscribe, filtered topics, and callbacks that misbehave.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushArticles } from "../../scripts/lib/cms-client.mjs";
import { seedArticle } from "../../scripts/lib/sample-articles.mjs";
import { type DevServer, startDevServer } from "./helpers/dev-server";
import { ownArticle } from "./helpers/own-article";
import { type Delivery, type Subscriber, type Subscription, startSubscriber } from "./helpers/websub-subscriber";

let server: DevServer;
let subscriber: Subscriber;
let hub: string;
let counter = 0;

const article = (extra: Record<string, unknown> = {}) => {
  const id = `ws-${++counter}`;
  return ownArticle(id, {
    title: `推送稿件 ${id}`,
    published_at: `2026-12-01T10:${String(counter).padStart(2, "0")}:00+08:00`,
    topics: ["culture"],
    ...extra,
  });
};

async function push(a: Record<string, unknown>): Promise<number> {
  const res = await pushArticles(server.url, server.secrets.CMS_WEBHOOK_SECRET, a);
  expect(res.status).toBe(200);
  return Date.now();
}

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const deliveryOf = (sub: Subscription, text: string): Delivery | undefined => sub.deliveries.find((d) => d.body.toString().includes(text));

async function listing(topic: string): Promise<{ callback: string; state: string; failures: number; last_error: string | null }[]> {
  const res = await fetch(`${server.url}/v1/websub/subscriptions?topic=${encodeURIComponent(topic)}`, {
    headers: { Authorization: `Bearer ${server.secrets.ADMIN_TOKEN}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { subscriptions: any[] }).subscriptions;
}

async function activated(sub: Subscription): Promise<void> {
  await until(`${sub.id} to be active`, async () =>
    (await listing(sub.topic)).some((s) => s.callback === sub.callback && s.state === "active"),
  );
}

beforeAll(async () => {
  server = await startDevServer({ vars: { WEBSUB_ALLOW_PRIVATE_CALLBACKS: "true" } });
  subscriber = await startSubscriber();
  await push(seedArticle());
  await until("the first publish", async () => (await (await fetch(`${server.url}/feeds/yaowen.rss`)).text()).includes("<item>"));
  hub = (await subscriber.discover(`${server.url}/feeds/yaowen.rss`)).hub;
});

afterAll(async () => {
  await subscriber?.close();
  await server?.stop();
});

describe("WebSub, as a reader's subscriber sees it", () => {
  let reader: Subscription;
  let control: Subscription;

  it("discovers the hub in the Link header, is verified, and receives a new article signed within 5 s: the bytes a GET serves", async () => {
    const { hub: advertised, self } = await subscriber.discover(`${server.url}/feeds/yaowen.rss`);
    expect(advertised).toBe(`${server.url}/websub`);
    expect(self).toBe(`${server.url}/feeds/yaowen.rss`);
    const { status, subscription } = await subscriber.subscribe(advertised, self, { secret: "our-shared-secret", leaseSeconds: 7200 });
    expect(status).toBe(202);
    reader = subscription;
    await activated(reader);
    const [verification] = reader.verifications;
    expect(verification).toMatchObject({ mode: "subscribe", topic: self, leaseSeconds: 7200 });
    expect(verification!.challenge.length).toBeGreaterThanOrEqual(16);

    const a = article();
    const pushedAt = await push(a);
    const delivery = await until("the push", () => deliveryOf(reader, a.id), 10_000);
    expect(delivery.at - pushedAt).toBeLessThan(5000);
    expect(delivery.contentType).toBe("application/rss+xml; charset=utf-8");
    expect(delivery.link).toContain(`<${server.url}/websub>; rel="hub"`);
    expect(delivery.link).toContain(`<${self}>; rel="self"`);
    expect(delivery.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(delivery.signatureValid).toBe(true);
    const served = Buffer.from(await (await fetch(self)).arrayBuffer());
    expect(delivery.body.equals(served)).toBe(true);
  });

  it("a callback that answers 404 or echoes the wrong challenge never becomes a subscription", async () => {
    const topic = `${server.url}/feeds/yaowen.atom`;
    const refused = (await subscriber.subscribe(hub, topic, { behaviour: "refuse" })).subscription;
    const wrong = (await subscriber.subscribe(hub, topic, { behaviour: "wrong-challenge" })).subscription;
    control = (await subscriber.subscribe(hub, topic, { secret: "c" })).subscription;
    await activated(control);
    await until("both verifications", () => refused.verifications.length > 0 && wrong.verifications.length > 0);
    await until("the pending requests to end", async () => (await listing(topic)).length === 1);
    const callbacks = (await listing(topic)).map((s) => s.callback);
    expect(callbacks).toEqual([control.callback]);

    const a = article();
    await push(a);
    await until("the control push", () => deliveryOf(control, a.id));
    expect(refused.deliveries).toEqual([]);
    expect(wrong.deliveries).toEqual([]);
  });

  it("retries after a 500, drops a callback that answers 410, and slow or redirecting callbacks hold up no one", async () => {
    const topic = `${server.url}/feeds/yaowen.atom`;
    const subs = Object.fromEntries(
      await Promise.all(
        (["fail-once", "gone", "slow", "redirect"] as const).map(async (behaviour) => {
          const { subscription } = await subscriber.subscribe(hub, topic, { behaviour });
          await activated(subscription);
          return [behaviour, subscription] as const;
        }),
      ),
    );
    const a = article();
    const pushedAt = await push(a);
    const onTime = await until("the control push", () => deliveryOf(control, a.id));
    expect(onTime.at - pushedAt).toBeLessThan(5000);

    // 500 first, then the retry (2 s later) is accepted.
    const retried = await until("the retry", () => subs["fail-once"]!.deliveries.length >= 2 && subs["fail-once"]!.deliveries);
    expect(retried[1]!.at - retried[0]!.at).toBeGreaterThanOrEqual(1500);
    expect(retried[1]!.body.equals(retried[0]!.body)).toBe(true);

    // 410: the subscription ends; a redirect is a failure, recorded and retried.
    await until("the 410 to end the subscription", async () => !(await listing(topic)).some((s) => s.callback === subs.gone!.callback));
    const redirect = await until("the redirect to be recorded", async () =>
      (await listing(topic)).find((s) => s.callback === subs.redirect!.callback && s.failures > 0),
    );
    expect(redirect.last_error).toMatch(/redirect/);
    expect(subs.slow!.deliveries.length).toBeGreaterThan(0);
  });

  it("a filtered topic is pushed only when the items it shows change", async () => {
    const topic = `${server.url}/feeds/yaowen.json?topic=transport`;
    const { hub: advertised, self } = await subscriber.discover(topic);
    expect(self).toBe(topic);
    const filtered = (await subscriber.subscribe(advertised, self, { secret: "f" })).subscription;
    await activated(filtered);

    const unrelated = article({ topics: ["culture"] });
    await push(unrelated);
    await until("the unfiltered push", () => deliveryOf(reader, unrelated.id));
    await new Promise((r) => setTimeout(r, 1000));
    expect(filtered.deliveries).toEqual([]);

    const related = article({ topics: ["transport"] });
    const pushedAt = await push(related);
    const delivery = await until("the filtered push", () => deliveryOf(filtered, related.id));
    expect(delivery.at - pushedAt).toBeLessThan(5000);
    expect(delivery.contentType).toBe("application/feed+json; charset=utf-8");
    expect(delivery.signatureValid).toBe(true);
    const ids = JSON.parse(delivery.body.toString()).items.map((i: { id: string }) => i.id.split(":").pop());
    expect(ids[0]).toBe(related.id);
    expect(ids).not.toContain(unrelated.id);
    expect(delivery.body.equals(Buffer.from(await (await fetch(self)).arrayBuffer()))).toBe(true);
  });

  it("the Simplified twins, filtered or not, are topics: pushed in Simplified, signed, the bytes a GET serves", async () => {
    const subs = await Promise.all(
      [`${server.url}/zh-hans/feeds/yaowen.atom`, `${server.url}/zh-hans/feeds/yaowen.rss?topic=transport`].map(async (resource) => {
        const { hub: advertised, self } = await subscriber.discover(resource);
        expect(advertised).toBe(hub);
        expect(self).toBe(resource);
        const { status, subscription } = await subscriber.subscribe(advertised, self, { secret: "jianti" });
        expect(status).toBe(202);
        await activated(subscription);
        return subscription;
      }),
    );
    // 蘭州 and 發展 are written 兰州 and 发展 in Simplified.
    const a = article({ title: "蘭州交通發展", topics: ["transport"] });
    const pushedAt = await push(a);
    for (const sub of subs) {
      const delivery = await until(`the push to ${sub.topic}`, () => deliveryOf(sub, a.id));
      expect(delivery.at - pushedAt).toBeLessThan(5000);
      expect(delivery.signatureValid).toBe(true);
      expect(delivery.link).toContain(`<${sub.topic}>; rel="self"`);
      const text = delivery.body.toString();
      expect(text).toContain("兰州交通发展");
      expect(text).not.toContain("蘭州交通發展");
      expect(delivery.body.equals(Buffer.from(await (await fetch(sub.topic)).arrayBuffer()))).toBe(true);
    }
  });

  it("after an unsubscribe is verified, pushes stop", async () => {
    expect(await subscriber.unsubscribe(hub, reader)).toBe(202);
    await until("the unsubscribe verification", () => reader.verifications.find((v) => v.mode === "unsubscribe"));
    await until("the subscription to end", async () => !(await listing(reader.topic)).some((s) => s.callback === reader.callback));
    const before = reader.deliveries.length;
    const a = article();
    await push(a);
    await until("the control push", () => deliveryOf(control, a.id));
    await new Promise((r) => setTimeout(r, 1000));
    expect(reader.deliveries.length).toBe(before);
  });
});
