// Holds every answer to the API's own OpenAPI paths: a status an operation does not list, or a route
// that is not documented at all, is logged; with STRICT_API_DOCS=true (the tests, and local development
// if you like) the answer becomes a 500 naming it, so whichever test provokes it fails. This is what
// keeps /openapi.json honest: it judges what routes really answer, not what someone wrote down.
import { createMiddleware } from "hono/factory";
import { problemResponse } from "./problem";

/** OpenAPI `paths`: each path template's operations by lowercase method, each with its `responses`. */
export type OpenApiPaths = Record<string, Record<string, unknown>>;

interface CompiledPath {
  template: string;
  pattern: RegExp;
  statuses: Map<string, Set<string>>;
}

function compile(paths: OpenApiPaths): CompiledPath[] {
  return Object.entries(paths).map(([template, item]) => {
    const pattern = new RegExp(
      `^${template
        .split(/\{[^}]+\}/)
        .map((literal) => literal.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
        .join("[^/]*")}$`,
    );
    const statuses = new Map<string, Set<string>>();
    for (const [method, operation] of Object.entries(item)) {
      const responses = (operation as { responses?: Record<string, unknown> }).responses;
      if (responses) statuses.set(method, new Set(Object.keys(responses)));
    }
    return { template, pattern, statuses };
  });
}

/**
 * Why `method path` answering `status` breaks the document, or null when it doesn't. A request to a
 * path or method nobody documents may only meet the catch-all 404; a CORS preflight (OPTIONS) is the
 * browser's protocol, answered by cors(), not an operation of the API.
 */
export function undocumented(compiled: readonly CompiledPath[], method: string, path: string, status: number): string | null {
  if (method === "OPTIONS") return null;
  const operation = method === "HEAD" ? "get" : method.toLowerCase();
  const match = compiled.find((p) => p.pattern.test(path));
  const statuses = match?.statuses.get(operation);
  if (!match || !statuses) return status === 404 ? null : `${method} ${path} answered ${status} but is not in /openapi.json`;
  return statuses.has(String(status)) ? null : `${method} ${match.template} answered ${status}, which /openapi.json does not list`;
}

export function documentedStatuses(paths: OpenApiPaths) {
  const compiled = compile(paths);
  return createMiddleware<{ Bindings: Env }>(async (c, next) => {
    await next();
    const problem = undocumented(compiled, c.req.method, new URL(c.req.url).pathname, c.res.status);
    if (problem === null) return;
    console.error(`undocumented answer: ${problem}`);
    if (String(c.env.STRICT_API_DOCS) !== "true") return;
    c.res = undefined; // replace the answer, not merge its headers into the 500
    c.res = problemResponse({ type: "about:blank", title: "Undocumented Answer", status: 500, detail: problem });
  });
}
