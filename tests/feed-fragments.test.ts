// Golden fragments: the seed article's item in each format, and a one-item document around it, exactly
// as the renderers write them. Fragments are cut from feedsmith's output by string search, so any change
// in its formatting shows here as a diff against the committed files in tests/golden/
// (after a deliberate change: `vitest run tests/feed-fragments.test.ts -u`, then review the diff).
import { beforeAll, describe, expect, it } from "vitest";
import { findSection } from "../src/config/publication";
import { FEED_FORMATS, type FeedFormat } from "../src/feeds/model";
import { feedHead, publicLicenceUrl } from "../src/feeds/public-feed";
import { UNFILTERED_QUERY } from "../src/feeds/query";
import { type ItemVariant, publicRights, renderDocument, renderItem } from "../src/feeds/render";
import type { StoredArticle } from "../src/model/article";
import { adminGet, push, SEED } from "./helpers/cms";

const BASE = "https://feeds.example";
const EXTENSION: Record<FeedFormat, string> = { rss: "xml", atom: "xml", json: "json" };

let stored: StoredArticle;

beforeAll(async () => {
  // The article as ingest stores it (normalised, sanitised, defaults filled in), read back over HTTP.
  expect((await push(SEED)).status).toBe(200);
  const res = await adminGet(`/v1/articles/${SEED.id}`);
  expect(res.status).toBe(200);
  stored = await res.json();
});

function item(format: FeedFormat, variant: ItemVariant): string {
  return renderItem(format, stored, { variant, rights: publicRights(stored, publicLicenceUrl(BASE)), baseUrl: BASE });
}

describe("the seed article's item fragment", () => {
  for (const format of FEED_FORMATS) {
    for (const variant of ["full", "headline"] as const) {
      it(`${format}, ${variant}`, async () => {
        await expect(item(format, variant)).toMatchFileSnapshot(`golden/seed-item.${variant}.${format}.${EXTENSION[format]}`);
      });
    }
  }
});

describe("a document around the seed article's fragment", () => {
  for (const format of FEED_FORMATS) {
    it(format, async () => {
      const head = feedHead({
        base: BASE,
        pathPrefix: "/feeds",
        section: findSection("yaowen")!,
        format,
        query: UNFILTERED_QUERY,
        updated: new Date("2024-02-18T02:05:24Z"),
        licenceUrl: publicLicenceUrl(BASE),
      });
      await expect(renderDocument(format, head, [item(format, "full")])).toMatchFileSnapshot(
        `golden/seed-feed.${format}.${EXTENSION[format]}`,
      );
    });
  }
});
