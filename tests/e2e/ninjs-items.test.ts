// ninjs items as rendered at write time and filled per partner, checked against IPTC's schemas
// (Ajv 2020 with formats). Pure rendering: no server needed.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fillSlots, slotValues } from "../../src/feeds/licence-slots";
import { canceledItem, NINJS_VERSIONS, ninjsTemplate } from "../../src/feeds/render/ninjs";
import { type ArticleInput, withDefaults } from "../../src/model/article";
import { ninjsErrors } from "./helpers/ninjs";

const SEED = JSON.parse(readFileSync(new URL("../../fixtures/seed-article.json", import.meta.url), "utf8")) as ArticleInput;
const LICENCE = slotValues({
  licenceUrl: "https://partners.gansu.news.example/licences/acme?v=1&x='q'",
  attribution: '來源:國際在線 <acme> "credit"',
  usageTerms: "授權 acme-2026 (Acme 通訊社) 至 2099-01-01;轉載須註明「來源:國際在線」。",
});

const own = withDefaults({
  ...SEED,
  id: "own-1",
  version: 3,
  source: { name: "國際在線", own: true },
  embargo_until: "2024-02-18T12:00:00+08:00",
  images: [{ url: "https://img.gansu.news.example/a/1.jpg", caption: "蘭州 B413#路", width: 1200, height: 800, type: "image/jpeg" }],
});
const reprintHeadline = withDefaults({ ...SEED, id: "reprint-1", rights: { syndication: "headline" } });

describe("ninjs items", () => {
  for (const version of NINJS_VERSIONS) {
    it(`a full own article with a lead image is valid ninjs ${version} and carries what partners need`, () => {
      const doc = JSON.parse(fillSlots(ninjsTemplate(own, version), LICENCE));
      expect(ninjsErrors(version, doc)).toEqual([]);
      const k = (name31: string) => (version === "3.1" ? name31 : name31 === "embargoedUntil" ? "embargoed" : name31.toLowerCase());
      expect(doc.uri).toBe("tag:gansu.news.example,2024:article:own-1");
      expect(doc.version).toBe("3");
      expect(doc[k("pubStatus")]).toBe("usable");
      expect(doc[k("embargoedUntil")]).toBe("2024-02-18T12:00:00+08:00");
      expect(doc.headlines).toEqual([
        { role: "main", value: SEED.title },
        { role: "subtitle", value: SEED.original_title },
      ]);
      expect(doc.bodies[0].value).toBe(own.body_html);
      expect(doc.by).toBe("薛硯、顏晨");
      expect(doc.subjects.map((s: any) => s.literal)).toEqual(own.topics);
      expect(doc.places.map((p: any) => p.literal)).toEqual(own.regions);
      expect(doc[k("rightsInfo")][k("linkedRights")]).toBe("https://partners.gansu.news.example/licences/acme?v=1&x='q'");
      expect(doc[k("copyrightNotice")]).toContain('來源:國際在線 <acme> "credit"');
      expect(doc[k("usageTerms")]).toContain("acme-2026");
      expect(doc.associations[0]).toMatchObject({ name: "leadimage", type: "picture", uri: "https://img.gansu.news.example/a/1.jpg" });
      expect(doc.associations[0].renditions[0]).toMatchObject({ href: "https://img.gansu.news.example/a/1.jpg", width: 1200, height: 800 });
    });

    it(`a headline-only reprint is valid ninjs ${version}: no body, no picture, its source named`, () => {
      const doc = JSON.parse(fillSlots(ninjsTemplate(reprintHeadline, version), LICENCE));
      expect(ninjsErrors(version, doc)).toEqual([]);
      expect(doc.bodies).toBeUndefined();
      expect(doc.associations).toBeUndefined();
      expect(doc[version === "3.1" ? "representationType" : "representationtype"]).toBe("partial");
      expect(doc[version === "3.1" ? "infoSources" : "infosources"]).toEqual([{ name: "甘肅日報", role: "originalsource" }]);
    });

    it(`a withdrawal is a canceled ninjs ${version} item`, () => {
      const doc = JSON.parse(canceledItem("own-1", 4, "2026-12-01T08:00:00.000Z", version));
      expect(ninjsErrors(version, doc)).toEqual([]);
      expect(doc[version === "3.1" ? "pubStatus" : "pubstatus"]).toBe("canceled");
    });
  }

  it("the schemas are really checked: a document with a made-up field or a bad status fails", () => {
    expect(ninjsErrors("2.2", { uri: "tag:x,2024:a", pubstatus: "gone" })).not.toEqual([]);
    expect(ninjsErrors("3.1", { uri: "tag:x,2024:a", madeUp: 1 })).not.toEqual([]);
    expect(ninjsErrors("3.1", { uri: "tag:x,2024:a", pubstatus: "usable" })).not.toEqual([]);
  });

  it("article text that looks like a hole is left as it is", () => {
    const tricky = withDefaults({ ...SEED, id: "tricky", title: "\u0001Lj \u0001Ux", rights: { syndication: "headline" } });
    const doc = JSON.parse(fillSlots(ninjsTemplate(tricky, "3.1"), LICENCE));
    expect(doc.headlines[0].value).toBe("\u0001Lj \u0001Ux");
  });
});
