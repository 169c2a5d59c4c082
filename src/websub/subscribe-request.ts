// POST /websub, read and checked: an application/x-www-form-urlencoded body with hub.mode,
// hub.topic, hub.callback and optional hub.lease_seconds and hub.secret. Every problem found is
// reported at once, each naming its field; nothing is stored for a request that has one.
import { type FieldError, ProblemError } from "../http/problem";
import { checkCallback } from "./callback";
import { parseTopic, type TopicSpec } from "./topic";

export type HubMode = "subscribe" | "unsubscribe";

export interface SubscribeRequest {
  mode: HubMode;
  topic: TopicSpec;
  callback: string;
  /** The callback's host[:port], for per-host limits. */
  host: string;
  /** Granted lease (clamped); ignored for unsubscribe. */
  leaseSeconds: number;
  secret: string | null;
}

export const MIN_LEASE_SECONDS = 3600;
export const MAX_LEASE_SECONDS = 864_000;
export const DEFAULT_LEASE_SECONDS = MAX_LEASE_SECONDS;
/** A lease asked for beyond this (a 32-bit count of seconds) is a mistake, not a wish to be clamped. */
const MAX_REQUESTED_LEASE = 2_147_483_647;
/** The spec: hub.secret MUST be less than 200 bytes. */
const MAX_SECRET_BYTES = 199;
/** Far above any honest request (a 2 KiB callback, a topic, a secret). */
export const MAX_SUBSCRIBE_BODY_BYTES = 8 * 1024;

const FIELDS = ["hub.mode", "hub.topic", "hub.callback", "hub.lease_seconds", "hub.secret"] as const;

export function parseSubscribeForm(form: URLSearchParams, base: string, allowPrivate: boolean): SubscribeRequest {
  const errors: FieldError[] = [];
  const fail = (field: string, detail: string) => errors.push({ pointer: `/${field}`, detail });
  const value: Partial<Record<(typeof FIELDS)[number], string>> = {};
  for (const field of FIELDS) {
    const all = form.getAll(field);
    if (all.length > 1) fail(field, `give ${field} once`);
    else if (all.length === 1) value[field] = all[0]!;
  }

  const mode = value["hub.mode"];
  if (mode === undefined) fail("hub.mode", "required: subscribe or unsubscribe");
  else if (mode !== "subscribe" && mode !== "unsubscribe") fail("hub.mode", `must be subscribe or unsubscribe, not "${mode.slice(0, 40)}"`);

  let topic: TopicSpec | undefined;
  if (value["hub.topic"] === undefined) fail("hub.topic", "required: the self link of one of our public feeds");
  else {
    try {
      topic = parseTopic(value["hub.topic"], base);
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      errors.push(...(error.problem.errors ?? []));
    }
  }

  let callback: { url: string; host: string } | undefined;
  if (value["hub.callback"] === undefined) fail("hub.callback", "required: the absolute http(s) URL the hub will call");
  else {
    const checked = checkCallback(value["hub.callback"], allowPrivate);
    if (checked.ok) callback = checked;
    else fail("hub.callback", checked.detail);
  }

  let leaseSeconds = DEFAULT_LEASE_SECONDS;
  const lease = value["hub.lease_seconds"];
  if (lease !== undefined && mode !== "unsubscribe") {
    const n = /^\d{1,10}$/.test(lease) ? Number(lease) : Number.NaN;
    if (!(n >= 1 && n <= MAX_REQUESTED_LEASE)) {
      fail(
        "hub.lease_seconds",
        `must be a whole number of seconds from 1 to ${MAX_REQUESTED_LEASE} (granted within ${MIN_LEASE_SECONDS}–${MAX_LEASE_SECONDS})`,
      );
    } else leaseSeconds = Math.min(MAX_LEASE_SECONDS, Math.max(MIN_LEASE_SECONDS, n));
  }

  const secret = value["hub.secret"] ?? "";
  if (new TextEncoder().encode(secret).length > MAX_SECRET_BYTES) fail("hub.secret", `must be under 200 bytes (UTF-8)`);

  if (errors.length || !topic || !callback || !mode) {
    throw new ProblemError(
      400,
      `The subscription request is invalid: ${errors.map((e) => `${e.pointer.slice(1)} ${e.detail}`).join("; ")}.`,
      {
        errors,
      },
    );
  }
  return { mode: mode as HubMode, topic, callback: callback.url, host: callback.host, leaseSeconds, secret: secret || null };
}
