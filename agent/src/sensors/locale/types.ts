export interface LocaleFact {
  timeZone: string;
  locales: string[];
  keyboardLayouts: string[];
}
