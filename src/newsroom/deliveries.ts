// Replay memory: a signed delivery (webhook-id) is applied once; a replay gets the first answer
// unchanged and changes nothing. Senders may not re-sign after 5 minutes, so a day is ample.

/** Replayed webhook-ids are recognised this long. */
const DELIVERY_MEMORY_MS = 24 * 3600 * 1000;

/**
 * The first answer to `deliveryId`, or `apply()`'s, remembered. A null answer (nothing to act on)
 * is not remembered. Synchronous: call it inside the delivery's transaction.
 */
export function oncePerDelivery<T>(sql: SqlStorage, deliveryId: string, now: number, apply: () => T): T {
  const replay = sql.exec<{ response: string }>("SELECT response FROM deliveries WHERE webhook_id = ?", deliveryId).toArray()[0];
  if (replay) return JSON.parse(replay.response) as T;
  const response = apply();
  if (response !== null) {
    sql.exec("INSERT INTO deliveries (webhook_id, received_ms, response) VALUES (?, ?, ?)", deliveryId, now, JSON.stringify(response));
  }
  return response;
}

/** Through the `deliveries_received` index (migration 8): a range of old rows, not a scan of the memory. */
export function forgetOldDeliveries(sql: SqlStorage, now: number): void {
  sql.exec("DELETE FROM deliveries WHERE received_ms < ?", now - DELIVERY_MEMORY_MS);
}
