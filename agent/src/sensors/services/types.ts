export interface ServiceFact {
  /** Unit, launchd label or Windows service name: "anydesk.service", "com.teamviewer.service". */
  name: string;
  displayName?: string;
  /** Where it is defined (unit file, plist) or the program it runs. */
  path?: string;
  enabled?: boolean;
  running?: boolean;
}
