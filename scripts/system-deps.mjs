// Before `npm test`: the end-to-end tests drive real clients that come from Debian, not npm. Each
// package below is checked by what the tests actually use; what is missing is installed with apt when
// we are root on Debian, and otherwise the run stops at once naming the packages — never a silent skip.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Debian package → how to tell it is usable, and which tests need it. */
const SYSTEM_PACKAGES = [
  { name: "chromium", for: "browser views (tests/e2e/browser.test.ts)", present: () => existsSync("/usr/bin/chromium") },
  {
    name: "python3-feedparser",
    for: "the reference feed parser (tests/e2e/helpers/parsers.ts)",
    present: () => spawnSync("/usr/bin/python3", ["-c", "import feedparser"], { stdio: "ignore" }).status === 0,
  },
  { name: "fonts-noto-cjk", for: "Chinese text in browser screenshots", present: () => dpkgInstalled("fonts-noto-cjk") },
];

function dpkgInstalled(name) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format string
  const result = spawnSync("dpkg-query", ["-W", "-f=${Status}", name], { encoding: "utf8" });
  return result.status === 0 && result.stdout.includes("install ok installed");
}

function canApt() {
  return process.getuid?.() === 0 && spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
}

const missing = SYSTEM_PACKAGES.filter((p) => !p.present());
if (missing.length > 0) {
  const names = missing.map((p) => p.name);
  if (!canApt()) {
    console.error("The tests need these Debian packages, which are not installed:");
    for (const p of missing) console.error(`  ${p.name}  — ${p.for}`);
    console.error(`Install them (as root): apt-get install -y --no-install-recommends ${names.join(" ")}`);
    process.exit(1);
  }
  console.log(`Installing from Debian: ${names.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [
    ["update", "-qq"],
    ["install", "-y", "-qq", "--no-install-recommends", ...names],
  ]) {
    const result = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (result.status !== 0) {
      console.error(`apt-get ${args[0]} failed (exit ${result.status}); install by hand: ${names.join(" ")}`);
      process.exit(1);
    }
  }
  const still = missing.filter((p) => !p.present());
  if (still.length > 0) {
    console.error(`Installed, but still not usable: ${still.map((p) => p.name).join(", ")}`);
    process.exit(1);
  }
}
