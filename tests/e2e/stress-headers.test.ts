// Header safety: CRLF, quotes, NUL or non-ASCII in a partner's licence attribution (admin API), in
// an article's rights.attribution/copyright (ingest), or in the Host a request names, never splits,
// breaks or injects a response header. Headers are read raw off the wire; Syndication-License must
// parse as an RFC 9651 dictionary (structured-headers) with the attribution as a Display String.
import { DisplayString, parseDictionary } from "structured-headers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "./helpers/dev-server";
import { expectFeedsServe, FORMATS } from "./stress/feeds";
import { figures, pollUntil, send, signedPost, stopAll, stressArticle } from "./stress/lib";
import { type RawResponse, rawRequest } from "./stress/raw-http";
import { type FetchedFeed, validateFeeds } from "./stress/validate";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(() => stopAll(server));

const HOSTILE = [
  "來源:國際在線\r\nX-Injected: yes",
  '"Quoted" \\ backslash, %"not a display string"',
  "Line\nbreak\rcarriage\u0000nul\u0085nel\u2028ls",
  "Tab\there 😀 𠀀𪚲 \u202eRTL\u202c \u200f",
  "\r\nSet-Cookie: pwned=1\r\n\r\n<html>",
  "a, evil=?1; x=y",
  "%e4%b8 %% %",
  "x\uD800 lone surrogate",
  "來".repeat(200),
  "  spaces around  ",
  "\u00e9 é (combining) Ω",
];
const FIELD_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const VISIBLE_ASCII = /^[\t\x20-\x7e]*$/;
const INJECTED = ["x-injected", "set-cookie", "evil"];

const findings: string[] = [];
let responsesChecked = 0;
let licenceHeadersParsed = 0;

/** Problems with a raw response's header block: bad names, raw non-ASCII, injected or duplicated headers. */
function headerProblems(where: string, res: RawResponse): string[] {
  responsesChecked++;
  const problems: string[] = [];
  res.headerLines.forEach((line, i) => {
    const name = res.names[i]!;
    if (!FIELD_TOKEN.test(name)) problems.push(`${where}: header line is not "name: value": ${JSON.stringify(line.slice(0, 120))}`);
    if (!VISIBLE_ASCII.test(line.slice(line.indexOf(":") + 1))) problems.push(`${where}: raw non-ASCII or control byte in ${name}`);
    if (INJECTED.includes(name)) problems.push(`${where}: injected header ${name}`);
  });
  for (const once of ["syndication-license", "link", "content-type"]) {
    if (res.get(once).length > 1) problems.push(`${where}: ${once} appears ${res.get(once).length} times`);
  }
  for (const link of res.get("link")) {
    for (const member of splitOutsideQuotes(link, ",")) {
      if (!/^\s*<[^<>\s]*>(\s*;\s*[a-z*]+="[^"]*"|\s*;\s*[a-z*]+=[!#$%&'*+.^_`|~0-9A-Za-z-]+)+\s*$/.test(member)) {
        problems.push(`${where}: Link member does not parse: ${JSON.stringify(member.slice(0, 160))}`);
      }
    }
  }
  return problems;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  let angled = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === "\\") {
      current += c + (text[++i] ?? "");
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === "<") angled = true;
    else if (!quoted && c === ">") angled = false;
    if (c === separator && !quoted && !angled) {
      out.push(current);
      current = "";
    } else current += c;
  }
  out.push(current);
  return out;
}

/**
 * Parses Syndication-License. structured-headers' parser only reads a Date as the last member
 * (measured), so `expires=@…` is moved to the end first; the header itself is left as served.
 */
function parseLicence(header: string): Map<string, unknown> {
  const members = splitOutsideQuotes(header, ",").map((m) => m.trim());
  const dates = members.filter((m) => /^expires=@-?\d+$/.test(m));
  const reordered = [...members.filter((m) => !dates.includes(m)), ...dates].join(", ");
  licenceHeadersParsed++;
  return new Map([...parseDictionary(reordered)].map(([k, [value]]) => [k, value]));
}

async function raw(path: string, init: { method?: string; headers?: Record<string, string>; host?: string | null } = {}) {
  const headers = Object.entries(init.headers ?? {}).map(([k, v]) => `\r\n${k}: ${v}`);
  const host = init.host === null ? "" : `\r\nHost: ${init.host ?? `127.0.0.1:${server.port}`}`;
  return rawRequest(server.port, `${init.method ?? "GET"} ${path} HTTP/1.1${host}${headers.join("")}`);
}

describe("header safety", () => {
  beforeAll(async () => {
    // Articles whose own rights text is hostile, in every section the partners below can see.
    const articles = HOSTILE.map((text, i) =>
      stressArticle(`hdr-article-${i}`, 1, i % 2 ? "yaowen" : "wenlv", 1000 + i, {
        rights: { syndication: "full", attribution: text, copyright: text },
      }),
    );
    const res = await signedPost(server, articles);
    expect(res.status).toBe(200);
  });

  it("keeps hostile article rights text out of public feed headers and the feeds valid", async () => {
    await expectFeedsServe(server);
    const shown = await pollUntil(async () => {
      const reply = await send(`${server.url}/feeds/all.json?limit=100`);
      return (
        reply.status === 200 && (reply.body.items as any[]).filter((i) => String(i.url).includes("hdr-article-")).length === HOSTILE.length
      );
    }, 30_000);
    expect(shown).toBe(true);
    const feeds: FetchedFeed[] = [];
    for (const section of ["all", "yaowen", "wenlv"]) {
      for (const format of FORMATS) {
        for (const method of ["GET", "HEAD"]) {
          const res = await raw(`/feeds/${section}.${format}?limit=100`, { method });
          expect(res.status).toBe(200);
          findings.push(...headerProblems(`${method} /feeds/${section}.${format}`, res));
          const licence = parseLicence(res.get("syndication-license")[0] ?? "");
          expect(licence.get("attribution")).toBeInstanceOf(DisplayString);
          if (method === "GET") feeds.push({ name: `/feeds/${section}.${format}`, format, body: res.body.toString("utf8") });
        }
      }
    }
    const invalid = validateFeeds(feeds);
    expect([...invalid].map(([name, p]) => `${name}: ${p.join("; ")}`)).toEqual([]);
    expect(findings).toEqual([]);
  });

  it("never lets a partner's licence attribution split, break or inject a header", async () => {
    const admin = { Authorization: `Bearer ${server.secrets.ADMIN_TOKEN}`, "Content-Type": "application/json" };
    let accepted = 0;
    for (const [i, attribution] of HOSTILE.entries()) {
      const partner = {
        name: `Partner ${attribution}`,
        sections: ["*"],
        license: { id: `lic-hdr-${i}`, url: "https://licences.example/hdr?a=1&b=2", attribution, expires_at: "2099-01-01T00:00:00Z" },
      };
      const put = await send(`${server.url}/v1/partners/hdr-${i}`, { method: "PUT", headers: admin, body: JSON.stringify(partner) });
      expect(put.status, JSON.stringify(put.body)).toBeLessThan(500);
      if (put.status >= 400) {
        expect(put.status).toBe(422);
        continue;
      }
      accepted++;
      const stored = (await send(`${server.url}/v1/partners/hdr-${i}`, { headers: admin })).body;
      const issued = await send(`${server.url}/v1/partners/hdr-${i}/keys`, { method: "POST", headers: admin });
      expect(issued.status).toBe(201);
      const key = issued.body.key as string;
      for (const format of FORMATS) {
        for (const method of ["GET", "HEAD"]) {
          const path = `/partner/feeds/all.${format}`;
          const res = await raw(path, { method, headers: { Authorization: `Bearer ${key}` } });
          expect(res.status, `${method} ${path} for hdr-${i}`).toBe(200);
          findings.push(...headerProblems(`${method} ${path} (attribution ${i})`, res));
          const licence = parseLicence(res.get("syndication-license")[0] ?? "");
          const shownAttribution = licence.get("attribution");
          expect(shownAttribution).toBeInstanceOf(DisplayString);
          // What the header carries is exactly what the service holds, decoded.
          expect((shownAttribution as DisplayString).toString()).toBe(stored.license.attribution);
          expect(String(licence.get("url"))).toBe(stored.license.url);
          expect(licence.get("expires")).toBeInstanceOf(Date);
          if (method === "GET") {
            const invalid = validateFeeds([{ name: path, format, body: res.body.toString("utf8") }]);
            findings.push(...[...invalid].map(([name, p]) => `${name} (attribution ${i}): ${p.join("; ")}`));
          }
        }
      }
      const withdrawals = await raw("/partner/withdrawals?since=2020-01-01T00:00:00Z", { headers: { Authorization: `Bearer ${key}` } });
      expect(withdrawals.status).toBeLessThan(500);
      findings.push(...headerProblems(`/partner/withdrawals (attribution ${i})`, withdrawals));
      const page = await raw(`/licenses/lic-hdr-${i}`);
      expect(page.status).toBeLessThan(500);
      findings.push(...headerProblems(`/licenses/lic-hdr-${i}`, page));
    }
    expect(accepted).toBeGreaterThan(HOSTILE.length / 2);
    figures("headers", { hostile_values: HOSTILE.length, partners_accepted: accepted });
    expect(findings).toEqual([]);
  });

  it("keeps headers whole whatever Host a request names", async () => {
    await expectFeedsServe(server);
    const hosts: (string | null)[] = [
      'evil.example">; rel="stylesheet',
      "evil.example, <https://evil.example/>",
      "例子.example",
      "xn--fsqu00a.example",
      "127.0.0.1:1/../..",
      "a b",
      "%0d%0aX-Injected:%20yes",
      "user@evil.example",
      "evil.example:99999",
      null,
    ];
    let refusedBeforeWorker = 0;
    for (const host of hosts) {
      // A Host no URL can be built from never reaches the Worker: wrangler dev answers a plain-text
      // 500 itself ("Invalid URL string", logged as an uncaught exception in workerd), Cloudflare's
      // edge a 400. Counted apart; it is not the product's answer.
      if (host !== null && !URL.canParse(`http://${host}/`)) {
        const res = await raw("/feeds/yaowen.rss", { host });
        if (res.status === 500 && res.get("content-type").length === 0) refusedBeforeWorker++;
        else findings.push(...headerProblems(`Host ${JSON.stringify(host)}`, res));
        continue;
      }
      for (const format of FORMATS) {
        let res: RawResponse;
        try {
          res = await raw(`/feeds/yaowen.${format}`, { host });
        } catch {
          continue; // the server may drop a request it cannot parse; that is not a broken header
        }
        expect(res.status, `Host ${JSON.stringify(host)}`).toBeLessThan(500);
        findings.push(...headerProblems(`Host ${JSON.stringify(host)} /feeds/yaowen.${format}`, res));
        if (res.status === 200) parseLicence(res.get("syndication-license")[0] ?? "");
      }
    }
    figures("headers", {
      hosts_refused_before_worker: refusedBeforeWorker,
      responses_checked: responsesChecked,
      licence_headers_parsed: licenceHeadersParsed,
      header_findings: findings.length,
    });
    expect(findings).toEqual([]);
  });
});
