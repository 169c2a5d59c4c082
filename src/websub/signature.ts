// X-Hub-Signature: the HMAC of a pushed body keyed with the subscriber's hub.secret, in hex, so the
// subscriber can tell our pushes from forgeries. SHA-256 unless WEBSUB_SIGNATURE=sha1 (for readers
// that still accept only SHA-1).

export type SignatureMethod = "sha256" | "sha1";

export function signatureMethod(env: { WEBSUB_SIGNATURE?: string }): SignatureMethod {
  return String(env.WEBSUB_SIGNATURE ?? "")
    .trim()
    .toLowerCase() === "sha1"
    ? "sha1"
    : "sha256";
}

const encoder = new TextEncoder();

export async function hubSignature(method: SignatureMethod, secret: string, body: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: method === "sha1" ? "SHA-1" : "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, body));
  return `${method}=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
