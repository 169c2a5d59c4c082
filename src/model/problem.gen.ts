// Generated from schemas/problem.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run types`.

/**
 * RFC 9457 problem details: how every refusal and error leaves the service (application/problem+json). The TypeScript type src/model/problem.gen.ts is generated from this file.
 */
export interface Problem {
  /**
   * Always `about:blank`: the status code says what kind of problem it is.
   */
  type: string;
  /**
   * The status code's reason phrase, or a short summary.
   */
  title: string;
  /**
   * The HTTP status code of the response.
   */
  status: number;
  /**
   * What went wrong with this request, and what to do about it.
   */
  detail?: string;
  /**
   * Each field at fault, when the request body or query names one.
   */
  errors?: FieldError[];
}
/**
 * This interface was referenced by `Problem`'s JSON-Schema
 * via the `definition` "fieldError".
 */
export interface FieldError {
  /**
   * RFC 6901 JSON pointer into the request body (`""` is the whole body), or `#/query/<name>` for a query parameter.
   */
  pointer: string;
  detail: string;
}
