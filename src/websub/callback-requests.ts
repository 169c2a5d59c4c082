// The hub's two requests to a subscriber's callback, as the WebSub spec words them: verification of
// intent (GET with a fresh challenge; only a 2xx echoing it exactly confirms) and content
// distribution (POST of the topic's body, signed when there is a secret). Neither follows redirects
// (the spec counts a 3xx as failure) and neither waits longer than its timeout. No storage here.
import { hubUrl } from "../feeds/public-feed";
import { hubSignature, type SignatureMethod } from "./signature";

/** How long the hub waits for a subscriber to answer a verification or a push. */
export const VERIFY_TIMEOUT_MS = 10_000;
export const DELIVERY_TIMEOUT_MS = 10_000;
/** A challenge answer is short; a callback that sends more is not answering one. */
const MAX_CHALLENGE_RESPONSE_BYTES = 1024;
const USER_AGENT = "feed-syndication-edge WebSub hub";

export interface IntentToVerify {
  mode: "subscribe" | "unsubscribe";
  topic: string;
  callback: string;
  leaseSeconds: number;
}

/** GETs the callback with hub.mode, hub.topic, hub.challenge (and hub.lease_seconds to subscribe): did it confirm? */
export async function verifyIntent(intent: IntentToVerify): Promise<boolean> {
  const challenge = randomChallenge();
  const params = new URLSearchParams({ "hub.mode": intent.mode, "hub.topic": intent.topic, "hub.challenge": challenge });
  if (intent.mode === "subscribe") params.set("hub.lease_seconds", String(intent.leaseSeconds));
  // The spec: keep the callback's own query and append ours with "&".
  const { callback } = intent;
  const joiner = callback.includes("?") ? (callback.endsWith("?") || callback.endsWith("&") ? "" : "&") : "?";
  const res = await fetch(`${callback}${joiner}${params}`, {
    method: "GET",
    redirect: "manual",
    headers: { "User-Agent": USER_AGENT },
    signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS),
  });
  if (res.status < 200 || res.status >= 300) {
    await res.body?.cancel();
    return false;
  }
  return (await readCapped(res, MAX_CHALLENGE_RESPONSE_BYTES)) === challenge;
}

export interface Push {
  callback: string;
  topic: string;
  body: Uint8Array;
  contentType: string;
  secret: string | null;
  method: SignatureMethod;
}

/** POSTs a topic's body to a callback: the status it answered (0 for none) and why it failed, if it did. */
export async function pushBody(push: Push): Promise<{ status: number; error: string | null }> {
  const headers: Record<string, string> = {
    "Content-Type": push.contentType,
    Link: `<${hubUrl(new URL(push.topic).origin)}>; rel="hub", <${push.topic}>; rel="self"`,
    "User-Agent": USER_AGENT,
  };
  try {
    if (push.secret !== null) headers["X-Hub-Signature"] = await hubSignature(push.method, push.secret, push.body);
    const res = await fetch(push.callback, {
      method: "POST",
      body: push.body,
      headers,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    await res.body?.cancel(); // The spec: the hub ignores the response body.
    const ok = res.status >= 200 && res.status < 300;
    const redirected = res.status >= 300 && res.status < 400;
    return { status: res.status, error: ok ? null : redirected ? `redirect (${res.status}) is not an answer` : `HTTP ${res.status}` };
  } catch (e) {
    const timedOut = e instanceof Error && e.name === "TimeoutError";
    return { status: 0, error: timedOut ? `no answer in ${DELIVERY_TIMEOUT_MS / 1000} s` : String(e).slice(0, 200) };
  }
}

function randomChallenge(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_");
}

/** The response body as text, or null when it is longer than `max` bytes (then it cannot be the challenge). */
async function readCapped(res: Response, max: number): Promise<string | null> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return new TextDecoder().decode(all);
}
