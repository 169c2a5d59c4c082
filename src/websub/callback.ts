// Which callback URLs the hub will call. The hub makes requests on a subscriber's behalf, so an
// address inside a network (loopback, private, link-local, cloud metadata) or a non-web scheme would
// let anyone use it to probe what it can reach; those are refused unless local development allows them.

export type CallbackCheck = { ok: true; url: string; host: string } | { ok: false; detail: string };

const MAX_CALLBACK_LENGTH = 2048;

/** `hub.callback`: an absolute http(s) URL, its query kept (the spec asks hubs to append to it), no fragment. */
export function checkCallback(callback: string, allowPrivate: boolean): CallbackCheck {
  if (callback.length > MAX_CALLBACK_LENGTH) return { ok: false, detail: `must be at most ${MAX_CALLBACK_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(callback);
  } catch {
    return { ok: false, detail: "must be an absolute http(s) URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, detail: `must be http or https, not ${url.protocol}` };
  if (url.username || url.password) return { ok: false, detail: "must not carry a user name or password" };
  if (!allowPrivate) {
    const why = privateHost(url.hostname);
    if (why) return { ok: false, detail: `${url.hostname} is ${why}; the hub only calls public addresses` };
  }
  url.hash = "";
  return { ok: true, url: url.href, host: url.host.toLowerCase() };
}

/** Why a host is not a public Internet address, or null when it is. `hostname` is as the URL parser gives it. */
export function privateHost(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) return privateIpv6(host.slice(1, -1));
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (v4) return privateIpv4(v4.slice(1).map(Number) as [number, number, number, number]);
  if (host === "localhost" || host.endsWith(".localhost")) return "loopback";
  if (!host.includes(".")) return "not a public domain name";
  if (/\.(local|internal|intranet|lan|home\.arpa|localdomain)$/.test(host)) return "a local network name";
  return null;
}

function privateIpv4([a, b]: [number, number, number, number]): string | null {
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "a private address";
  if (a === 169 && b === 254) return "link-local";
  if (a === 100 && b >= 64 && b <= 127) return "a shared (carrier-grade NAT) address";
  if (a === 0 || a >= 224) return "not a unicast address";
  if ((a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19))) return "a reserved address";
  return null;
}

function privateIpv6(host: string): string | null {
  if (host === "::1") return "loopback";
  if (host === "::") return "not a unicast address";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host) ?? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const parts =
      mapped.length === 2
        ? mapped[1]!.split(".").map(Number)
        : [mapped[1]!, mapped[2]!].flatMap((h) => [Number.parseInt(h, 16) >> 8, Number.parseInt(h, 16) & 255]);
    return privateIpv4(parts as [number, number, number, number]);
  }
  const first = Number.parseInt(host.split(":")[0] || "0", 16);
  if ((first & 0xfe00) === 0xfc00) return "a private address";
  if ((first & 0xffc0) === 0xfe80) return "link-local";
  if ((first & 0xff00) === 0xff00) return "not a unicast address";
  return null;
}
