// The headers set around answers (wired in src/index.ts): security headers on every answer, and CORS,
// preflight included, on what the public reads from any origin. Each set is a constant here, so a feed
// answered ahead of the router (src/feeds/fast-path.ts) carries exactly what the middleware would add.
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { PREFLIGHT_MAX_AGE_SECONDS } from "../config/cache";

/** Headers for every HTML page we serve: the CSP forbids scripts and anything not inline. */
export const HTML_PAGE_HEADERS: Record<string, string> = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
};

/**
 * Every answer's security headers: hono's secureHeaders defaults (nosniff, frame and referrer policies, HSTS…,
 * hono 4.13), except that public documents may be read cross-origin (Cross-Origin-Resource-Policy); the test
 * tests/security-headers.test.ts holds them equal to what the middleware sets.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Cross-Origin-Resource-Policy": "cross-origin",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Origin-Agent-Cluster": "?1",
  "Referrer-Policy": "no-referrer",
  "Strict-Transport-Security": "max-age=15552000; includeSubDomains",
  "X-Content-Type-Options": "nosniff",
  "X-DNS-Prefetch-Control": "off",
  "X-Download-Options": "noopen",
  "X-Frame-Options": "SAMEORIGIN",
  "X-Permitted-Cross-Domain-Policies": "none",
  "X-XSS-Protection": "0",
};
const SECURITY_ENTRIES = Object.entries(SECURITY_HEADERS);

/**
 * Sets SECURITY_HEADERS on every answer but a 304 (replacing what a handler set) and drops X-Powered-By. A 304
 * only updates the stored 200, which has them (RFC 9110 §15.4.5: no metadata beyond what guides that update).
 */
export const securityHeaders = createMiddleware(async (c, next) => {
  await next();
  if (c.res.status !== 304) for (const [name, value] of SECURITY_ENTRIES) c.res.headers.set(name, value);
  c.res.headers.delete("X-Powered-By");
});

/** What public readers' scripts may read of an answer besides the CORS-safelisted headers. */
const PUBLIC_EXPOSED_HEADERS = ["ETag", "Last-Modified", "Link", "Syndication-License"];

/** The CORS headers `publicCors` adds to a GET or HEAD (any origin: no Vary on Origin). */
export const PUBLIC_CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Expose-Headers": PUBLIC_EXPOSED_HEADERS.join(","),
};

/** Feeds, the OPML and the OpenAPI document: readable by a script on any origin, validators and licence headers too. */
export const publicCors = cors({
  origin: "*",
  allowMethods: ["GET", "HEAD"],
  exposeHeaders: PUBLIC_EXPOSED_HEADERS,
  maxAge: PREFLIGHT_MAX_AGE_SECONDS,
});

/** Everything the middleware adds to a public read's answer: what a feed answered ahead of the router must carry itself. */
export const PUBLIC_READ_HEADERS: Readonly<Record<string, string>> = { ...SECURITY_HEADERS, ...PUBLIC_CORS_HEADERS };
