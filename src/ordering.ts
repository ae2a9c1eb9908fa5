/**
 * Locale-independent string order. `localeCompare` follows the machine's
 * LANG/LC_ALL, which would make output differ between machines; every sort that
 * shapes output uses this instead.
 */

/** Compare by UTF-16 code units: the same on every machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
