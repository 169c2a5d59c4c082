// A WebSub subscriber written from the W3C Recommendation (https://www.w3.org/TR/websub/), not from
// the hub's code: discovery from the Link header, a form-encoded subscription request, a callback
// that answers verification of intent (echo hub.challenge for a request it made, 404 otherwise)
// and takes content distribution (POST), checking X-Hub-Signature with its secret.
// One unguessable callback URL per subscription, as §5.1 recommends; each can be told to misbehave.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** How a callback answers: as the spec asks, or in one of the ways a hub must survive. */
export type Behaviour = "follow-spec" | "refuse" | "wrong-challenge" | "fail-once" | "gone" | "slow" | "redirect";

export interface Verification {
  mode: string;
  topic: string;
  challenge: string;
  leaseSeconds: number | null;
  query: URLSearchParams;
  at: number;
}

export interface Delivery {
  at: number;
  contentType: string;
  link: string;
  signature: string | null;
  /** null: no secret; true/false: whether X-Hub-Signature matches the body under our secret. */
  signatureValid: boolean | null;
  body: Buffer;
}

export interface Subscription {
  id: string;
  callback: string;
  topic: string;
  secret: string | null;
  behaviour: Behaviour;
  /** Requests we made and still expect to be verified ("subscribe" | "unsubscribe"). */
  pending: Set<string>;
  verifications: Verification[];
  deliveries: Delivery[];
  /** Answers with a non-2xx status, for "fail-once". */
  failures: number;
}

export interface Subscriber {
  url: string;
  subscriptions: Map<string, Subscription>;
  /** §3: the hub and self URLs, from the Link header of a GET of the resource. */
  discover(resource: string): Promise<{ hub: string; self: string }>;
  /** §5.1: POST the subscription request; returns the hub's status. */
  subscribe(
    hub: string,
    topic: string,
    options?: { secret?: string; leaseSeconds?: number; behaviour?: Behaviour; query?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; subscription: Subscription; body: string }>;
  unsubscribe(hub: string, subscription: Subscription, headers?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

/** Parses `<url>; rel="a b"` members of a Link header into rel → urls. */
export function parseLinks(header: string | null): Map<string, string[]> {
  const links = new Map<string, string[]>();
  for (const match of (header ?? "").matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const rel = /;\s*rel="?([^";,]+)"?/i.exec(match[2] ?? "")?.[1];
    for (const r of rel?.toLowerCase().split(/\s+/) ?? []) links.set(r, [...(links.get(r) ?? []), match[1]!]);
  }
  return links;
}

export async function startSubscriber(): Promise<Subscriber> {
  const subscriptions = new Map<string, Subscription>();
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  const url = `http://127.0.0.1:${address.port}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? "/", url);
    const id = requestUrl.pathname.split("/")[2] ?? "";
    const sub = subscriptions.get(id);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (!sub) {
      res.writeHead(404).end();
      return;
    }
    if (req.method === "GET") return verify(sub, requestUrl.searchParams, res);
    if (req.method === "POST") return receive(sub, req, body, res);
    res.writeHead(405).end();
  }

  /** §5.3: confirm only a request we made, for the topic we asked; echo the challenge in a safe media type. */
  function verify(sub: Subscription, query: URLSearchParams, res: ServerResponse): void {
    const mode = query.get("hub.mode") ?? "";
    const topic = query.get("hub.topic") ?? "";
    const challenge = query.get("hub.challenge") ?? "";
    const lease = query.get("hub.lease_seconds");
    sub.verifications.push({ mode, topic, challenge, leaseSeconds: lease === null ? null : Number(lease), query, at: Date.now() });
    const wanted = topic === sub.topic && sub.pending.has(mode) && challenge !== "";
    if (!wanted || sub.behaviour === "refuse") {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not a request of mine");
      return;
    }
    sub.pending.delete(mode);
    const answer = sub.behaviour === "wrong-challenge" ? `${challenge}x` : challenge;
    res.writeHead(200, { "Content-Type": "text/plain", "X-Content-Type-Options": "nosniff" }).end(answer);
  }

  /** §7: content distribution; the signature is checked with the method the header names. */
  function receive(sub: Subscription, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const signature = (req.headers["x-hub-signature"] as string | undefined) ?? null;
    let signatureValid: boolean | null = null;
    if (sub.secret !== null) {
      const [method, hex] = (signature ?? "").split("=");
      const algorithm = { sha1: "sha1", sha256: "sha256", sha384: "sha384", sha512: "sha512" }[method ?? ""];
      if (!algorithm || !hex) signatureValid = false;
      else {
        const expected = createHmac(algorithm, sub.secret).update(body).digest();
        const given = Buffer.from(hex, "hex");
        signatureValid = given.length === expected.length && timingSafeEqual(given, expected);
      }
    }
    sub.deliveries.push({
      at: Date.now(),
      contentType: String(req.headers["content-type"] ?? ""),
      link: String(req.headers.link ?? ""),
      signature,
      signatureValid,
      body,
    });
    switch (sub.behaviour) {
      case "fail-once":
        if (sub.failures++ === 0) {
          res.writeHead(500).end("try again");
          return;
        }
        break;
      case "gone":
        res.writeHead(410).end();
        return;
      case "redirect":
        res.writeHead(307, { Location: `${url}/elsewhere` }).end();
        return;
      case "slow":
        setTimeout(() => res.writeHead(200).end(), 30_000).unref();
        return;
    }
    res.writeHead(204).end();
  }

  async function sendRequest(hub: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await fetch(hub, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(form).toString(),
    });
    return { status: res.status, body: await res.text() };
  }

  return {
    url,
    subscriptions,
    async discover(resource) {
      const res = await fetch(resource);
      await res.arrayBuffer();
      const links = parseLinks(res.headers.get("Link"));
      const hub = links.get("hub")?.[0];
      const self = links.get("self")?.[0];
      if (!hub || !self) throw new Error(`${resource} advertises no hub/self: ${res.headers.get("Link")}`);
      return { hub, self };
    },
    async subscribe(hub, topic, options = {}) {
      const id = randomBytes(12).toString("hex");
      const callback = `${url}/cb/${id}${options.query ?? ""}`;
      const subscription: Subscription = {
        id,
        callback,
        topic,
        secret: options.secret ?? null,
        behaviour: options.behaviour ?? "follow-spec",
        pending: new Set(["subscribe"]),
        verifications: [],
        deliveries: [],
        failures: 0,
      };
      subscriptions.set(id, subscription);
      const form: Record<string, string> = { "hub.mode": "subscribe", "hub.topic": topic, "hub.callback": callback };
      if (options.secret !== undefined) form["hub.secret"] = options.secret;
      if (options.leaseSeconds !== undefined) form["hub.lease_seconds"] = String(options.leaseSeconds);
      const { status, body } = await sendRequest(hub, form, options.headers);
      return { status, subscription, body };
    },
    async unsubscribe(hub, subscription, headers) {
      subscription.pending.add("unsubscribe");
      const form = { "hub.mode": "unsubscribe", "hub.topic": subscription.topic, "hub.callback": subscription.callback };
      return (await sendRequest(hub, form, headers)).status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
