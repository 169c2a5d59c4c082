// In-process render cost (Node, the product's code bundled by esbuild): CPU time per call to filter
// and render 20 and 100 items per format the way a request does (parse the section index, select,
// take the selected items as the bulk read returns them, render the head, concatenate), next to rendering every item per
// request with our feedsmith renderers (renderItem) and with the bare `feed` package (the floor).
// The Simplified twin's read path is timed beside the Traditional one, and the write-time conversion
// to Simplified per 3,000 characters and per article.
import { readFileSync } from "node:fs";
import { Feed } from "feed";
import { archiveSlice } from "./articles.mjs";

const REQUEST_BASE = "http://127.0.0.1:8787";
const NOW = Date.parse("2030-01-01T00:00:00Z");

/** The section index a query selects from: region + topics, 20 items; a broader one, 100 items. */
export const RENDER_QUERIES = {
  20: { region: "gansu/lanzhou", topics: ["culture", "tourism", "transport"], limit: 20 },
  100: { region: "gansu", topics: ["culture", "economy", "education", "tourism", "transport"], limit: 100 },
};

/** Median wall time (ms) of `fn` over `runs` calls after `warm` warm-up calls, plus mean CPU time from process.cpuUsage. */
export function timeIt(fn, { runs = 300, warm = 60 } = {}) {
  for (let i = 0; i < warm; i++) fn();
  const samples = new Float64Array(runs);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    samples[i] = performance.now() - t;
  }
  const cpu = process.cpuUsage(cpu0);
  samples.sort();
  return {
    median_ms: round(samples[Math.floor(runs / 2)]),
    p95_ms: round(samples[Math.floor(runs * 0.95)]),
    cpu_mean_ms: round((cpu.user + cpu.system) / 1000 / runs),
  };
}

const round = (x) => Math.round(x * 1000) / 1000;

/** Stored articles as the Newsroom holds them (defaults filled; image URLs already absolute). */
export function storedArticles(p, count) {
  return archiveSlice(0, count)
    .map((a) => p.withDefaults({ ...a, body_html: a.body_html.replaceAll('src="/img/', 'src="https://gansu.news.example/img/') }))
    .reverse();
}

/** What the Newsroom publishes for the `all` section from these articles: index text, each article's items by key, bodies. */
export function publishedSection(p, articles, base) {
  const snapshot = {
    section: "all",
    revision: 1,
    generated_ms: NOW,
    changed_ms: NOW - 1000,
    items: articles.slice(0, 200).map((article) => ({ article, changed_ms: NOW - 1000 })),
    withdrawals: [],
  };
  const writes = p.sectionOutputs(snapshot, (a) => p.twinFragments(a, base), base, NOW);
  const tag = p.publishedItemsTag(base);
  for (const { article } of snapshot.items) {
    writes.push(...p.itemWrites(tag, article.id, article.version, p.twinFragments(article, base)));
    const partner = p.partnerFragments(article, base);
    if (partner) writes.push(...p.partnerItemWrites(tag, article.id, article.version, partner));
  }
  const byKey = new Map(writes.map((w) => [w.key, w.value]));
  return {
    indexText: byKey.get(p.kvKeys.indexKey("all")),
    /** An entry's partner item (licence left as holes), as the partner feed's bulk read returns it. */
    partnerItem: (index, entry, format) => byKey.get(p.kvKeys.itemKey(p.partnerItemsTag(index.items), entry.id, entry.version, format)),
    /** The item an entry's key names in a script (what the request's bulk read returns). */
    item: (index, entry, format, script = "zh-Hant") => byKey.get(p.kvKeys.itemKey(index.items, entry.id, entry.version, format, script)),
    itemBytes: (format) =>
      snapshot.items.reduce(
        (n, { article }) => n + Buffer.byteLength(byKey.get(p.kvKeys.itemKey(tag, article.id, article.version, format))),
        0,
      ),
    prerendered: Object.fromEntries(p.FEED_FORMATS.map((f) => [f, byKey.get(p.kvKeys.feedKey("all", f))])),
  };
}

export function measureRenderCost(p, { runs = 300 } = {}) {
  const section = p.findSection("all");
  const articles = storedArticles(p, 400);
  const byId = new Map(articles.map((a) => [a.id, a]));
  // Published with the placeholder base (PUBLIC_BASE_URL unset) and with the request's base (set).
  const local = publishedSection(p, articles, p.PLACEHOLDER_BASE);
  const configured = publishedSection(p, articles, REQUEST_BASE);
  const results = [];
  for (const n of [20, 100]) {
    const query = RENDER_QUERIES[n];
    for (const format of p.FEED_FORMATS) {
      const ourPath =
        (published, script = "zh-Hant") =>
        () => {
          const index = JSON.parse(published.indexText);
          const selected = p.selectEntries(index, query, NOW);
          const fragments = selected.map((e) => p.rebase(published.item(index, e, format, script), index.base, REQUEST_BASE));
          const head = p.feedHead({
            base: REQUEST_BASE,
            pathPrefix: "/feeds",
            section,
            format,
            query,
            updated: new Date(p.lastModified(index, NOW)),
            licenceUrl: p.publicLicenceUrl(REQUEST_BASE),
            script,
          });
          return p.renderDocument(format, head, fragments);
        };
      const index = JSON.parse(configured.indexText);
      const selected = p.selectEntries(index, query, NOW);
      if (selected.length !== n) throw new Error(`query for ${n} items selects ${selected.length}`);
      const head = p.feedHead({
        base: REQUEST_BASE,
        pathPrefix: "/feeds",
        section,
        format,
        query,
        updated: new Date(NOW),
        licenceUrl: p.publicLicenceUrl(REQUEST_BASE),
      });
      const fragmentTexts = selected.map((e) => configured.item(index, e, format));
      const items = selected.map((e) => byId.get(e.id));
      const options = (a) => ({ variant: "full", rights: p.publicRights(a, p.publicLicenceUrl(REQUEST_BASE)), baseUrl: REQUEST_BASE });
      const body = ourPath(configured)();
      results.push({
        items: n,
        format,
        body_bytes: Buffer.byteLength(body),
        // The whole filtered request's compute, PUBLIC_BASE_URL set (production): parse + select + slice + head + concat.
        ours_ms: timeIt(ourPath(configured), { runs }),
        // The same request for the Simplified twin (/zh-hans/feeds/…): its fragments were converted at write time.
        ours_hans_ms: timeIt(ourPath(configured, "zh-Hans"), { runs }),
        // Same with PUBLIC_BASE_URL unset (local dev): every fragment's links are rebased per request.
        ours_rebase_ms: timeIt(ourPath(local), { runs }),
        // Parts of it.
        parse_index_ms: timeIt(() => JSON.parse(configured.indexText), { runs }),
        select_slice_ms: timeIt(() => p.selectEntries(index, query, NOW).map((e) => configured.item(index, e, format)), {
          runs,
        }),
        head_concat_ms: timeIt(() => p.renderDocument(format, head, fragmentTexts), { runs }),
        // Rendering every item per request with our feedsmith renderers, then the document.
        render_items_ms: timeIt(
          () =>
            p.renderDocument(
              format,
              head,
              items.map((a) => p.renderItem(format, a, options(a))),
            ),
          {
            runs: Math.max(30, runs / 5),
            warm: 10,
          },
        ),
        // The bare `feed` package rendering the same items: the floor for a whole-document render.
        feed_pkg_ms: timeIt(() => renderWithFeedPackage(format, head, items), { runs: Math.max(30, runs / 5), warm: 10 }),
      });
    }
  }
  // Per-request extras of the unfiltered path (everything except the KV read), and its rebase when PUBLIC_BASE_URL is unset.
  const unfiltered = p.FEED_FORMATS.map((format) => ({
    format,
    body_bytes: Buffer.byteLength(configured.prerendered[format]),
    rebase_ms: timeIt(() => p.rebase(local.prerendered[format], p.PLACEHOLDER_BASE, REQUEST_BASE), { runs }),
    headers_ms: timeIt(
      () => {
        const query = { topics: [], limit: 20 };
        const url = (f) => p.feedUrl(REQUEST_BASE, "/feeds", section, f, query);
        return [
          p.feedEtag(1, 0, `all.${format}|${REQUEST_BASE}|feed`),
          p.linkHeader(p.feedLinks(url, format, p.publicLicenceUrl(REQUEST_BASE))),
          p.syndicationLicense(p.publicLicenceTerms(REQUEST_BASE)),
        ];
      },
      { runs },
    ),
  }));
  // Write-time cost in the Newsroom: rendering one article's fragments (3 formats), and building a
  // 200-item section's outputs from cached fragments (what each publish of a section costs).
  const cache = new Map(articles.map((a) => [a.id, p.twinFragments(a, REQUEST_BASE)]));
  // 3,000 characters of the portal's own prose (the seed article's text), converted as the Newsroom does.
  const seed = JSON.parse(readFileSync(new URL("../../fixtures/seed-article.json", import.meta.url), "utf8"));
  const text3000 = [seed.title, seed.summary, seed.body_html.replace(/<[^>]+>/g, "")].join("\n").slice(0, 3000);
  const snapshot = {
    section: "all",
    revision: 1,
    generated_ms: NOW,
    changed_ms: NOW,
    items: articles.slice(0, 200).map((article) => ({ article, changed_ms: NOW })),
    withdrawals: [],
  };
  const publish = {
    fragments_per_article_ms: timeIt(() => p.publicFragments(articles[0], REQUEST_BASE), { runs }),
    // Both scripts: the Traditional items, the article converted to Simplified, and the twin's items.
    twin_fragments_per_article_ms: timeIt(() => p.twinFragments(articles[0], REQUEST_BASE), { runs }),
    simplify_article_ms: timeIt(() => p.simplifiedArticle(p.withDefaults(seed)), { runs }),
    simplify_3000_chars_ms: timeIt(() => p.toSimplified(text3000), { runs }),
    simplify_article_chars: [seed.title, seed.original_title, seed.summary, seed.body_html].join("").length,
    section_outputs_200_cached_ms: timeIt(() => p.sectionOutputs(snapshot, (a) => cache.get(a.id), REQUEST_BASE, NOW), {
      runs: 60,
      warm: 10,
    }),
    parse_200_docs_ms: (() => {
      const docs = articles.slice(0, 200).map((a) => JSON.stringify(a));
      return timeIt(() => docs.map((d) => JSON.parse(d)), { runs: 60, warm: 10 });
    })(),
    index_bytes: Buffer.byteLength(configured.indexText),
    /** The 200 entries' items, each under its own key: written once per article version, not per publish. */
    fragment_bytes: Object.fromEntries(p.FEED_FORMATS.map((f) => [f, configured.itemBytes(f)])),
  };
  return { results, unfiltered, publish, partner: partnerCost(p, configured, runs), changes: changeItemCost(p, articles, runs) };
}

/** A partner licensed for every section, as the benchmark's partner is. */
const PARTNER = {
  id: "bench",
  name: "Bench Aggregator",
  sections: ["*"],
  license: {
    id: "bench-partner",
    url: "https://gansu.news.example/licenses/bench-partner",
    attribution: "來源:國際在線",
    expires_at: "2099-01-01T00:00:00Z",
  },
};

/**
 * A partner pull's compute in-process, 20 and 100 items per format: parse the index, select what the licence
 * covers, take the partner items as the bulk read returns them, fill the partner's licence in and assemble
 * (no item rendered; the document's shell is rendered once per head and isolate, as in the Worker).
 */
function partnerCost(p, published, runs) {
  const section = p.findSection("all");
  return [20, 100].flatMap((n) =>
    p.FEED_FORMATS.map((format) => {
      const query = { topics: [], limit: n };
      const pull = () => {
        const index = JSON.parse(published.indexText);
        const selected = p.selectPartnerEntries(PARTNER, index, query, NOW);
        const items = selected.map((e) => published.partnerItem(index, e, format));
        const body = p.partnerDocument({
          partner: PARTNER,
          section,
          format,
          query,
          base: REQUEST_BASE,
          updated: p.lastModified(index, NOW),
          items,
          renderedBase: index.base,
          withdrawals: [],
        });
        return { selected, items, body };
      };
      const { selected, items, body } = pull();
      if (selected.length !== n) throw new Error(`the partner query for ${n} items selects ${selected.length}`);
      if (items.some((item) => typeof item !== "string" || item === "")) throw new Error("a selected entry has no partner item");
      if (body.includes("\u0001")) throw new Error("a licence hole was left unfilled");
      if (!body.includes(PARTNER.license.url)) throw new Error("the partner's licence URL is not in its feed");
      return { items: n, format, body_bytes: Buffer.byteLength(body), ours_ms: timeIt(pull, { runs }) };
    }),
  );
}

/** Write time: one change-log entry's item (both ninjs versions, licence left as holes), its size and cost. */
function changeItemCost(p, articles, runs) {
  const item = (a) => JSON.stringify({ 2.2: p.ninjsTemplate(a, "2.2"), 3.1: p.ninjsTemplate(a, "3.1") });
  const sizes = articles.slice(0, 100).map((a) => Buffer.byteLength(item(a)));
  return {
    item_bytes_mean: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length),
    item_bytes_max: Math.max(...sizes),
    page_size: p.CHANGE_PAGE_SIZE,
    render_item_ms: timeIt(() => item(articles[0]), { runs }),
  };
}

function renderWithFeedPackage(format, head, items) {
  const feed = new Feed({
    title: head.title,
    description: head.description,
    id: head.id,
    link: head.homeUrl,
    language: head.language,
    copyright: head.copyright,
    updated: head.updated,
    generator: "feed-syndication-edge",
    feedLinks: { rss: head.selfUrl },
  });
  for (const a of items) {
    feed.addItem({
      title: a.title,
      id: `tag:gansu.news.example,2024:article:${a.id}`,
      link: a.url,
      description: a.summary,
      content: a.body_html,
      author: a.authors.map((x) => ({ name: x.name })),
      contributor: a.editors.map((x) => ({ name: x.name })),
      date: new Date(a.updated_at),
      published: new Date(a.published_at),
      category: a.topics.map((t) => ({ name: t })),
      image: a.images[0]?.url,
      copyright: a.rights.copyright,
    });
  }
  return format === "rss" ? feed.rss2() : format === "atom" ? feed.atom1() : feed.json1();
}
