// One place to declare an API route: fastify registration (with JSON-schema validation), the
// roles allowed, and the route's OpenAPI entry, so the document always matches what is served.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../store/fleet-records.js';

export type Schema = Record<string, unknown>;

export interface RouteSpec {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  url: string;
  /** Roles allowed; empty: no token needed. */
  roles: Role[];
  summary: string;
  tag: string;
  params?: Schema;
  query?: Schema;
  body?: Schema;
  response?: Schema;
  /** The media type of a successful answer, when it is not JSON. */
  produces?: string;
  handler: (req: FastifyRequest, reply: FastifyReply) => unknown;
}

export class ApiError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

export interface Caller {
  id: number;
  name: string;
  role: Role;
  /** Who the audit log names: "api:NAME" for an API token, "user:NAME" for a person in the console. */
  actor: string;
  via: 'token' | 'session';
  /** The console session (hash of its secret) and its CSRF token, for a person. */
  session?: { tokenHash: string; csrfToken: string; expiresMs: number };
}

/** The audit log's name for whoever makes this request. */
export const actor = (req: FastifyRequest): string => req.caller?.actor ?? 'api:?';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
  interface FastifyContextConfig {
    roles?: Role[];
    /** A console page: without a session it redirects to the login page, and refusals are HTML. */
    page?: boolean;
  }
}

export class Routes {
  readonly specs: RouteSpec[] = [];

  constructor(private readonly app: FastifyInstance) {}

  add(spec: RouteSpec): void {
    this.specs.push(spec);
    this.app.route({
      method: spec.method,
      url: spec.url,
      config: { roles: spec.roles },
      schema: {
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.query ? { querystring: spec.query } : {}),
        ...(spec.body ? { body: spec.body } : {}),
      },
      handler: spec.handler,
    });
  }

  openapi(version: string): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const s of this.specs) {
      const path = s.url.replace(/:(\w+)/g, '{$1}');
      const parameters = [
        ...Object.keys((s.params?.properties as Schema | undefined) ?? {}).map((name) => ({ name, in: 'path', required: true, schema: (s.params?.properties as Schema)[name] })),
        ...Object.keys((s.query?.properties as Schema | undefined) ?? {}).map((name) => ({ name, in: 'query', required: false, schema: (s.query?.properties as Schema)[name] })),
      ];
      (paths[path] ??= {})[s.method.toLowerCase()] = {
        summary: s.summary,
        tags: [s.tag],
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(s.body ? { requestBody: { required: true, content: { 'application/json': { schema: s.body } } } } : {}),
        ...(s.roles.length > 0 ? { security: [{ bearer: [] }, { session: [] }], 'x-roles': s.roles } : { security: [] }),
        responses: {
          200: { description: 'OK', content: { [s.produces ?? 'application/json']: { schema: s.response ?? (s.produces ? { type: 'string' } : { type: 'object' }) } } },
          ...(s.roles.length > 0 ? { 401: { $ref: '#/components/responses/Unauthorized' }, 403: { $ref: '#/components/responses/Forbidden' } } : {}),
          400: { $ref: '#/components/responses/BadRequest' },
        },
      };
    }
    const error = { type: 'object', properties: { error: { type: 'object', properties: { status: { type: 'integer' }, message: { type: 'string' } } } } };
    return {
      openapi: '3.1.0',
      info: { title: 'farmwatch collector API', version, description: 'Alerts, devices, clusters and administration of a farmwatch collector. Every call but /v1/health, /v1/openapi.json and the login (POST /v1/session) needs `Authorization: Bearer <API token>` or a console session; each operation lists the roles (x-roles) allowed to call it.' },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API token made with `farmwatch-collector api-tokens create --role ROLE`' },
          session: {
            type: 'apiKey', in: 'cookie', name: 'fw_session',
            description: 'The web console\'s session (POST /v1/session logs in); a change (POST, PUT, DELETE) also needs the header X-CSRF-Token with the csrfToken the login returned',
          },
        },
        responses: {
          BadRequest: { description: 'The request is malformed: the message says which field and why', content: { 'application/json': { schema: error } } },
          Unauthorized: { description: 'No API token, or one this collector does not know or has revoked', content: { 'application/json': { schema: error } } },
          Forbidden: { description: "The token's role may not call this endpoint", content: { 'application/json': { schema: error } } },
        },
      },
      paths,
    };
  }
}
