// Our security headers are a constant (so a feed answered ahead of the router carries them too); this keeps the
// constant what hono's secureHeaders middleware would set, with public documents readable cross-origin, so a
// hono upgrade that changes its defaults fails here rather than drifting silently.
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { describe, expect, it } from "vitest";
import { SECURITY_HEADERS } from "../src/http/headers";

describe("security headers", () => {
  it("are hono's secureHeaders defaults, with Cross-Origin-Resource-Policy: cross-origin", async () => {
    const app = new Hono();
    app.use("*", secureHeaders({ crossOriginResourcePolicy: "cross-origin" }));
    app.get("/", (c) => c.text("ok"));
    const res = await app.request("/");
    const set = Object.fromEntries([...res.headers].filter(([name]) => name !== "content-type"));
    expect(set).toEqual(Object.fromEntries(Object.entries(SECURITY_HEADERS).map(([name, value]) => [name.toLowerCase(), value])));
  });
});
