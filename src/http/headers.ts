// The headers hono's middleware sets around answers (wired in src/index.ts): security headers on every
// answer, and CORS, preflight included, on what the public reads from any origin.
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { PREFLIGHT_MAX_AGE_SECONDS } from "../config/cache";

/** Headers for every HTML page we serve: the CSP forbids scripts and anything not inline. */
export const HTML_PAGE_HEADERS: Record<string, string> = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
};

/** hono's defaults (nosniff, frame and referrer policies, HSTS…), except that public documents may be read cross-origin. */
export const securityHeaders = secureHeaders({ crossOriginResourcePolicy: "cross-origin" });

/** Feeds, the OPML and the OpenAPI document: readable by a script on any origin, validators and licence headers too. */
export const publicCors = cors({
  origin: "*",
  allowMethods: ["GET", "HEAD"],
  exposeHeaders: ["ETag", "Last-Modified", "Link", "Syndication-License"],
  maxAge: PREFLIGHT_MAX_AGE_SECONDS,
});
