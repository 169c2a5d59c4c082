// Generates the TypeScript types in src/model/*.gen.ts from the JSON Schemas in schemas/,
// so the schema stays the one source of truth. `--check` fails when a generated file is stale.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { compile } from "json-schema-to-typescript";

const check = process.argv.includes("--check");
let stale = 0;
for (const file of readdirSync("schemas").filter((f) => f.endsWith(".schema.json"))) {
  const schema = JSON.parse(readFileSync(`schemas/${file}`, "utf8"));
  const name = file.replace(".schema.json", "");
  const banner = `// Generated from schemas/${file} by scripts/gen-types.mjs. Do not edit; run \`npm run types\`.`;
  const ts = await compile(schema, schema.title, {
    bannerComment: banner,
    ignoreMinAndMaxItems: true,
    unreachableDefinitions: true,
    additionalProperties: false,
    cwd: "schemas",
    style: { useTabs: false, tabWidth: 2, printWidth: 120, semi: true, singleQuote: false },
  });
  const target = `src/model/${name}.gen.ts`;
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {}
  if (current === ts) continue;
  if (check) {
    console.error(`${target} is out of date with schemas/${file}: run \`npm run types\``);
    stale++;
  } else {
    writeFileSync(target, ts);
    console.log(`wrote ${target}`);
  }
}
process.exit(stale ? 1 : 0);
