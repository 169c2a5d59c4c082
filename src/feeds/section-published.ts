// How the Newsroom says "this section's publish has landed in KV" without knowing who listens:
// src/index.ts registers the listeners (the WebSub hub), so the Newsroom never imports them.
import type { PublishedSection } from "./publish";

export type SectionListener = (env: Env, published: PublishedSection) => Promise<void>;

const listeners: SectionListener[] = [];

export function onSectionPublished(listener: SectionListener): void {
  if (!listeners.includes(listener)) listeners.push(listener);
}

/** Tells every listener; a listener's failure is logged, never the publisher's problem. */
export async function announceSectionPublished(env: Env, published: PublishedSection): Promise<void> {
  const outcomes = await Promise.allSettled(listeners.map((listener) => listener(env, published)));
  for (const outcome of outcomes) {
    if (outcome.status === "rejected") console.error(`a listener of section ${published.index.section} failed:`, String(outcome.reason));
  }
}
