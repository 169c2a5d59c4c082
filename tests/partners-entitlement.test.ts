// The licence decisions as pure functions: no bindings, fixed dates.
import { describe, expect, it } from "vitest";
import { covers, feedAccess, itemVariant } from "../src/partners/entitlement";
import type { Entitlement } from "../src/partners/model";
import { cleanLine } from "../src/partners/validate";

const NOW = Date.parse("2026-11-27T12:00:00Z");
const licence = (overrides: Partial<Entitlement> = {}): Entitlement => ({
  sections: ["yaowen"],
  license: { id: "l", url: "https://x.example/l", attribution: "來源:國際在線", expires_at: "2027-01-01T00:00:00Z" },
  ...overrides,
});
const item = (overrides: Partial<Parameters<typeof covers>[1]> = {}) => ({
  section: "yaowen",
  regions: ["gansu/lanzhou"],
  topics: ["transport"],
  syndication: "full" as const,
  ...overrides,
});

describe("covers", () => {
  it("matches regions by whole path segments, at or under a licensed region", () => {
    const gansu = licence({ regions: ["gansu"] });
    expect(covers(gansu, item({ regions: ["gansu"] }))).toBe(true);
    expect(covers(gansu, item({ regions: ["gansu/lanzhou/chengguan"] }))).toBe(true);
    expect(covers(gansu, item({ regions: ["gansu-north"] }))).toBe(false);
    expect(covers(licence({ regions: ["gansu/lanzhou"] }), item({ regions: ["gansu"] }))).toBe(false);
    expect(covers(gansu, item({ regions: [] }))).toBe(false);
    expect(covers(licence(), item({ regions: [] }))).toBe(true);
  });

  it("needs one licensed topic when the licence limits topics, and never covers syndication none", () => {
    expect(covers(licence({ topics: ["tourism"] }), item())).toBe(false);
    expect(covers(licence({ topics: ["tourism", "transport"] }), item())).toBe(true);
    expect(covers(licence(), item({ syndication: "none" }))).toBe(false);
    expect(covers(licence(), item({ syndication: "headline" }))).toBe(true);
  });

  it("covers a section by slug or by *, and an entry of unknown section only under *", () => {
    expect(covers(licence(), item({ section: "wenlv" }))).toBe(false);
    expect(covers(licence({ sections: ["*"] }), item({ section: "wenlv" }))).toBe(true);
    expect(covers(licence(), item({ section: undefined }))).toBe(false);
    expect(covers(licence({ sections: ["*"] }), item({ section: undefined }))).toBe(true);
  });
});

describe("feedAccess", () => {
  const q = (region?: string, topics: string[] = []) => ({ ...(region ? { region } : {}), topics, limit: 20 });

  it("refuses after expiry, at the exact instant too", () => {
    expect(feedAccess(licence(), "yaowen", q(), NOW).ok).toBe(true);
    expect(feedAccess(licence(), "yaowen", q(), Date.parse("2027-01-01T00:00:00Z")).ok).toBe(false);
  });

  it("lets filters narrow or overlap the licence, never go around it", () => {
    const l = licence({ regions: ["gansu/lanzhou"], topics: ["transport", "heating"] });
    expect(feedAccess(l, "yaowen", q("gansu/lanzhou/chengguan"), NOW).ok).toBe(true);
    expect(feedAccess(l, "yaowen", q("gansu"), NOW).ok).toBe(true);
    expect(feedAccess(l, "yaowen", q("gansu/dunhuang"), NOW).ok).toBe(false);
    expect(feedAccess(l, "yaowen", q(undefined, ["heating", "tourism"]), NOW).ok).toBe(true);
    expect(feedAccess(l, "yaowen", q(undefined, ["tourism"]), NOW).ok).toBe(false);
    expect(feedAccess(l, "wenlv", q(), NOW).ok).toBe(false);
    expect(feedAccess(l, "all", q(), NOW).ok).toBe(true);
  });
});

describe("item variants and attribution text", () => {
  it("maps rights.syndication to what a partner gets", () => {
    expect(itemVariant("full")).toBe("full");
    expect(itemVariant("headline")).toBe("headline");
    expect(itemVariant("none")).toBeNull();
  });

  it("keeps Unicode, drops controls and line breaks", () => {
    expect(cleanLine(" 來源:\r\n國際在線\u0085\u2029 ")).toBe("來源:國際在線");
    expect(cleanLine("Cafe\u0301")).toBe("Café");
  });
});
