// The machine the figures were measured on.
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

export function machine() {
  const pkg = (name) => JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), "utf8")).version;
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    workerd: pkg("workerd"),
    wrangler: pkg("wrangler"),
    autocannon: pkg("autocannon"),
    feed: pkg("feed"),
    feedsmith: pkg("feedsmith"),
  };
}
