// RFC 9457 problem details: the one way every refusal leaves the service.
// Handlers throw `ProblemError`; `onError` in src/index.ts turns it (and anything else) into a response.
// The body's type is generated from schemas/problem.schema.json, which the OpenAPI document shows too.
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FieldError, Problem } from "../model/problem.gen";

export type { FieldError, Problem };

const TITLES: Partial<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  410: "Gone",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
};

export class ProblemError extends Error {
  readonly problem: Problem;
  readonly headers: Record<string, string>;
  constructor(
    status: ContentfulStatusCode,
    detail: string,
    extra: { errors?: FieldError[]; headers?: Record<string, string>; title?: string } = {},
  ) {
    super(detail);
    this.problem = {
      type: "about:blank",
      title: extra.title ?? TITLES[status] ?? "Error",
      status,
      detail,
      ...(extra.errors ? { errors: extra.errors } : {}),
    };
    this.headers = extra.headers ?? {};
  }
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { "Content-Type": "application/problem+json; charset=utf-8", ...headers },
  });
}

/** Escapes one JSON-pointer reference token (RFC 6901 §3). */
export function pointerToken(token: string | number): string {
  return String(token).replaceAll("~", "~0").replaceAll("/", "~1");
}
