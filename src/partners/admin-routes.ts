// Partner administration (docs/partners.md), bearer ADMIN_TOKEN: create or replace a partner and its
// licence, read it back, issue its key, read its usage. Mounted at /v1/partners. The token is checked
// before anything else, so nobody without it learns whether a partner exists.
import { Hono } from "hono";
import { CACHE_CONTROL } from "../config/cache";
import { requireAdmin } from "../http/admin-auth";
import { limitBody, readJsonBody } from "../http/json-body";
import { ProblemError } from "../http/problem";
import type { PartnerKey } from "../model/partner-key.gen";
import type { PartnerUsage } from "../model/usage.gen";
import { partnerKeyKey } from "../storage/kv-keys";
import { keyHash, newPartnerKey, partnerDesk } from "./keys";
import { PARTNER_ID } from "./model";
import { validatePartner } from "./validate";

/** Admin answers are about one partner at one moment: never cache them. */
const NO_STORE = { "Cache-Control": CACHE_CONTROL.noStore };
const MAX_BODY_BYTES = 64 * 1024;

export const partnerAdmin = new Hono<{ Bindings: Env }>();

partnerAdmin.use("*", requireAdmin);

partnerAdmin.put("/:id", limitBody(MAX_BODY_BYTES, "A partner is at most 64 KiB of JSON."), async (c) => {
  const id = partnerId(c.req.param("id"));
  const body = await readJsonBody(c.req.raw, "the partner");
  const result = validatePartner(body);
  if (!result.ok) throw new ProblemError(422, "The partner does not match schemas/partner.schema.json.", { errors: result.errors });

  // The desk is the source of truth for the partner; the licence registry, for who holds a licence id.
  const outcome = await partnerDesk(c.env, id).put(id, result.partner, Date.now());
  if (outcome.kind === "conflict") {
    throw new ProblemError(409, `The licence id "${result.partner.license.id}" belongs to another partner; choose another.`, {
      title: "Conflict",
      errors: [{ pointer: "/license/id", detail: "is another partner's licence" }],
    });
  }
  const { partner, created } = outcome;
  return c.json(partner, created ? 201 : 200, { ...NO_STORE, ...(created ? { Location: `/v1/partners/${id}` } : {}) });
});

partnerAdmin.get("/:id", async (c) => {
  const id = partnerId(c.req.param("id"));
  const partner = await partnerDesk(c.env, id).get();
  if (!partner) throw noSuchPartner(id);
  return c.json(partner, 200, NO_STORE);
});

partnerAdmin.post("/:id/keys", async (c) => {
  const id = partnerId(c.req.param("id"));
  const key = newPartnerKey();
  const hash = await keyHash(key);
  if (!(await partnerDesk(c.env, id).get())) throw noSuchPartner(id);
  // KV first, under a key never written before (so KV's 1 write/s per key cannot refuse it): if it
  // fails, the desk still holds the old key and nothing changed. Then the desk: from this moment only
  // the new key is accepted. Old digests stay mapped, harmlessly: the desk refuses them.
  await c.env.FEEDS.put(partnerKeyKey(hash), id);
  if (!(await partnerDesk(c.env, id).issueKey(hash, Date.now()))) throw noSuchPartner(id);
  return c.json({ key } satisfies PartnerKey, 201, NO_STORE);
});

partnerAdmin.get("/:id/usage", async (c) => {
  const id = partnerId(c.req.param("id"));
  const usage: PartnerUsage | null = await partnerDesk(c.env, id).usage();
  if (!usage) throw noSuchPartner(id);
  return c.json(usage, 200, NO_STORE);
});

function partnerId(id: string): string {
  if (!PARTNER_ID.test(id)) {
    throw new ProblemError(404, `There is no partner "${id}": partner ids are lowercase slugs.`);
  }
  return id;
}

function noSuchPartner(id: string): ProblemError {
  return new ProblemError(404, `There is no partner "${id}".`);
}
