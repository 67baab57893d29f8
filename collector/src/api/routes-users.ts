// Admins manage the console's people: list, create (a generated password is shown once), reset a
// password, disable and enable. The same operations as `farmwatch-collector users`.
import type { Collector } from '../app.js';
import { AccountError, createAccount, findAccount, resetPassword, setDisabled } from '../auth/accounts.js';
import { ROLES } from '../store/fleet-records.js';
import { ApiError, actor, type Routes } from './route.js';
import { NUMERIC_ID } from './paging.js';

const ID = NUMERIC_ID;
const PASSWORD = { type: 'string', maxLength: 256, description: 'leave out to have one generated (shown once)' };

async function wrap<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AccountError) throw new ApiError(err.statusCode, err.message);
    throw err;
  }
}

export function userRoutes(routes: Routes, c: Collector): void {
  const store = c.store;
  routes.add({
    method: 'GET', url: '/v1/users', roles: ['admin'], tag: 'admin', summary: 'People who log in to the console (never their passwords)',
    handler: () => store.people.listUsers(),
  });
  routes.add({
    method: 'POST', url: '/v1/users', roles: ['admin'], tag: 'admin', summary: 'Add a person with a role; a generated password is shown once',
    body: {
      type: 'object', required: ['name', 'role'], additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1, maxLength: 64 }, role: { type: 'string', enum: [...ROLES] }, password: PASSWORD },
    },
    handler: async (req, reply) => {
      const b = req.body as { name: string; role: string; password?: string };
      const made = await wrap(() => createAccount(store, b.name, b.role, b.password, actor(req)));
      void reply.status(201);
      return { ...made.user, ...(made.password ? { password: made.password } : {}) };
    },
  });
  routes.add({
    method: 'POST', url: '/v1/users/:id/password', roles: ['admin'], tag: 'admin', summary: "Reset a person's password; their sessions end",
    params: ID, body: { type: 'object', additionalProperties: false, properties: { password: PASSWORD } },
    handler: async (req) => {
      const user = await wrap(() => findAccount(store, (req.params as { id: number }).id));
      const generated = await wrap(() => resetPassword(store, user, (req.body as { password?: string } | undefined)?.password, actor(req)));
      return { ...user, ...(generated ? { password: generated } : {}) };
    },
  });
  for (const [path, disabled] of [['disable', true], ['enable', false]] as const) {
    routes.add({
      method: 'POST', url: `/v1/users/:id/${path}`, roles: ['admin'], tag: 'admin', summary: disabled ? 'Disable a person: they cannot log in, their sessions end' : 'Enable a person again',
      params: ID,
      handler: async (req) => {
        const user = await wrap(() => findAccount(store, (req.params as { id: number }).id));
        if (disabled && req.caller?.via === 'session' && req.caller.id === user.id) throw new ApiError(409, 'you cannot disable yourself: ask another admin');
        return wrap(() => setDisabled(store, user, disabled, actor(req)));
      },
    });
  }
}
