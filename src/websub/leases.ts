// Leases end: a subscription whose lease has run out goes, with anything still owed to it, and a topic
// nobody subscribes to (or is asking to) goes with its stored body.

export function expireLeases(sql: SqlStorage, now: number): void {
  sql.exec(
    "DELETE FROM deliveries WHERE EXISTS (SELECT 1 FROM subscriptions s WHERE s.topic = deliveries.topic AND s.callback = deliveries.callback AND s.expires_ms <= ?)",
    now,
  );
  sql.exec("DELETE FROM subscriptions WHERE expires_ms <= ?", now);
  sql.exec(
    "DELETE FROM topics WHERE NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.topic = topics.topic) AND NOT EXISTS (SELECT 1 FROM intents i WHERE i.topic = topics.topic)",
  );
}
