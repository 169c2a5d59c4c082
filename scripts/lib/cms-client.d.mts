export function readDevVars(path?: string): Record<string, string>;
export function signedHeaders(secret: string, body: string, options?: { id?: string; at?: Date }): Record<string, string>;
export function pushArticles(
  baseUrl: string,
  secret: string,
  payload: unknown,
  options?: { id?: string; at?: Date },
): Promise<{ status: number; body: any }>;
export function withdrawArticle(
  baseUrl: string,
  secret: string,
  id: string,
  options?: { id?: string; at?: Date },
): Promise<{ status: number; body: any }>;
