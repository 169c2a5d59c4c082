// Standard Webhooks verification of CMS deliveries (docs/ingest.md), with the `standardwebhooks` library:
// HMAC-SHA256 over "{id}.{timestamp}.{body}", constant-time comparison, ±5 minute timestamp tolerance.
import { Webhook } from "standardwebhooks";
import { ProblemError } from "../http/problem";

export interface Delivery {
  /** The sender's `webhook-id`, our key for "a replay has no second effect". */
  id: string;
  body: string;
}

const MAX_WEBHOOK_ID_LENGTH = 256;

export function verifyDelivery(secret: string, body: string, headers: Headers): Delivery {
  const id = headers.get("webhook-id") ?? "";
  const wanted = {
    "webhook-id": id,
    "webhook-timestamp": headers.get("webhook-timestamp") ?? "",
    "webhook-signature": headers.get("webhook-signature") ?? "",
  };
  const missing = Object.entries(wanted)
    .filter(([, v]) => v === "")
    .map(([k]) => k);
  if (missing.length > 0) {
    throw new ProblemError(401, `Missing Standard Webhooks header(s): ${missing.join(", ")}.`);
  }
  if (id.length > MAX_WEBHOOK_ID_LENGTH) {
    throw new ProblemError(401, `webhook-id is longer than ${MAX_WEBHOOK_ID_LENGTH} characters.`);
  }
  if (!/^\d{1,12}$/.test(wanted["webhook-timestamp"])) {
    throw new ProblemError(401, "webhook-timestamp must be unix seconds.");
  }
  const skew = Math.abs(Date.now() / 1000 - Number(wanted["webhook-timestamp"]));
  if (skew > 5 * 60) {
    throw new ProblemError(401, "webhook-timestamp is more than 5 minutes from now; re-sign the delivery.");
  }
  try {
    new Webhook(secret).verify(body, wanted, { jsonParse: false });
  } catch {
    throw new ProblemError(401, "webhook-signature does not match the body; sign it with CMS_WEBHOOK_SECRET.");
  }
  return { id, body };
}
