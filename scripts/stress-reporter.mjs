// A vitest reporter for `npm run test:stress`: collects the `[stress-figures] {...}` lines the stress
// tests print, prints them as a table, and writes test-artifacts/stress-report.json.
import { mkdirSync, writeFileSync } from "node:fs";

const MARK = "[stress-figures] ";
/** Figures summed across parts for the headline table (docs/reliability.md). */
const TOTALS = ["pushes", "acknowledged", "present", "lost", "5xx", "fuzz_cases", "invalid_feeds", "feeds_checked", "leaked"];

export default class StressReporter {
  parts = {};
  started = Date.now();

  onUserConsoleLog(log) {
    for (const line of String(log.content).split("\n")) {
      const at = line.indexOf(MARK);
      if (at === -1) continue;
      try {
        const figures = JSON.parse(line.slice(at + MARK.length));
        this.parts[figures.part] = { ...this.parts[figures.part], ...figures };
      } catch {}
    }
  }

  onTestRunEnd(testModules, errors, reason) {
    const totals = Object.fromEntries(TOTALS.map((k) => [k, 0]));
    for (const part of Object.values(this.parts)) {
      for (const key of TOTALS) {
        const value = key === "pushes" ? (part.article_pushes ?? part.pushes) : part[key];
        if (typeof value === "number") totals[key] += value;
      }
    }
    const attack = this.parts.attack;
    if (attack?.latency_quiet) totals.ordinary_latency = { quiet: attack.latency_quiet, under_attack: attack.latency_under_attack };
    const report = {
      generated_at: new Date().toISOString(),
      command: "npm run test:stress",
      scale: Number(process.env.STRESS_SCALE ?? "1"),
      duration_s: Math.round((Date.now() - this.started) / 1000),
      result: reason,
      failed_files: testModules.filter((m) => m.state() === "failed").map((m) => m.moduleId),
      unhandled_errors: errors.length,
      totals,
      parts: this.parts,
    };
    mkdirSync("test-artifacts", { recursive: true });
    writeFileSync("test-artifacts/stress-report.json", `${JSON.stringify(report, null, 2)}\n`);
    console.log("\nStress figures (test-artifacts/stress-report.json):");
    for (const [name, { part: _part, scale: _scale, ...rest }] of Object.entries(this.parts)) {
      console.log(
        `  ${name.padEnd(16)} ${Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : v}`)
          .join("  ")}`,
      );
    }
    console.log("Totals:", JSON.stringify(totals), `in ${report.duration_s} s`);
  }
}
