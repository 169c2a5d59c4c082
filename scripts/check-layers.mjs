// Checks that every import between src/ folders points down the layers (npm run check runs it):
//   config  <-  model  <-  http, storage  <-  feeds  <-  newsroom, partners, discovery (and any new area)  <-  ingest  <-  src/index.ts
// A folder imports only from layers below its own; folders on one layer never import each other (they
// talk through a lower-layer interface, a binding, or src/index.ts wiring). Type-only imports count too.
// ingest is the CMS's HTTP face of the Newsroom, so it sits above the areas.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve(import.meta.dirname, "..", "src");
/** Each folder's layer; a folder not named here is an area on the areas' layer. */
const LAYERS = { config: 0, model: 1, http: 2, storage: 2, feeds: 3, ingest: 5 };
const AREA_LAYER = 4;

const layerOf = (folder) => LAYERS[folder] ?? AREA_LAYER;

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

const problems = [];
for (const file of sources(SRC)) {
  const from = relative(SRC, file).split("/");
  if (from.length === 1) continue; // src/index.ts wires everything
  const text = readFileSync(file, "utf8");
  for (const [, spec] of text.matchAll(/(?:import|export)\s[^;]*?from\s+"(\.{1,2}\/[^"]+)"/g)) {
    const to = relative(SRC, resolve(dirname(file), spec)).split("/");
    if (to[0] === ".." || to.length === 1 || to[0] === from[0]) continue; // outside src/ (schemas), src/index.ts, or within the folder
    const arrow = `${from[0]}->${to[0]}`;
    if (layerOf(to[0]) >= layerOf(from[0]))
      problems.push(`${relative(resolve(SRC, ".."), file)} imports ${spec} (${arrow} does not point down)`);
  }
}

if (problems.length > 0) {
  console.error(`Imports that do not point down the layers:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
