// The benchmark's archive: generated articles (scripts/lib/sample-articles.mjs) about the size of
// the seed article (~2.8 KB of JSON each), published an hour apart, newest last. Article n is the
// same whichever slice asks for it, so any slice of the archive can be pushed in any order.
import { sampleArticles } from "../../scripts/lib/sample-articles.mjs";

/** Paragraphs per body: 16 gives ~2.8 KB of JSON per article, the seed article's order of size. */
export const BODY_PARAGRAPHS = 16;
const START = Date.parse("2020-01-01T00:00:00+08:00");
/** sampleArticles cycles sections every 8 and sources every 5: generate in aligned blocks of 40. */
const BLOCK = 40;

function block(b) {
  const from = b * BLOCK;
  return sampleArticles(BLOCK, { seed: 7 + b, start: START + from * 3_600_000, bodyParagraphs: BODY_PARAGRAPHS }).map((a, i) => {
    const n = from + i + 1;
    return { ...a, id: `bench-${String(n).padStart(6, "0")}`, title: a.title.replace(/\(\d+\)$/, `(${n})`) };
  });
}

/** Articles number `from + 1` … `from + count` of the archive. */
export function archiveSlice(from, count) {
  const out = [];
  for (let b = Math.floor(from / BLOCK); b * BLOCK < from + count; b++) out.push(...block(b));
  const skip = from - Math.floor(from / BLOCK) * BLOCK;
  return out.slice(skip, skip + count);
}
