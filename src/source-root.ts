/**
 * Where research-digest's own source files are (`src/`). Some stages read their
 * sources (cache fingerprints, the worker and client bundles), so they must find
 * them even when this code runs from the launcher's bundle of `src/` (see
 * `bin/digest.mjs`): the bundle defines `__DIGEST_SOURCE_ROOT__`; otherwise it is
 * this file's folder.
 */
import path from 'node:path'

declare const __DIGEST_SOURCE_ROOT__: string | undefined

/** The absolute path of `src/`. */
export const SOURCE_ROOT: string = typeof __DIGEST_SOURCE_ROOT__ === 'string' ? __DIGEST_SOURCE_ROOT__ : import.meta.dirname

/** A path below `src/`, e.g. `sourcePath('render', 'summary-worker.ts')`. */
export function sourcePath(...segments: string[]): string {
  return path.join(SOURCE_ROOT, ...segments)
}
