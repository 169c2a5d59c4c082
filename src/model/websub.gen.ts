// Generated from schemas/websub.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run types`.

/**
 * A WebSub (un)subscription request: the fields of POST /websub, sent as application/x-www-form-urlencoded (docs/websub.md). Also defines the admin listing GET /v1/websub/subscriptions. The TypeScript types in src/model/websub.gen.ts are generated from this file.
 */
export interface WebSubSubscribeRequest {
  /**
   * What the subscriber asks for.
   */
  "hub.mode": "subscribe" | "unsubscribe";
  /**
   * A public feed URL this service serves, exactly as the feed's self link reads (filters in canonical order).
   */
  "hub.topic": string;
  /**
   * Where the hub verifies intent (GET) and pushes the feed (POST): an absolute http(s) URL, its query kept.
   */
  "hub.callback": string;
  /**
   * The lease asked for, in seconds; granted within 3600–864000 (default 864000). Ignored for unsubscribe.
   */
  "hub.lease_seconds"?: string;
  /**
   * Key for the X-Hub-Signature HMAC of every push; under 200 bytes.
   */
  "hub.secret"?: string;
  [k: string]: unknown;
}
/**
 * GET /v1/websub/subscriptions: the subscriptions of one topic (or of every topic), never a secret.
 *
 * This interface was referenced by `WebSubSubscribeRequest`'s JSON-Schema
 * via the `definition` "subscriptionList".
 */
export interface WebSubSubscriptionList {
  /**
   * The topic asked for, as its self link reads.
   */
  topic?: string;
  subscriptions: WebSubSubscription[];
}
/**
 * This interface was referenced by `WebSubSubscribeRequest`'s JSON-Schema
 * via the `definition` "subscription".
 */
export interface WebSubSubscription {
  topic: string;
  callback: string;
  /**
   * active, or a request whose verification of intent has not finished.
   */
  state: "active" | "pending-subscribe" | "pending-unsubscribe";
  /**
   * Whether pushes carry X-Hub-Signature (a secret was given).
   */
  signed: boolean;
  /**
   * The lease granted (or asked, while pending).
   */
  lease_seconds: number;
  lease_expires_at: string | null;
  created_at: string;
  /**
   * The last push the callback accepted (2xx).
   */
  last_delivery_at: string | null;
  /**
   * The HTTP status of the last push attempt.
   */
  last_status: number | null;
  /**
   * Why the last push failed, when it did.
   */
  last_error: string | null;
  /**
   * Failed pushes since the last success.
   */
  failures: number;
  /**
   * A push (or its retry) is still owed.
   */
  delivery_pending: boolean;
}
