// Feed validity at scale: 10,000 generated articles full of hostile text (control characters, `]]>`,
// lone surrogates, emoji, CJK Extension B, RTL marks, <script>, onerror, javascript: links, relative
// URLs, & and < in titles) pushed in batches of 100; then every public feed (each section and all,
// RSS, Atom and JSON, with and without region/topic filters) and every partner feed must parse:
// expat and feedparser (bozo 0), feedsmith, JSON Feed 1.1's required fields.
import { afterAll, beforeAll, expect, it } from "vitest";
import { REGIONS, SECTIONS, TOPICS } from "../../scripts/lib/sample-articles.mjs";
import { type DevServer, startDevServer } from "./helpers/dev-server";
import { everyFeedPath, expectFeedsServe, FEED_SECTIONS, FORMATS, fetchAndValidate } from "./stress/feeds";
import { adminGet, FULL, figures, pollUntil, pool, rng, scaled, send, signedPost, stopAll } from "./stress/lib";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(() => stopAll(server));

const HOSTILE = [
  "\u0001\u0008\u000b\u000c\u001f",
  "]]>",
  "]]]]><![CDATA[>",
  "\uD800",
  "\uDFFF",
  "😀👍🏽🇹🇼",
  "𠀀𪚲𫝀𬺰",
  "\u202e\u200f\u200e\u061c",
  "<script>alert(1)</script>",
  '<img src=x onerror="alert(1)">',
  "javascript:alert(1)",
  "&",
  "<",
  "&amp;&lt;&#0;&#x1;&#xD800;",
  "\uFFFE\uFFFF",
  "\r\n",
  "\u0085\u2028\u2029",
  "%00",
];
const BASE = Date.parse("2025-09-01T00:00:00Z");

function hostileArticle(i: number, random: () => number) {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const spice = (text: string) => `${text}${pick(HOSTILE)}${pick(["", " ", "中"])}${pick(HOSTILE)}`;
  const id = `hostile-${String(i).padStart(5, "0")}`;
  const own = random() < 0.6;
  return {
    id,
    version: 1,
    section: SECTIONS[i % SECTIONS.length],
    title: `${id} ${spice("標題 & <b>粗</b>")}`,
    ...(random() < 0.5 ? { original_title: spice("原標題") } : {}),
    summary: spice("摘要 a < b && c > d"),
    body_html: [
      `<p>${spice("正文")}</p>`,
      `<p><a href="/relative/${i}">相對</a> <a href="javascript:alert(${i})">js</a> <a href="  JaVaScRiPt:x">tab</a></p>`,
      `<img src="img/${i}.png" onerror="alert(1)"><script>alert(${i})</script><style>p{}</style>`,
      `<p onclick="x()" style="color:red">${pick(HOSTILE)}]]>${pick(HOSTILE)}</p><![CDATA[ raw ]]><!-- c -->`,
      `<iframe src="https://evil.example/"></iframe><svg onload="x()"><script>1</script></svg>`,
      `<table><tr><td>${pick(HOSTILE)}</td></tr></table><p>&amp; &lt; &#0; &#x1F600; &bogus;</p>`,
    ].join(""),
    url: `https://gansu.news.example/hostile/${id}.html?a=1&b=%3C2%3E`,
    published_at: new Date(BASE + i * 60_000).toISOString(),
    source: own ? { name: "國際在線", own: true } : { name: spice("甘肅日報"), url: "https://gansu.daily.example/?x=1&y=2", own: false },
    authors: [{ name: spice("記者"), role: "reporter" }],
    editors: [{ name: spice("編輯"), role: "editor" }],
    regions: [...new Set([pick(REGIONS), pick(REGIONS)])],
    topics: [...new Set([pick(TOPICS), pick(TOPICS)])],
    images: [
      { url: `https://gansu.news.example/img/${i}.jpg?w=1&h=2`, caption: spice("圖說"), width: 640, height: 480, type: "image/jpeg" },
    ],
    rights: { syndication: pick(["full", "headline", "none"]), attribution: spice("來源:國際在線"), copyright: spice("版權所有") },
  };
}

/** Sanitised content: no script/style/iframe element, no event handler or javascript: URL in a tag, every link absolute. */
function unsafeContent(items: any[]): string[] {
  const problems: string[] = [];
  for (const item of items) {
    const html = String(item.content_html ?? "");
    for (const [tag] of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
      if (/^<(script|iframe|style|object|embed|svg)\b/i.test(tag) || /\son[a-z]+\s*=/i.test(tag) || /javascript:/i.test(tag)) {
        problems.push(`${item.id}: unsafe tag ${tag.slice(0, 120)}`);
      }
      for (const [, url] of tag.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
        if (!/^(https?:|mailto:|data:image\/)/i.test(url!)) problems.push(`${item.id}: relative or odd URL ${url}`);
      }
    }
  }
  return problems;
}

it("keeps every feed, format and filter valid over 10,000 hostile articles", async () => {
  const random = rng(10_000);
  // CI's fast part pushes 200 (at STRESS_SCALE=0.1); the full run the whole 10,000.
  const total = FULL ? 10_000 : scaled(2_000, 200);
  const batches = Array.from({ length: Math.ceil(total / 100) }, (_, b) =>
    Array.from({ length: Math.min(100, total - b * 100) }, (_, k) => hostileArticle(b * 100 + k, random)),
  );
  const checkEvery = FULL ? Math.max(1, Math.floor(batches.length / 4)) : batches.length;
  let feedsChecked = 0;
  let invalidFeeds = 0;
  const problems: string[] = [];
  const statuses: number[] = [];
  await expectFeedsServe(server);

  const started = Date.now();
  for (let b = 0; b < batches.length; b += checkEvery) {
    const round = batches.slice(b, b + checkEvery);
    const replies = await pool(round, 4, (batch) => signedPost(server, batch));
    for (const reply of replies) {
      statuses.push(reply.status);
      if (reply.status !== 200) problems.push(`push: ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
    }
    // While articles keep arriving: the unfiltered feeds, whatever state publishing is in.
    const midway = await fetchAndValidate(server, everyFeedPath({ filters: false }));
    feedsChecked += midway.fetched;
    invalidFeeds += midway.invalid;
    problems.push(...midway.problems);
  }
  const pushMs = Date.now() - started;
  const acknowledged = statuses.filter((s) => s === 200).length * 100;
  expect(problems.slice(0, 5)).toEqual([]);
  // Every acknowledged article is held, at its version.
  let present = 0;
  await pool(
    batches.flat().map((a) => a.id),
    50,
    async (id) => {
      const reply = await adminGet(server, `/v1/articles/${id}`);
      if (reply.status === 200 && reply.body.version === 1) present++;
      else problems.push(`${id}: GET ${reply.status}`);
    },
  );

  let partnerFeeds = 0;
  let partnerItemsChecked = 0;
  let leaked = 0;
  // Wait until the newest article is published, then check every feed and filter.
  const newest = `hostile-${String(total - 1).padStart(5, "0")}`;
  let last = "";
  const caughtUp = await pollUntil(async () => {
    const reply = await send(`${server.url}/feeds/all.json?limit=1`);
    last = `${reply.status} ${JSON.stringify(reply.body).slice(0, 500)}`;
    return reply.status === 200 && String(reply.body.items?.[0]?.title ?? "").startsWith(newest);
  }, 60_000);
  expect(
    caughtUp,
    `${newest} never reached /feeds/all.json; last answer ${last}\n${server.output
      .filter((l) => /error|fail|exception/i.test(l))
      .slice(-15)
      .join("\n")}`,
  ).toBe(true);
  const all = await fetchAndValidate(server, everyFeedPath());
  feedsChecked += all.fetched;
  invalidFeeds += all.invalid;
  problems.push(...all.problems);
  for (const section of FEED_SECTIONS) {
    const json = await send(`${server.url}/feeds/${section}.json?limit=100`);
    expect(
      json.status,
      `/feeds/${section}.json: ${json.error ?? JSON.stringify(json.body).slice(0, 300)}\n${server.output.slice(-15).join("\n")}`,
    ).toBe(200);
    problems.push(...unsafeContent(json.body.items ?? []));
  }

  // A partner licensed for everything sees headline and full items alike: its feeds must parse too.
  const admin = { Authorization: `Bearer ${server.secrets.ADMIN_TOKEN}`, "Content-Type": "application/json" };
  const put = await send(`${server.url}/v1/partners/scale`, {
    method: "PUT",
    headers: admin,
    body: JSON.stringify({
      name: "Scale & <Partner>",
      sections: ["*"],
      rate_limit_per_minute: 100_000,
      license: {
        id: "scale",
        url: "https://licences.example/scale",
        attribution: "來源:國際在線 & <夥伴>",
        expires_at: "2099-01-01T00:00:00Z",
      },
    }),
  });
  expect(put.status, `PUT /v1/partners/scale: ${JSON.stringify(put.body)}`).toBe(201);
  {
    const key = (await send(`${server.url}/v1/partners/scale/keys`, { method: "POST", headers: admin })).body.key as string;
    const paths = everyFeedPath({ filters: FULL }).map((p) => ({
      ...p,
      path: `${p.path.replace(/^\/feeds\//, "/partner/feeds/")}&key=${encodeURIComponent(key)}`,
    }));
    const partner = await fetchAndValidate(server, paths);
    partnerFeeds = partner.fetched;
    feedsChecked += partner.fetched;
    invalidFeeds += partner.invalid;
    problems.push(...partner.problems.map((p) => p.replace(key, "<key>")));
  }

  // Nothing leaked: a partner licensed for one section, one region and two topics sees only
  // covered items, never a `none` one, never a headline item's body; outside its licence, 403.
  const narrow = await send(`${server.url}/v1/partners/narrow`, {
    method: "PUT",
    headers: admin,
    body: JSON.stringify({
      name: "Narrow",
      sections: ["yaowen", "shijie"],
      regions: ["gansu/lanzhou"],
      topics: ["transport", "culture"],
      rate_limit_per_minute: 100_000,
      license: { id: "narrow", url: "https://licences.example/narrow", attribution: "來源:國際在線", expires_at: "2099-01-01T00:00:00Z" },
    }),
  });
  expect(narrow.status, `PUT /v1/partners/narrow: ${JSON.stringify(narrow.body)}`).toBe(201);
  {
    const key = (await send(`${server.url}/v1/partners/narrow/keys`, { method: "POST", headers: admin })).body.key as string;
    const byId = new Map(batches.flat().map((a) => [a.id, a]));
    const covered = (a: ReturnType<typeof hostileArticle>) =>
      ["yaowen", "shijie"].includes(a.section!) &&
      a.regions.some((r) => r === "gansu/lanzhou" || r.startsWith("gansu/lanzhou/")) &&
      a.topics.some((t) => t === "transport" || t === "culture") &&
      a.rights.syndication !== "none";
    for (const path of ["all", "yaowen", "shijie"].flatMap((sec) => [
      `/partner/feeds/${sec}.json?limit=100`,
      `/partner/feeds/${sec}.json?limit=100&topic=culture`,
    ])) {
      const reply = await send(`${server.url}${path}`, { headers: { Authorization: `Bearer ${key}` } });
      if (reply.status !== 200) {
        problems.push(`${path}: HTTP ${reply.status}`);
        continue;
      }
      partnerItemsChecked += reply.body.items.length;
      for (const item of reply.body.items as any[]) {
        const article = byId.get(String(item.id).split(":").at(-1)!);
        if (!article || !covered(article)) {
          leaked++;
          problems.push(`${path}: leaked ${item.id}`);
        } else if (article.rights.syndication === "headline" && item.content_html !== undefined) {
          leaked++;
          problems.push(`${path}: body of headline-only ${item.id}`);
        }
      }
    }
    for (const path of [
      "/partner/feeds/wenlv.json",
      "/partner/feeds/yaowen.json?region=gansu/dunhuang",
      "/partner/feeds/yaowen.atom?topic=economy",
    ]) {
      const reply = await send(`${server.url}${path}`, { headers: { Authorization: `Bearer ${key}` } });
      if (reply.status !== 403) {
        leaked++;
        problems.push(`${path}: expected 403 outside the licence, got ${reply.status}`);
      }
    }
  }

  // An expired licence: no feed at all, but the withdrawal list stays open so content can come down.
  const expired = await send(`${server.url}/v1/partners/expired`, {
    method: "PUT",
    headers: admin,
    body: JSON.stringify({
      name: "Expired",
      sections: ["*"],
      license: {
        id: "expired",
        url: "https://licences.example/expired",
        attribution: "來源:國際在線",
        expires_at: "2020-01-01T00:00:00Z",
      },
    }),
  });
  expect(expired.status, `PUT /v1/partners/expired: ${JSON.stringify(expired.body)}`).toBe(201);
  {
    const key = (await send(`${server.url}/v1/partners/expired/keys`, { method: "POST", headers: admin })).body.key as string;
    for (const format of FORMATS) {
      const reply = await send(`${server.url}/partner/feeds/all.${format}`, { headers: { Authorization: `Bearer ${key}` } });
      if (reply.status !== 403) {
        leaked++;
        problems.push(`expired licence: /partner/feeds/all.${format} answered ${reply.status}`);
      }
    }
    const list = await send(`${server.url}/partner/withdrawals?since=2020-01-01T00:00:00Z`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    if (list.status !== 200) problems.push(`expired licence: withdrawals answered ${list.status}`);
  }

  figures("feeds-at-scale", {
    pushes: total,
    batches: batches.length,
    acknowledged,
    present,
    lost: acknowledged - present,
    "5xx": statuses.filter((s) => s >= 500).length,
    feeds_checked: feedsChecked,
    public_feed_variants: FEED_SECTIONS.length * FORMATS.length * 6,
    partner_feeds: partnerFeeds,
    partner_items_checked: partnerItemsChecked,
    leaked,
    invalid_feeds: invalidFeeds,
    push_ms: pushMs,
  });
  expect(problems.slice(0, 20)).toEqual([]);
  expect(acknowledged).toBe(total);
  expect(invalidFeeds).toBe(0);
  expect(leaked).toBe(0);
  expect(partnerItemsChecked).toBeGreaterThan(0);
});
