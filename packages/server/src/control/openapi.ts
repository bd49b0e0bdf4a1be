// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests.
import { z } from "zod";
import type { EndpointSpec } from "./contract/endpoint.js";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodObject | undefined, where: "path" | "query" | "header"): JsonSchema[] {
  if (!schema) return [];
  const doc = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(doc.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || (doc.required ?? []).includes(name),
    schema: property,
    ...(typeof property.description === "string" ? { description: property.description } : {}),
  }));
}

const errorResponse = {
  description: 'Error: {"error":{"code":<HTTP status>,"message":"…"}}',
  content: {
    "application/json": {
      schema: {
        type: "object",
        required: ["error"],
        properties: {
          error: { type: "object", required: ["code", "message"], properties: { code: { type: "integer" }, message: { type: "string" } } },
        },
      },
    },
  },
};

export function buildOpenApiDocument(endpoints: readonly EndpointSpec[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of endpoints) {
    const path = e.path.replace(/:([A-Za-z]+)/g, "{$1}");
    const bodyRequired = e.body ? !e.body.safeParse(undefined).success : false;
    (paths[path] ??= {})[e.method.toLowerCase()] = {
      operationId: e.operationId,
      summary: e.summary,
      "x-vendo-access": e.access,
      security: [{ bearer: [] }],
      parameters: [...parameters(e.params, "path"), ...parameters(e.query, "query"), ...parameters(e.headers, "header")],
      ...(e.body
        ? { requestBody: { required: bodyRequired, content: { "application/json": { schema: jsonSchema(e.body, "input") } } } }
        : {}),
      responses: {
        [String(e.status ?? 200)]: { description: "Success", content: { "application/json": { schema: jsonSchema(e.response, "output") } } },
        default: errorResponse,
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Vendo control API",
      version,
      description:
        "Tenants, credits, keys, deployments, connections, pools and usage. Amounts are exact USD decimal strings. " +
        "Bearer: the admin token (operator), a vendo_mk_ management key (its own tenant only), or a vendo_dt_ deployment token (its own env only).",
    },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  };
}
