// Turns a section snapshot into the KV entries the read path serves from.
// Runs inside the Newsroom Durable Object when it publishes, never on a reader's request.
import type { KvWrite, SectionSnapshot } from "../newsroom/snapshot";
import { snapshotKey } from "../storage/kv-keys";

export function sectionOutputs(snapshot: SectionSnapshot): KvWrite[] {
  return [{ key: snapshotKey(snapshot.section), value: JSON.stringify(snapshot) }];
}
