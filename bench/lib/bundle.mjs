// Bundles bench/product.ts (the product's pure feed code) with esbuild for an in-process run under Node.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

export async function loadProduct() {
  const dir = mkdtempSync(join(tmpdir(), "bench-product-"));
  const outfile = join(dir, "product.mjs");
  await build({
    entryPoints: [fileURLToPath(new URL("../product.ts", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "es2022",
    outfile,
    logLevel: "warning",
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
