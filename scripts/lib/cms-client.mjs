// Signs and sends deliveries as the CMS does (Standard Webhooks), for npm start, npm run push,
// the benchmark and the end-to-end tests. Runs under Node, outside the Worker.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";

/** Reads KEY=value lines from .dev.vars (or returns {} when there is none). */
export function readDevVars(path = ".dev.vars") {
  try {
    return Object.fromEntries(
      readFileSync(path, "utf8")
        .split("\n")
        .map((line) => line.match(/^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/))
        .filter(Boolean)
        .map((m) => [m[1], m[2]]),
    );
  } catch {
    return {};
  }
}

export function signedHeaders(secret, body, { id = `msg_${randomUUID()}`, at = new Date() } = {}) {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, at, body),
  };
}

/** POSTs one article or an array of them; resolves to { status, body }. */
export async function pushArticles(baseUrl, secret, payload, options = {}) {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const res = await fetch(new URL("/v1/articles", baseUrl), {
    method: "POST",
    headers: { "Content-Type": "application/json", ...signedHeaders(secret, body, options) },
    body,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** DELETEs (withdraws) one article; resolves to { status, body }. */
export async function withdrawArticle(baseUrl, secret, id, options = {}) {
  const res = await fetch(new URL(`/v1/articles/${encodeURIComponent(id)}`, baseUrl), {
    method: "DELETE",
    headers: signedHeaders(secret, "", options),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}
