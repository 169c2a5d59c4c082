// The README's benchmark table: every target of the latest whole run, with what it measured, written
// between two markers in README.md so the README always shows the latest run, never a hand-copied one.
// `npm run bench` writes it after a whole run (not after BENCH_ONLY subsets, which measure part of the
// targets); `node bench/lib/readme-targets.mjs` writes it again from bench/results/latest.json, and with
// `--check` (in `npm run check`) fails when the README's table is not that file's.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { table } from "./report.mjs";

const START = "<!-- bench:targets:start (written by npm run bench from bench/results/latest.json; do not edit) -->";
const END = "<!-- bench:targets:end -->";

/** The Markdown between the markers: which run, then one row per target. */
export function readmeTargets(results) {
  const failed = results.targets.filter((t) => !t.pass).length;
  const lines = [
    `Latest run: ${results.started_at.slice(0, 16).replace("T", " ")} UTC on code ${results.code?.commit ?? "?"}` +
      `${results.code?.src_changes?.length ? " (with uncommitted changes under src/)" : ""}, ` +
      `${results.settings.archive.toLocaleString("en-US")} stored articles at the large scale, ${results.minutes} min, ` +
      `load average ${results.load_average_at_start?.join(" ")} at the start. ` +
      `${results.targets.length - failed} of ${results.targets.length} targets met.` +
      (results.aborted ? ` **The run stopped early:** ${results.aborted.split("\n")[0]}` : ""),
    "",
    table(
      ["target", "measured", ""],
      results.targets.map((t) => [t.target, t.measured, t.pass ? "pass" : "**FAIL**"]),
    ),
  ];
  return lines.join("\n");
}

/** The README with the table of `results` between the markers. */
function withTargets(readme, results) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`the README has no benchmark markers (${START} … ${END})`);
  return `${readme.slice(0, start + START.length)}\n\n${readmeTargets(results)}\n\n${readme.slice(end)}`;
}

export function writeReadmeTargets(results, readmePath = "README.md") {
  writeFileSync(readmePath, withTargets(readFileSync(readmePath, "utf8"), results));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const latest = JSON.parse(readFileSync("bench/results/latest.json", "utf8"));
  if (!process.argv.includes("--check")) writeReadmeTargets(latest);
  else if (withTargets(readFileSync("README.md", "utf8"), latest) !== readFileSync("README.md", "utf8")) {
    console.error("README.md: the benchmark table is not bench/results/latest.json's; run node bench/lib/readme-targets.mjs");
    process.exit(1);
  }
}
