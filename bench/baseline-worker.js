// The physical limit for this machine: a minimal Worker on the same runtime (workerd under
// `wrangler dev`) that answers with feed bytes it already holds in memory. The benchmark fetches
// the real feeds first and POSTs each response here (body and headers), so both Workers send the
// same bytes; this one does nothing else: no KV, no routing framework, no header building.
const responses = new Map();

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname === "/__baseline") {
      const { path, body, headers } = await request.json();
      responses.set(path, { body: new TextEncoder().encode(body), headers, etag: headers.etag ?? null });
      return new Response("stored\n");
    }
    if (url.pathname === "/healthz") return new Response("ok\n");
    const held = responses.get(url.pathname + url.search);
    if (!held) return new Response("not held\n", { status: 404 });
    if (held.etag !== null && request.headers.get("If-None-Match") === held.etag) {
      return new Response(null, { status: 304, headers: { ETag: held.etag } });
    }
    return new Response(held.body, { headers: held.headers });
  },
};
