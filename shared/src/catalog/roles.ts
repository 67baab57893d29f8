// Which side of a connection a remote-access tool is on this laptop. A farm is driven from
// elsewhere, so what counts is the *host* side: a program that lets others see or control this
// machine (AnyDesk's service, a VNC server, ScreenConnect's access agent). A *client* only reaches
// out to other machines (PuTTY, WinSCP, mstsc, a VNC viewer): developers and admins use them every
// day, and they say nothing about who controls this laptop. *Both* is one program that does either
// (AnyDesk.exe, TeamViewer.exe, RustDesk). The catalog says it per tool and, where a tool ships
// several programs, per program or service (scripts/build-catalog.mjs, from
// shared/catalog/remote-access-additions.json, each fact with its source).
//
// A tool nobody has researched yet has no role: `unknown`, treated as the host side, as every
// catalog tool was before roles existed (LOLRMM lists remote-control and RMM agents first; leaving
// them out of the risk would hide real farms to quiet a few clients).

export type RemoteAccessRole = 'host' | 'client' | 'both' | 'unknown';

interface HasRole { role?: string | null }

const asRole = (v: string | null | undefined): RemoteAccessRole | undefined =>
  v === 'host' || v === 'client' || v === 'both' ? v : undefined;

/** The role of one matched program or service: its own, else its tool's, else `unknown`. */
export function roleOf(tool: HasRole, pattern?: HasRole): RemoteAccessRole {
  return asRole(pattern?.role) ?? asRole(tool.role) ?? 'unknown';
}

/**
 * One role for several matches of a tool: `both` when a host side and a client side were seen,
 * `host` when only a host side, `unknown` when nothing known lets others in, `client` only when
 * every match is a client.
 */
export function combineRoles(roles: Iterable<RemoteAccessRole>): RemoteAccessRole {
  const seen = new Set(roles);
  const host = seen.has('host') || seen.has('both');
  const client = seen.has('client') || seen.has('both');
  if (host && client) return 'both';
  if (host) return 'host';
  if (seen.has('unknown') || seen.size === 0) return 'unknown';
  return 'client';
}

/** Whether a role can let others into this machine: everything but a pure client. */
export function isHostSide(role: RemoteAccessRole): boolean {
  return role !== 'client';
}

/** The evidence field every remote-access finding carries its role in. */
export const ROLE_EVIDENCE_FIELD = 'remote_access.role';
