// The CMS's side of the service (docs/ingest.md): signed pushes and withdrawals, and a read-back
// of what we hold. Every refusal is problem+json naming the field; nothing half-written.
import { Hono } from "hono";
import { requireAdmin } from "../http/admin-auth";
import { limitBody, parseJson, readUtf8, requireJsonMediaType } from "../http/json-body";
import { type FieldError, ProblemError } from "../http/problem";
import { type ArticleInput, type IngestResponse, type IngestWarning, type StoredArticle, withDefaults } from "../model/article";
import { newsroom } from "../newsroom/stub";
import { normaliseStrings } from "./normalise";
import { sanitiseHtml } from "./sanitise-html";
import { validateArticle } from "./validate";
import { verifyDelivery } from "./verify";

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_BATCH = 100;
const ARTICLE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const ingest = new Hono<{ Bindings: Env }>();

const limit = limitBody(MAX_BODY_BYTES, "The body is larger than 1 MiB; send fewer articles per batch.");

ingest.post("/", limit, async (c) => {
  requireJsonMediaType(c.req.raw, "the articles");
  const body = await readUtf8(c.req.raw);
  const delivery = verifyDelivery(c.env.CMS_WEBHOOK_SECRET, body, c.req.raw.headers);
  const parsed = parseJson(delivery.body);
  const batch = Array.isArray(parsed);
  const inputs: unknown[] = batch ? parsed : [parsed];
  if (batch && inputs.length > MAX_BATCH) {
    throw new ProblemError(422, `A batch holds at most ${MAX_BATCH} articles; this one has ${inputs.length}.`, {
      errors: [{ pointer: "", detail: `more than ${MAX_BATCH} articles` }],
    });
  }
  if (batch && inputs.length === 0) {
    throw new ProblemError(422, "The batch is empty.", { errors: [{ pointer: "", detail: "at least one article is needed" }] });
  }
  const warnings: IngestWarning[] = [];
  const articles = await prepareArticles(inputs, batch, warnings);
  const response: IngestResponse = await newsroom(c.env).ingest(delivery.id, articles, warnings);
  return c.json(response);
});

ingest.delete("/:id", limit, async (c) => {
  const body = await readUtf8(c.req.raw);
  const delivery = verifyDelivery(c.env.CMS_WEBHOOK_SECRET, body, c.req.raw.headers);
  if (delivery.body !== "") throw new ProblemError(400, "A withdrawal is signed over an empty body.");
  const id = c.req.param("id");
  const result = ARTICLE_ID.test(id) ? await newsroom(c.env).withdraw(delivery.id, id) : null;
  if (!result) throw new ProblemError(404, `No article "${id}" was ever stored.`);
  const response: IngestResponse = result;
  return c.json(response);
});

ingest.get("/:id", requireAdmin, async (c) => {
  const id = c.req.param("id");
  const article = ARTICLE_ID.test(id) ? await newsroom(c.env).getArticle(id) : null;
  if (!article) throw new ProblemError(404, `No article "${id}" was ever stored.`);
  return c.json(article);
});

/**
 * Validates, normalises and sanitises every article of a delivery. A batch is all-or-nothing:
 * one invalid article refuses the whole delivery with every error listed, so the CMS can fix
 * and resend it without working out which half we kept.
 */
async function prepareArticles(inputs: unknown[], batch: boolean, warnings: IngestWarning[]): Promise<StoredArticle[]> {
  const errors: FieldError[] = [];
  const cleaned: ArticleInput[] = [];
  inputs.forEach((input, i) => {
    const pointer = batch ? `/${i}` : "";
    const first = validateArticle(input, pointer);
    if (!first.ok) {
      errors.push(...first.errors);
      return;
    }
    // Removing forbidden characters can empty a required field: validate the cleaned article again.
    const normalised = normaliseStrings(first.article, pointer, warnings);
    const second = validateArticle(normalised, pointer);
    if (second.ok) cleaned.push(second.article);
    else errors.push(...second.errors);
  });
  if (errors.length > 0) {
    throw new ProblemError(422, `${errors.length} field(s) do not match schemas/article.schema.json; nothing was stored.`, { errors });
  }
  return Promise.all(cleaned.map(async (a) => withDefaults({ ...a, body_html: await sanitiseHtml(a.body_html, a.url) })));
}
