/**
 * Fingerprints of code and templates for build caches: a cache entry that
 * depends on how some files behave is keyed by a hash of those files and of the
 * lock file (the versions of every installed package), so a change to either
 * invalidates it.
 */
import { createHash, type Hash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { SOURCE_ROOT } from './source-root.ts'

/** The repository's lock file. */
const LOCK_FILE = path.resolve(SOURCE_ROOT, '../package-lock.json')

/** Every file below `folder`, relative to it, sorted; none when the folder is missing. */
export function filesBelow(folder: string): string[] {
  try {
    return readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
      .sort()
  } catch {
    return []
  }
}

/** Add each of `files` (relative to `folder`; default: every file below it), name and contents, to `hash`. */
export function hashFiles(hash: Hash, folder: string, files: readonly string[] = filesBelow(folder)): Hash {
  for (const file of files) hash.update(file).update('\0').update(readFileSync(path.join(folder, file)))
  return hash
}

/** Add the lock file, when there is one, to `hash`. */
export function hashLockFile(hash: Hash): Hash {
  if (existsSync(LOCK_FILE)) hash.update(readFileSync(LOCK_FILE))
  return hash
}

let codeFingerprint: string | null = null

/** A hash of every source file below `src/` and the lock file, computed once per process. */
export function buildCodeFingerprint(): string {
  codeFingerprint ??= hashLockFile(hashFiles(createHash('sha256'), SOURCE_ROOT)).digest('hex')
  return codeFingerprint
}
