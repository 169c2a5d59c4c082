// What readers notice beyond the items themselves: icons they can show, the lead image inside the
// content for readers that ignore media:content, and a reprint's Atom source that never takes the
// place of the entry's own title.
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { beforeAll, describe, expect, it } from "vitest";
import { article, get, publish, push } from "./helpers/cms";

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Uint8Array): [number, number] {
  expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return [view.getUint32(16), view.getUint32(20)];
}

beforeAll(async () => {
  const res = await push([
    article({
      id: "polish-reprint",
      section: "shijie",
      title: "絲路文化週",
      source: { name: "新甘肅", own: false },
      images: [{ url: "https://gansu.news.example/img/silk.jpg", caption: "莫高窟 <第一窟>", width: 1200, height: 800 }],
    }),
    article({
      id: "polish-inline",
      section: "shijie",
      published_at: "2024-02-17T10:05:24+08:00",
      body_html: '<p><img src="https://gansu.news.example/img/inline.jpg" alt="已在正文"></p>',
      images: [{ url: "https://gansu.news.example/img/inline.jpg" }],
    }),
  ]);
  expect(res.status).toBe(200);
  await publish();
});

describe("icons", () => {
  it("serves a 512 px icon and a 64 px favicon as PNG, and every format names them", async () => {
    for (const [path, size] of [
      ["/icon-512.png", 512],
      ["/favicon-64.png", 64],
    ] as const) {
      const res = await get(path);
      expect(res.headers.get("Content-Type")).toBe("image/png");
      expect(pngSize(new Uint8Array(await res.arrayBuffer()))).toEqual([size, size]);
    }
    const json = parseJsonFeed(await (await get("/feeds/shijie.json")).json());
    expect([json.icon, json.favicon]).toEqual(["http://feeds.test/icon-512.png", "http://feeds.test/favicon-64.png"]);
    const atom = parseAtomFeed(await (await get("/zh-hans/feeds/shijie.atom")).text());
    expect([atom.icon, atom.logo]).toEqual(["http://feeds.test/icon-512.png", "http://feeds.test/icon-512.png"]);
    const rss = parseRssFeed(await (await get("/feeds/shijie.rss?topic=none-such")).text());
    expect(rss.image).toEqual({
      url: "http://feeds.test/favicon-64.png",
      title: rss.title,
      link: rss.link,
      width: 64,
      height: 64,
    });
  });
});

describe("the lead image in the content", () => {
  it("tops the HTML content with the image and its caption, escaped, unless the body already shows it", async () => {
    const rss = parseRssFeed(await (await get("/feeds/shijie.rss")).text());
    const reprint = rss.items!.find((i) => i.link?.endsWith("polish-reprint.html"))!;
    expect(reprint.content?.encoded).toBe(
      '<figure><img src="https://gansu.news.example/img/silk.jpg" alt="莫高窟 &#60;第一窟&#62;" width="1200" height="800">' +
        "<figcaption>莫高窟 &#60;第一窟&#62;</figcaption></figure><p>正文 polish-reprint</p>",
    );
    const inline = rss.items!.find((i) => i.link?.endsWith("polish-inline.html"))!;
    expect(inline.content?.encoded).toBe('<p><img src="https://gansu.news.example/img/inline.jpg" alt="已在正文"></p>');
    const json = await (await get("/zh-hans/feeds/shijie.json")).json<any>();
    expect(json.items[0].content_html).toMatch(
      /^<figure><img src="https:\/\/gansu\.news\.example\/img\/silk\.jpg" alt="莫高窟 &#60;第一窟&#62;"/,
    );
  });
});

describe("a reprint's Atom source", () => {
  it("has an id and updated, and comes after the entry's own title", async () => {
    const xml = await (await get("/feeds/shijie.atom")).text();
    const entry = xml.slice(xml.indexOf("<entry>"), xml.indexOf("</entry>"));
    expect(entry.indexOf("<title")).toBeLessThan(entry.indexOf("<source>"));
    expect(entry.indexOf("<updated>")).toBeLessThan(entry.indexOf("<source>"));
    const parsed = parseAtomFeed(xml).entries!.find((e) => e.title?.value === "絲路文化週")!;
    expect(parsed.source?.id).toBe(`tag:gansu.news.example,2024:source:${encodeURIComponent("新甘肅")}`);
    expect(parsed.source?.updated).toBeTruthy();
  });
});
