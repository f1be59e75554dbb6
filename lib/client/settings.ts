import 'client-only';
/**
 * The learner's display settings (tabs, font size, split), kept in localStorage where the browser allows
 * it. An iframe of another site may be refused storage: then settings last as long as the page.
 */
export function readSetting(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeSetting(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Refused: nothing to keep it in.
  }
}
