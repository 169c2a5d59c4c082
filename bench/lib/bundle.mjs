// Bundles bench/product.ts (the product's pure feed code) with esbuild for an in-process run under Node.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

export async function loadProduct() {
  const outfile = join(mkdtempSync(join(tmpdir(), "bench-product-")), "product.mjs");
  await build({
    entryPoints: [fileURLToPath(new URL("../product.ts", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "es2022",
    outfile,
    logLevel: "warning",
  });
  return import(pathToFileURL(outfile).href);
}
