// Reading a JSON request body, the one way ingest and the admin routes do it: size (413), media type
// (415), UTF-8 (400), JSON (400), each refusal problem+json. Ingest checks its signature over the exact
// text between reading and parsing, so the steps are exported one by one as well as together.
import { bodyLimit } from "hono/body-limit";
import { ProblemError } from "./problem";

const JSON_MEDIA_TYPE = /^application\/([\w.+-]*\+)?json\s*(;|$)/i;

/** Middleware: refuses a body over `maxBytes` with 413 before any of it is read into memory. */
export function limitBody(maxBytes: number, detail: string) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ProblemError(413, detail);
    },
  });
}

/** 415 unless the request says it carries JSON (`application/json` or any `+json` type). */
export function requireJsonMediaType(request: Request, what: string): void {
  if (!JSON_MEDIA_TYPE.test(request.headers.get("Content-Type") ?? "")) {
    throw new ProblemError(415, `Send ${what} as \`Content-Type: application/json\`.`);
  }
}

/** The body as text; 400 unless it is valid UTF-8. */
export async function readUtf8(request: Request): Promise<string> {
  const bytes = await request.arrayBuffer();
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ProblemError(400, "The body is not valid UTF-8.");
  }
}

/** 400, pointing at the whole body, unless `text` is JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : "nesting too deep";
    throw new ProblemError(400, `The body is not valid JSON: ${detail}`, { errors: [{ pointer: "", detail }] });
  }
}

/** All of it: media type, UTF-8 and JSON (mount `limitBody` on the route for the size). */
export async function readJsonBody(request: Request, what: string): Promise<unknown> {
  requireJsonMediaType(request, what);
  return parseJson(await readUtf8(request));
}
