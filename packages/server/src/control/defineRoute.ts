// A route = an endpoint of the contract + the function that serves it. Route files call
// defineRoute; index.ts registers them all with the same authentication, validation and errors.
import type { z } from "zod";
import type { ServerContext } from "../context.js";
import type { Caller } from "./auth.js";
import type { EndpointSpec, ValidatedInput } from "./contract/endpoint.js";

export interface RouteInput<E extends EndpointSpec> extends ValidatedInput<E> {
  caller: Caller;
  /** Overrides the endpoint's success status (e.g. 200 for an idempotent replay of a 201). */
  setStatus(status: 200 | 201): void;
}

export type RouteHandler<E extends EndpointSpec> = (input: RouteInput<E>, ctx: ServerContext) => Promise<z.input<E["response"]>>;

/** A route with its endpoint's types erased, so routes of every endpoint fit in one list. */
export interface Route {
  endpoint: EndpointSpec;
  handle(input: never, ctx: ServerContext): Promise<unknown>;
}

export function defineRoute<E extends EndpointSpec>(endpoint: E, handle: RouteHandler<E>): Route {
  return { endpoint, handle };
}
