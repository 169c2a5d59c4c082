// Change-feed cursors: a position in the change log, encrypted and bound to one partner. AES-GCM
// with the partner's id as associated data, so a cursor reveals nothing (not even how many changes
// other partners' content made), cannot be edited into another position, and is refused when
// another partner presents it. The key is derived from ADMIN_TOKEN with HKDF: replacing that
// secret invalidates every cursor (partners then start again without one).

/** Anything longer is not one of ours, and is refused before any cryptography. */
export const CURSOR_MAX_LENGTH = 64;
const FORMAT = 1;
const IV_BYTES = 12;
const SEQ_BYTES = 6;
const SHAPE = /^[A-Za-z0-9_-]+$/;

const keys = new Map<string, Promise<CryptoKey>>();

/**
 * The cursor key for `algorithm`: the same HKDF output either way, so AES-CTR with it reads the position
 * an AES-GCM cursor holds (GCM encrypts with CTR) without checking it.
 */
function cursorKey(secret: string, algorithm: "AES-GCM" | "AES-CTR" = "AES-GCM"): Promise<CryptoKey> {
  const name = `${algorithm}|${secret}`;
  let key = keys.get(name);
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new TextEncoder().encode("partner-change-cursor"), info: new Uint8Array([FORMAT]) },
        material,
        { name: algorithm, length: 128 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
    if (keys.size >= 4) keys.clear();
    keys.set(name, key);
  }
  return key;
}

/**
 * Cursors sealed in this isolate, by partner and position (for the current secret). Any cursor for a position
 * serves as well as another, and sealing one per change shown is most of a change pull's own work.
 */
const sealed = new Map<string, string>();
let sealedUnder: string | null = null;
const SEALED_MAX = 20_000;

/** The cursor that resumes right after log position `seq` (0: before the first entry). */
export async function encodeCursor(secret: string, partnerId: string, seq: number): Promise<string> {
  if (sealedUnder !== secret) {
    sealed.clear();
    sealedUnder = secret;
  }
  const name = `${partnerId}\u0000${seq}`;
  const held = sealed.get(name);
  if (held !== undefined) return held;
  const cursor = await sealCursor(secret, partnerId, seq);
  if (sealed.size >= SEALED_MAX) sealed.delete(sealed.keys().next().value!);
  sealed.set(name, cursor);
  return cursor;
}

async function sealCursor(secret: string, partnerId: string, seq: number): Promise<string> {
  const plain = new Uint8Array(1 + SEQ_BYTES);
  plain[0] = FORMAT;
  let rest = seq;
  for (let i = SEQ_BYTES; i >= 1; i--) {
    plain[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(partnerId) },
      await cursorKey(secret),
      plain,
    ),
  );
  const out = new Uint8Array(IV_BYTES + sealed.byteLength);
  out.set(iv);
  out.set(sealed, IV_BYTES);
  return base64url(out);
}

/** The position a cursor resumes after, or null for anything this partner was not given by us. */
export async function decodeCursor(secret: string, partnerId: string, cursor: string): Promise<number | null> {
  if (cursor.length > CURSOR_MAX_LENGTH || !SHAPE.test(cursor)) return null;
  const bytes = fromBase64url(cursor);
  if (bytes === null || bytes.byteLength !== IV_BYTES + 1 + SEQ_BYTES + 16) return null;
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: bytes.slice(0, IV_BYTES), additionalData: new TextEncoder().encode(partnerId) },
        await cursorKey(secret),
        bytes.slice(IV_BYTES),
      ),
    );
  } catch {
    return null; // tampered, or sealed for another partner or under another secret
  }
  if (plain[0] !== FORMAT) return null;
  return seqOf(plain);
}

/**
 * The position a cursor claims, read WITHOUT checking that it is genuine or this partner's: only for reading
 * ahead (the log page it points into) while the key's partner is looked up. decodeCursor decides; null when
 * the cursor is not even shaped like one of ours.
 */
export async function peekCursor(secret: string, cursor: string): Promise<number | null> {
  if (cursor.length > CURSOR_MAX_LENGTH || !SHAPE.test(cursor)) return null;
  const bytes = fromBase64url(cursor);
  if (bytes === null || bytes.byteLength !== IV_BYTES + 1 + SEQ_BYTES + 16) return null;
  // GCM with a 96-bit IV encrypts with CTR from the counter block IV ‖ 00000002 (NIST SP 800-38D, 7.1).
  const counter = new Uint8Array(16);
  counter.set(bytes.slice(0, IV_BYTES));
  counter[15] = 2;
  const plain = new Uint8Array(
    await crypto.subtle.decrypt(
      { name: "AES-CTR", counter, length: 32 },
      await cursorKey(secret, "AES-CTR"),
      bytes.slice(IV_BYTES, IV_BYTES + 1 + SEQ_BYTES),
    ),
  );
  if (plain[0] !== FORMAT) return null;
  return seqOf(plain);
}

function seqOf(plain: Uint8Array): number {
  let seq = 0;
  for (let i = 1; i <= SEQ_BYTES; i++) seq = seq * 256 + plain[i]!;
  return seq;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array | null {
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
