// The agent's state folder (identity, spool, status, run marker, pushed catalog) must be its own:
// owned by the user the agent runs as and writable by nobody else. Anyone else who can write there
// can plant links that the agent, often root, would write through, or swap its identity and spool.
// A folder that is not private is refused, with the command that fixes it; the agent does not
// change the modes of a folder it did not make. The folders inside it (spool, identity) are held to
// the same rule, and may not be links. A state folder the agent makes is mode 0700.
// On Windows the folder's ACL (set by the installer) is what protects it; there is no check here.
import { existsSync, lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';

export class UnsafeFolder extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeFolder';
  }
}

function me(): { uid: number; name: string } {
  const uid = process.geteuid?.() ?? -1;
  try {
    return { uid, name: userInfo().username };
  } catch {
    return { uid, name: String(uid) };
  }
}

function whoMayWrite(mode: number): string | undefined {
  const group = (mode & 0o020) !== 0;
  const others = (mode & 0o002) !== 0;
  return group && others ? 'its group and by everyone' : others ? 'everyone' : group ? 'its group' : undefined;
}

/** Refuses DIR (described as WHAT) unless the agent's user owns it and only that user may write to it. */
function checkStats(dir: string, st: Stats, what: string): void {
  if (!st.isDirectory()) throw new UnsafeFolder(`${what} ${dir} is not a folder: remove it, or choose another state folder (state_dir, --state-dir)`);
  const user = me();
  if (user.uid >= 0 && st.uid !== user.uid) {
    throw new UnsafeFolder(`${what} ${dir} belongs to uid ${st.uid}, not to ${user.name} (uid ${user.uid}) who runs the agent, ` +
      `so its owner could plant links the agent would write through: run \`chown -R ${user.name} ${dir}\` and \`chmod 700 ${dir}\`, or run the agent as its owner`);
  }
  const writers = whoMayWrite(st.mode);
  if (writers) {
    throw new UnsafeFolder(`${what} ${dir} may be written by ${writers} (mode ${(st.mode & 0o777).toString(8)}), ` +
      `so anyone there could plant links the agent would write through: run \`chmod 700 ${dir}\``);
  }
}

/** Refuses DIR unless it is a private folder of the agent's user. */
export function checkPrivateFolder(dir: string, what = 'the agent\'s folder'): void {
  if (process.platform === 'win32') return;
  checkStats(dir, statSync(dir), what);
}

/**
 * Refuses the state folder, or a folder in it, unless it is private to the agent's user. Run before
 * the agent reads or writes anything in it. A missing one passes: the agent makes it, mode 0700.
 */
export function checkStateFolder(dir: string): void {
  if (process.platform === 'win32' || !existsSync(dir)) return;
  checkStats(dir, statSync(dir), 'the agent\'s state folder');
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const st = lstatSync(path);
    if (st.isSymbolicLink() && ['spool', 'identity'].includes(entry)) {
      throw new UnsafeFolder(`the folder ${path} in the agent's state folder is a symbolic link, which the agent does not follow: replace it with a folder (mode 0700) holding what it points to`);
    }
    if (st.isDirectory()) checkStats(path, st, 'the folder');
  }
}
