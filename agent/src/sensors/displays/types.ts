export interface DisplayFact {
  /** Connector name: "eDP-1", "HDMI-A-1", or the OS's display id. */
  connector: string;
  connected: boolean;
  /** The laptop's own panel (eDP, LVDS, DSI). */
  internal: boolean;
  /** Raw EDID as the display (or whatever pretends to be one) presents it. */
  edid?: Buffer;
  /** The OS recorded this display once (Windows registry); it may not be attached now. */
  seenBefore?: boolean;
  /** Lid state for internal panels, where the OS tells it. */
  lidOpen?: boolean;
}
