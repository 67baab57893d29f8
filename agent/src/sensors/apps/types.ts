export interface AppFact {
  name: string;
  version?: string;
  /** Where it is installed, or the package manager that knows it ("dpkg"). */
  path?: string;
  source: 'dpkg' | 'rpm' | 'snap' | 'flatpak' | 'desktop' | 'opt' | 'applications' | 'registry' | 'winget' | 'listing';
  installedAtMs?: number;
  /** macOS bundle identifier (CFBundleIdentifier). */
  bundleId?: string;
}
