export interface InputIdleFact {
  /** Milliseconds since the last keyboard or mouse input in any user session (the smallest over sessions); null when no user session is there (nobody logged in: not in use). */
  idleMs: number | null;
  /** Where it was read, e.g. "HIDIdleTime", "query user", "logind". */
  source: string;
  /** User sessions looked at. */
  sessions: number;
}
