// The gate every partner pull goes through, shared by the feeds and the change feed: the key from
// the request, its partner from the key's digest in KV, and one RPC to that partner's desk (key,
// rate limit, licence, usage count). Every refusal becomes problem+json here.
import { CACHE_CONTROL } from "../config/cache";
import { isolateMemo, textBytes } from "../feeds/isolate-memo";
import { ProblemError } from "../http/problem";
import { partnerKeyKey } from "../storage/kv-keys";
import type { PullOutcome, PullRequest } from "./desk";
import { keyHash, partnerDesk, presentedKey } from "./keys";

/** Never in a shared cache; a private cache revalidates every time, so revocation and expiry apply at once. */
export const PRIVATE = { "Cache-Control": CACHE_CONTROL.partner, Vary: "Authorization" };

export function requireKey(authorization: string | undefined, url: URL): string {
  const key = presentedKey(authorization, url);
  if (key === null) throw unauthorized("This feed needs a partner key: `Authorization: Bearer <key>` (or `?key=<key>`).");
  return key;
}

/**
 * The key's digest and its partner's id, from KV (or what this isolate read of it within `memoMs`: a digest
 * names one partner for good, and the desk still decides whether the key is current); `alongside` is read
 * in parallel with the lookup.
 */
export async function keyPartner<T>(
  kv: KVNamespace,
  key: string,
  alongside: Promise<T>,
  memoMs = 0,
): Promise<readonly [string, string, T]> {
  const hash = await keyHash(key);
  const lookup = isolateMemo.recent(partnerKeyKey(hash), memoMs, async () => {
    const id = await kv.get(partnerKeyKey(hash));
    return { value: id, bytes: textBytes(id) };
  });
  const [partnerId, other] = await Promise.all([lookup, alongside]);
  if (partnerId === null) throw unauthorized("This partner key is not valid (it may have been replaced by a newer one).");
  return [partnerId, hash, other] as const;
}

/** One RPC to the partner's desk. */
export async function pull(env: Env, partnerId: string, request: PullRequest): Promise<Extract<PullOutcome, { kind: "ok" }>> {
  const outcome = await partnerDesk(env, partnerId).pull(request);
  switch (outcome.kind) {
    case "ok":
      return outcome;
    case "unauthorized":
      throw unauthorized("This partner key is not valid (it may have been replaced by a newer one).");
    case "rate-limited":
      throw new ProblemError(429, "Too many pulls this minute for your licence; try again after Retry-After seconds.", {
        headers: { ...PRIVATE, "Retry-After": String(outcome.retryAfterSeconds) },
      });
    case "forbidden":
      throw new ProblemError(403, outcome.detail, { headers: PRIVATE });
  }
}

export function unauthorized(detail: string): ProblemError {
  return new ProblemError(401, detail, { headers: { ...PRIVATE, "WWW-Authenticate": 'Bearer realm="partner"' } });
}
