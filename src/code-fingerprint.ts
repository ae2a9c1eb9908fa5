/**
 * A fingerprint of the build's own code: every source file below `src/` and the
 * lock file (the versions of every package). Caches whose entries depend on how
 * the code behaves (parsed content, page keys) include it, so any change to the
 * code or to an installed package invalidates them.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

let fingerprint: string | null = null

/** The fingerprint, computed once per process. */
export function buildCodeFingerprint(): string {
  if (fingerprint !== null) return fingerprint
  const hash = createHash('sha256')
  const sourceRoot = import.meta.dirname
  const files = readdirSync(sourceRoot, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(sourceRoot, path.join(entry.parentPath, entry.name)))
    .sort()
  for (const file of files) hash.update(file).update('\0').update(readFileSync(path.join(sourceRoot, file)))
  const lockFile = path.resolve(sourceRoot, '../package-lock.json')
  if (existsSync(lockFile)) hash.update(readFileSync(lockFile))
  fingerprint = hash.digest('hex')
  return fingerprint
}
