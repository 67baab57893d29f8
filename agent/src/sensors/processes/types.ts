export interface ProcessFact {
  pid: number;
  ppid: number;
  /** Short name the OS reports (Linux comm, truncated to 15 characters by the kernel). */
  name: string;
  /** Full path of the executable when the OS tells it. */
  path?: string;
  /** Base name of argv[0], which keeps names longer than comm. */
  argv0?: string;
  user?: string;
  startedAtMs?: number;
}
