// Paging and sorting parameters shared by list endpoints, and the one kind of number a query
// takes: a whole number within bounds. A number out of bounds (99999999999999999999, 1e309) is
// refused with 400 before it reaches SQLite, and the message names the parameter and its range.
import type { FastifySchemaValidationError, FastifyServerOptions } from 'fastify';

type AjvPlugin = Extract<NonNullable<NonNullable<FastifyServerOptions['ajv']>['plugins']>[number], (...args: never[]) => unknown>;

/**
 * Ajv turns the query text "1e309" into Infinity and then skips minimum and maximum for a number
 * that is not finite; this keyword (on every `wholeNumber`) refuses it. An Ajv plugin for fastify.
 */
export const FINITE = 'x-finite';
export const finiteKeyword: AjvPlugin = (ajv) =>
  ajv.addKeyword({ keyword: FINITE, schemaType: 'boolean', errors: false, validate: (on: boolean, data: unknown) => !on || typeof data !== 'number' || Number.isFinite(data) });

/** The largest offset a list takes: far past any real list, well inside SQLite's integers. */
export const MAX_OFFSET = 1_000_000_000;
/** Times in epoch ms (year 2286 and before). */
export const MAX_EPOCH_MS = 9_999_999_999_999;

/** A query or path parameter that is a whole number from `minimum` to `maximum`. */
export function wholeNumber(minimum: number, maximum: number, extra: { default?: number; description?: string } = {}) {
  return { type: 'integer', minimum, maximum, [FINITE]: true, ...extra } as const;
}

/** The path of a route about one numbered thing (an alert, an exclusion, a user): /v1/…/:id. */
export const NUMERIC_ID = { type: 'object', required: ['id'], properties: { id: wholeNumber(1, Number.MAX_SAFE_INTEGER) } } as const;

export const PAGING = {
  limit: wholeNumber(1, 1000, { default: 100 }),
  offset: wholeNumber(0, MAX_OFFSET, { default: 0 }),
} as const;

export function page<T>(items: T[], q: { limit?: number; offset?: number }): { items: T[]; total: number; limit: number; offset: number } {
  const limit = q.limit ?? 100;
  const offset = q.offset ?? 0;
  return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
}

/**
 * What is wrong with a bounded whole number, said with its name and range ("offset must be a whole
 * number from 0 to 1000000000"); undefined for other validation errors. Needs Ajv's `verbose`.
 */
export function numberProblem(e: FastifySchemaValidationError & { parentSchema?: Record<string, unknown> }): string | undefined {
  const s = e.parentSchema;
  if (s?.type !== 'integer' || typeof s.minimum !== 'number' || typeof s.maximum !== 'number') return undefined;
  if (!['type', 'minimum', 'maximum', FINITE].includes(e.keyword)) return undefined;
  const name = e.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'the value';
  return `${name.slice(0, 64)} must be a whole number from ${s.minimum} to ${s.maximum}`;
}
