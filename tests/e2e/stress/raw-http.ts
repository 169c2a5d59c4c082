// A raw HTTP/1.1 client over TCP, for requests fetch refuses to send (garbled or duplicated headers,
// odd Host values) and for reading response headers exactly as they come off the wire.
import { connect } from "node:net";

export interface RawResponse {
  status: number;
  /** Header lines as received, in order, before any parsing or merging. */
  headerLines: string[];
  /** Lower-cased header names in order (duplicates kept). */
  names: string[];
  get(name: string): string[];
  body: Buffer;
}

/** Sends `head` (request line and headers, without the final blank line) and `body`; resolves when the server closes. */
export function rawRequest(port: number, head: string, body: Buffer | string = "", timeoutMs = 30_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error("raw request timed out")), timeoutMs);
    socket.on("connect", () => {
      const payload = Buffer.isBuffer(body) ? body : Buffer.from(body);
      socket.write(
        Buffer.concat([Buffer.from(`${head}\r\nConnection: close\r\nContent-Length: ${payload.length}\r\n\r\n`, "latin1"), payload]),
      );
    });
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const end = all.indexOf("\r\n\r\n");
      if (end === -1) return reject(new Error(`no response head: ${JSON.stringify(all.toString("latin1").slice(0, 200))}`));
      const [statusLine, ...headerLines] = all.subarray(0, end).toString("latin1").split("\r\n");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "")?.[1] ?? 0);
      const names = headerLines.map((l) => l.slice(0, l.indexOf(":")).trim().toLowerCase());
      resolve({
        status,
        headerLines,
        names,
        get: (name) => headerLines.filter((_, i) => names[i] === name.toLowerCase()).map((l) => l.slice(l.indexOf(":") + 1).trim()),
        body: dechunk(all.subarray(end + 4), headerLines),
      });
    });
  });
}

function dechunk(body: Buffer, headerLines: string[]): Buffer {
  if (!headerLines.some((l) => /^transfer-encoding:\s*chunked/i.test(l))) return body;
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd === -1) break;
    const size = Number.parseInt(body.subarray(at, lineEnd).toString("latin1"), 16);
    if (!size) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
