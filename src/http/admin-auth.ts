// Bearer-token check for admin routes (ADMIN_TOKEN, a wrangler secret). Tokens are compared as
// SHA-256 digests with crypto.subtle.timingSafeEqual, never with ===.
import { createMiddleware } from "hono/factory";
import { ProblemError } from "./problem";

const encoder = new TextEncoder();

export async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(given)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

export const requireAdmin = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  const token = bearerToken(c.req.header("Authorization"));
  if (!token || !c.env.ADMIN_TOKEN || !(await sameSecret(token, c.env.ADMIN_TOKEN))) {
    throw new ProblemError(401, "This route needs `Authorization: Bearer <ADMIN_TOKEN>`.", {
      headers: { "WWW-Authenticate": 'Bearer realm="admin"' },
    });
  }
  await next();
});
