// The hub's shards: one WebSubHub Durable Object per section (and `all`), named after it.
import { ALL_SECTIONS, SECTIONS } from "../config/publication";
import type { WebSubHub } from "./hub";

export function hubShard(env: Env, section: string): DurableObjectStub<WebSubHub> {
  return env.WEBSUB_HUB.get(env.WEBSUB_HUB.idFromName(`hub:${section}`));
}

export const HUB_SHARDS: readonly string[] = [...SECTIONS.map((s) => s.slug), ALL_SECTIONS];
