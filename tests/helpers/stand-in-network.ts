// The Internet as the workerd tests see it (miniflare's outboundService, run in Node): hosts under
// `.example` are played here, everything else is refused. WebSub callbacks at reader.example
// answer as the spec asks (echo hub.challenge, 204 for a push); moved.example redirects;
// slow.example takes 3 s to refuse. Tests read what was sent at https://stand-in.example/calls.

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

const calls: Call[] = [];

export async function standInNetwork(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.hostname === "stand-in.example") {
    if (request.method === "DELETE") calls.length = 0;
    return Response.json(calls);
  }
  calls.push({ method: request.method, url: request.url, headers: Object.fromEntries(request.headers), body: await request.text() });
  switch (url.hostname) {
    case "reader.example":
      if (request.method === "GET") return new Response(url.searchParams.get("hub.challenge") ?? "", { status: 200 });
      return new Response(null, { status: 204 });
    case "moved.example":
      return new Response(null, { status: 302, headers: { Location: "https://reader.example/elsewhere" } });
    case "slow.example":
      await new Promise((resolve) => setTimeout(resolve, 3000));
      return new Response("no", { status: 404 });
    default:
      return new Response("the tests have no network", { status: 502 });
  }
}
