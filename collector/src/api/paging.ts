// Paging and sorting parameters shared by list endpoints.
export const PAGING = {
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  offset: { type: 'integer', minimum: 0, default: 0 },
} as const;

export function page<T>(items: T[], q: { limit?: number; offset?: number }): { items: T[]; total: number; limit: number; offset: number } {
  const limit = q.limit ?? 100;
  const offset = q.offset ?? 0;
  return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
}
