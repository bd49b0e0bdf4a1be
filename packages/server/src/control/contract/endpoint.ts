// An endpoint of the control API as data: method, path, who may call it, and the zod schemas of
// its params, query, headers, body and response. The server validates with these schemas and
// serves them as OpenAPI; the CLI's client is typed by them. One definition, three uses.
import type { z } from "zod";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Who may call an endpoint:
 * - `operator`: the admin token only;
 * - `tenant`: the admin token, or a management key (scoped to its own tenant);
 * - `deployment`: those two, or a deployment token (scoped to its own deployment's env).
 */
export type Access = "operator" | "tenant" | "deployment";

export interface EndpointSpec {
  /** Unique, verb + resource: the OpenAPI operationId and the route file's name. */
  operationId: string;
  method: HttpMethod;
  /** Fastify-style path (`/api/v1/keys/:id`). */
  path: `/api/v1/${string}`;
  access: Access;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Header names in lower case. */
  headers?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  /** Status of a success; 200 unless given. */
  status?: 200 | 201;
}

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;
type Input<S> = S extends z.ZodType ? z.input<S> : undefined;

/** What a handler receives, after validation. */
export interface ValidatedInput<E extends EndpointSpec> {
  params: Output<E["params"]>;
  query: Output<E["query"]>;
  headers: Output<E["headers"]>;
  body: Output<E["body"]>;
}

/** What a client sends, before validation (e.g. amounts as strings). */
export type RequestInput<E extends EndpointSpec> = {
  [K in "params" | "query" | "headers" | "body" as E[K] extends z.ZodType ? K : never]: Input<E[K]>;
};

/** The response body of a success. */
export type ResponseOf<E extends EndpointSpec> = z.output<E["response"]>;

/** A resource's endpoints by name; each must be a valid EndpointSpec. */
export function defineEndpointList<const T extends Record<string, EndpointSpec>>(endpoints: T): T {
  return endpoints;
}
