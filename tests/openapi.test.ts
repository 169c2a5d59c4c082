/// <reference types="vite/client" />
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import articleSchema from "../schemas/article.schema.json";
import partnerSchema from "../schemas/partner.schema.json";
import { app } from "../src/index";
import { BASE, request } from "./helpers/cms";

type Doc = { openapi: string; paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

async function doc(): Promise<Doc> {
  const res = await request("/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  return (await res.json()) as Doc;
}

/** Every operation in the document as [METHOD, a concrete path built from the parameters' examples]. */
function operations(d: Doc): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const [template, item] of Object.entries(d.paths)) {
    for (const method of METHODS.filter((m) => item[m])) {
      const params = [...(item.parameters ?? []), ...(item[method].parameters ?? [])].filter((p: any) => p.in === "path");
      const path = template.replace(/\{(\w+)\}/g, (_, name) => {
        const param = params.find((p: any) => p.name === name);
        expect(param?.example, `${template} names {${name}} without an example`).toBeTypeOf("string");
        return encodeURIComponent(param.example);
      });
      out.push([method.toUpperCase(), path, template]);
    }
  }
  return out;
}

/** The app's own routes, without middleware (hono lists `use` as method ALL). */
function appRoutes(): [string, string][] {
  const seen = new Set<string>();
  for (const r of app.routes) if (r.method !== "ALL") seen.add(`${r.method} ${r.path}`);
  return [...seen].map((s) => s.split(" ") as [string, string]);
}

describe("GET /openapi.json", () => {
  it("is OpenAPI 3.1 whose servers name this service", async () => {
    const d = (await doc()) as any;
    expect(d.openapi).toBe("3.1.0");
    expect(d.servers).toEqual([{ url: BASE }]);
  });

  it("describes the article body with schemas/article.schema.json itself", async () => {
    const d = await doc();
    const article = d.components.schemas.Article;
    expect(article.required).toEqual(articleSchema.required);
    expect(Object.keys(article.properties)).toEqual(Object.keys(articleSchema.properties));
    expect(article.properties.id).toEqual(articleSchema.properties.id);
    expect(article.properties.url).toEqual({ ...articleSchema.properties.url, $ref: "#/components/schemas/Article.httpUrl" });
    const post = d.paths["/v1/articles"]!.post.requestBody.content["application/json"].schema;
    expect(post.oneOf[0]).toEqual({ $ref: "#/components/schemas/Article" });
    expect(post.oneOf[1]).toMatchObject({ type: "array", maxItems: 100 });
  });

  it("describes the partner body and record with schemas/partner.schema.json itself", async () => {
    const d = await doc();
    const put = d.paths["/v1/partners/{id}"]!.put;
    expect(put.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Partner" });
    const partner = d.components.schemas.Partner;
    expect(partner.required).toEqual(partnerSchema.required);
    expect(Object.keys(partner.properties)).toEqual(Object.keys(partnerSchema.properties));
    expect(partner.properties.license).toEqual({ $ref: "#/components/schemas/Partner.license" });
    expect(d.components.schemas["Partner.license"].required).toEqual(partnerSchema.$defs.license.required);
    expect(put.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Partner.record" });
    expect(d.components.schemas["Partner.record"].required).toContain("key_issued_at");
  });

  it("shows every schema in schemas/ as the component its title names, and refers to response bodies by them", async () => {
    const d = await doc();
    const files = import.meta.glob<{ default: Record<string, any> }>("../schemas/*.schema.json", { eager: true });
    expect(Object.keys(files).length).toBeGreaterThanOrEqual(7);
    for (const [file, { default: schema }] of Object.entries(files)) {
      const component = d.components.schemas[schema.title];
      expect(component, `${file} is not in components as ${schema.title}`).toBeTypeOf("object");
      expect(component.required, file).toEqual(schema.required);
      expect(Object.keys(component.properties ?? {}), file).toEqual(Object.keys(schema.properties ?? {}));
    }
    const body = (path: string, method: string, status: string, type = "application/json") =>
      d.paths[path]![method].responses[status].content[type].schema;
    expect(body("/v1/articles", "post", "200")).toEqual({ $ref: "#/components/schemas/IngestResponse" });
    expect(body("/v1/articles", "post", "422", "application/problem+json")).toEqual({ $ref: "#/components/schemas/Problem" });
    expect(body("/partner/withdrawals", "get", "200")).toEqual({ $ref: "#/components/schemas/Withdrawals" });
    expect(body("/v1/partners/{id}/usage", "get", "200")).toEqual({ $ref: "#/components/schemas/PartnerUsage" });
    expect(body("/v1/partners/{id}/keys", "post", "201")).toEqual({ $ref: "#/components/schemas/PartnerKey" });
    expect(d.components.schemas["Problem.fieldError"].required).toEqual(["pointer", "detail"]);
  });

  it("has no $ref that points nowhere", async () => {
    const d = await doc();
    const refs: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object")
        for (const [k, x] of Object.entries(v)) k === "$ref" && typeof x === "string" ? refs.push(x) : walk(x);
    };
    walk(d);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of new Set(refs)) {
      expect(ref, ref).toMatch(/^#\//);
      const target = ref
        .slice(2)
        .split("/")
        .reduce<any>((node, token) => node?.[token.replaceAll("~1", "/").replaceAll("~0", "~")], d);
      expect(target, `${ref} resolves`).toBeTypeOf("object");
    }
  });
});

describe("the OpenAPI document and the app's routes stay in sync", () => {
  it("every documented operation reaches a route (never the unknown-route 404)", async () => {
    for (const [method, path, template] of operations(await doc())) {
      const res = await request(path, { method });
      const body = res.status === 404 ? ((await res.json().catch(() => ({}))) as any) : null;
      expect(body?.detail ?? "", `${method} ${template} is documented but not routed`).not.toBe(`Nothing at ${path}.`);
      // A 404 body was read above; only an unread body needs cancelling.
      if (!res.bodyUsed) await res.body?.cancel();
    }
  });

  it("every route the app registers is documented", async () => {
    const ops = operations(await doc());
    for (const [method, path] of appRoutes()) {
      // Ask hono's own router whether some documented operation lands on this route.
      const probe = new Hono().on(method, path, (c) => c.text("hit"));
      const wanted = method === "HEAD" ? "GET" : method;
      let documented = false;
      for (const [m, concrete] of ops.filter(([m]) => m === wanted)) {
        const res = await probe.request(concrete, { method: m });
        if (res.status === 200 && (await res.text()) === "hit") documented = true;
      }
      expect(documented, `${method} ${path} is routed but not in /openapi.json`).toBe(true);
    }
  });
});
