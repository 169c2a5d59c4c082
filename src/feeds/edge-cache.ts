// Workers Cache, Cloudflare's cache in front of the Worker (a production option, docs/architecture.md):
// public feed answers carry a Cache-Tag naming the section they were built from, and when a section's
// publish has landed in KV its tag is purged. A purge is scoped to the entrypoint that calls it, so the
// Durable Object cannot purge the Worker's cache itself: it queues the tag, and the Worker's `queue()`
// handler purges. Local development has no Workers Cache (`ctx.cache` is undefined): the tag is inert
// there and the purge is skipped, so the read path never relies on it.

/** The response header Workers Cache reads tags from (comma-separated). */
export const CACHE_TAG_HEADER = "Cache-Tag";

/** Tags every public answer built from a section's published outputs: its feeds in each format, filter and script. */
export const sectionCacheTag = (section: string) => `feeds/${section}`;

/** What the Newsroom queues for the Worker to purge. */
export interface EdgePurgeMessage {
  tags: string[];
}

/** What purges: `ctx.cache` in production, a stand-in under test. */
export interface EdgeCache {
  purge(options: { tags: string[] }): Promise<{ success: boolean; errors: { code: number; message: string }[] }>;
}

/** Is Workers Cache switched on for this deployment (`WORKERS_CACHE = "true"`, with `[cache] enabled = true`)? */
export const workersCacheEnabled = (env: Pick<Env, "WORKERS_CACHE">) => String(env.WORKERS_CACHE) === "true";

/** The Newsroom's side: a section's publish has landed, so cached answers built from the old one must go. */
export async function requestSectionPurge(env: Pick<Env, "WORKERS_CACHE" | "EDGE_PURGE">, section: string): Promise<void> {
  if (!workersCacheEnabled(env)) return;
  await env.EDGE_PURGE.send({ tags: [sectionCacheTag(section)] } satisfies EdgePurgeMessage);
}

/**
 * The Worker's side: purges every tag of a batch in one call. A failed purge throws, so the queue retries
 * the batch; with no Workers Cache here (local development) there is nothing to purge and the batch is done.
 */
export async function purgeBatch(batch: MessageBatch<EdgePurgeMessage>, cache: EdgeCache | undefined): Promise<string[]> {
  const tags = [...new Set(batch.messages.flatMap((message) => message.body.tags))];
  if (cache) {
    const result = await cache.purge({ tags });
    if (!result.success) throw new Error(`purge of ${tags.join(", ")} failed: ${JSON.stringify(result.errors)}`);
  }
  batch.ackAll();
  return cache ? tags : [];
}
