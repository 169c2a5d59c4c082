// The hub's side of the Newsroom's signal: when a section's publish has landed in KV, its shard
// hears of it with the section's new index (the Newsroom holds it; KV may not show it everywhere yet). Nothing is sent to a shard that has no subscriptions, and a
// section whose hub never had one is not even asked (one KV read instead of waking a Durable Object).
import type { PublishedSection } from "../feeds/publish";
import { websubListeningKey } from "../storage/kv-keys";
import { hubShard } from "./stub";

export async function notifyHub(env: Env, published: PublishedSection): Promise<void> {
  if ((await env.FEEDS.get(websubListeningKey(published.index.section))) === null) return;
  const shard = hubShard(env, published.index.section);
  if (!(await shard.wants())) return;
  await shard.sectionPublished(published);
}
