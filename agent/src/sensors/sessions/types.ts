/** One remote-access session from a tool's own log. */
export interface RemoteSessionFact {
  tool: 'anydesk' | 'teamviewer';
  direction: 'incoming' | 'outgoing';
  /** The other side's id (AnyDesk / TeamViewer id) and name, as logged. */
  peerId?: string;
  peerName?: string;
  peerIp?: string;
  startedAtMs?: number;
  endedAtMs?: number;
  /** How it was let in: "User" (accepted at the console), "Passwd" (unattended password), "Token", "REJECTED". */
  auth?: string;
  /** Let in without anyone at the laptop accepting it. */
  unattended: boolean;
  localUser?: string;
  /** The log file it came from. */
  file: string;
}
