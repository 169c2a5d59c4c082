// Partner keys: 256 random bits, shown once, kept only as a SHA-256 digest. The Worker finds a key's
// partner by that digest in KV (partner-key:{sha256}); the partner's PartnerDesk decides whether it is
// still the current key, so revocation is immediate even where KV has not caught up.
import { bearerToken } from "../http/admin-auth";

const KEY_PREFIX = "fsp_";
/** `fsp_` and 43 base64url characters; anything else is not worth a KV read. */
const KEY_SHAPE = /^fsp_[A-Za-z0-9_-]{43}$/;

export function newPartnerKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return KEY_PREFIX + btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export async function keyHash(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The key a partner sent: `Authorization: Bearer <key>`, else `?key=` for fetchers that cannot set
 * headers. null when neither holds something shaped like a key.
 */
export function presentedKey(authorization: string | undefined, url: URL): string | null {
  const key = bearerToken(authorization) ?? url.searchParams.get("key");
  return key !== null && KEY_SHAPE.test(key) ? key : null;
}

export function partnerDesk(env: Env, id: string) {
  return env.PARTNER_DESK.get(env.PARTNER_DESK.idFromName(id));
}
