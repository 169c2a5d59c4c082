// `npm run push -- <article.json>…`: signs article files with Standard Webhooks and posts them as the CMS
// would, then prints each outcome, or the problem details readably. `--delete <id>` withdraws an article.
// Exit status: 0 when every request succeeded, 1 when the service refused one or could not be reached, 2 on bad usage.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { pushArticles, readDevVars, withdrawArticle } from "./lib/cms-client.mjs";

const USAGE = `Usage: npm run push -- <article.json>… [--url <base url>] [--secret <whsec_…>]
       npm run push -- --delete <id> [--url …] [--secret …]

Each file holds one article object or a JSON array of up to 100; it is sent byte for byte.
  --url      the service (default: $FEEDS_URL, else http://127.0.0.1:$PORT, PORT defaulting to 8787)
  --secret   CMS_WEBHOOK_SECRET (default: $CMS_WEBHOOK_SECRET, else the one in .dev.vars)
  --delete   withdraw the article with this id everywhere (repeatable)`;

function usage(message) {
  if (message) console.error(`push: ${message}\n`);
  console.error(USAGE);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: "string" },
      secret: { type: "string" },
      delete: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
} catch (error) {
  usage(error.message);
}
const { values, positionals: files } = args;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const deletes = values.delete ?? [];
if (files.length === 0 && deletes.length === 0) usage("name at least one article file, or --delete <id>.");

const baseUrl = values.url || process.env.FEEDS_URL || `http://127.0.0.1:${process.env.PORT || 8787}`;
const secret =
  values.secret ||
  process.env.CMS_WEBHOOK_SECRET ||
  readDevVars(fileURLToPath(new URL("../.dev.vars", import.meta.url))).CMS_WEBHOOK_SECRET;
// npm runs scripts from the package root; name files relative to where the command was typed.
const here = process.env.INIT_CWD || process.cwd();
if (!secret) usage("no signing secret: pass --secret whsec_…, set CMS_WEBHOOK_SECRET, or run `npm start` once to create .dev.vars.");
if (!/^whsec_[A-Za-z0-9+/=]+$/.test(secret)) usage("the secret must look like whsec_<base64>.");

/** Prints one answer; returns whether it was a success. */
function report(label, { status, body }) {
  if (status === 200 && body && Array.isArray(body.results)) {
    console.log(`${label}: ${status} OK`);
    for (const r of body.results) console.log(`  ✓ ${r.outcome.padEnd(9)} ${r.id} (version ${r.version})`);
    for (const w of body.warnings ?? []) console.log(`  ! warning ${w.pointer || "(whole body)"} → ${w.detail}`);
    return true;
  }
  console.error(`${label}: ${status} ${body?.title ?? "error"}`);
  if (body?.detail) console.error(`  ${body.detail}`);
  for (const e of body?.errors ?? []) console.error(`  ✗ ${e.pointer === "" ? "(whole body)" : e.pointer} → ${e.detail}`);
  if (!body) console.error("  (the response had no JSON body)");
  return false;
}

async function attempt(label, send) {
  try {
    return report(label, await send());
  } catch (error) {
    const reason = error.cause?.code ?? error.cause?.message ?? error.message;
    console.error(`${label}: could not reach ${baseUrl} (${reason}). Is the service running? Try \`npm start\` or pass --url.`);
    return false;
  }
}

let ok = true;
for (const file of files) {
  let body;
  try {
    body = readFileSync(resolve(here, file), "utf8");
  } catch (error) {
    console.error(`${file}: cannot read it (${error.code ?? error.message}).`);
    ok = false;
    continue;
  }
  ok = (await attempt(`POST ${file}`, () => pushArticles(baseUrl, secret, body))) && ok;
}
for (const id of deletes) {
  ok = (await attempt(`DELETE ${id}`, () => withdrawArticle(baseUrl, secret, id))) && ok;
}
process.exit(ok ? 0 : 1);
