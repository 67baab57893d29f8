// Who is logged in: name, role, the CSRF token the server gave this session, and which pages the
// role may open (the server's own table, so the menu and the refusals agree with the server).
export type Role = 'admin' | 'analyst' | 'it';

export interface Session {
  user: { name: string; role: Role };
  via: 'token' | 'session';
  home: string;
  pages: Record<string, Role[]>;
  csrfToken?: string;
  expiresMs?: number;
}

let current: Session | undefined;

export const session = (): Session | undefined => current;
export const setSession = (s: Session | undefined): void => {
  current = s;
};

/** The page pattern a path matches ("/alerts/12" -> "/alerts/:id"). */
export function pagePattern(path: string): string | undefined {
  const pages = Object.keys(current?.pages ?? {});
  return pages.find((p) => new RegExp(`^${p.replace(/:\w+/g, '[^/]+')}$`).test(path));
}

export function mayOpen(path: string): boolean {
  const p = pagePattern(path);
  return !!current && !!p && (current.pages[p] ?? []).includes(current.user.role);
}
