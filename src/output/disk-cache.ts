/**
 * The build cache on disk (`.cache/` by default): one small JSON file per entry,
 * in 256 sub-folders by the key's first two hex digits. Reads happen on demand;
 * new entries are kept in memory and written by {@link DiskCache.flush}, each
 * atomically (temporary file, then rename), after the build succeeded. The cache
 * is safe to delete at any time; an unreadable entry is a miss.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** A key/value store of JSON values on disk. */
export interface DiskCache<T> {
  get(key: string): T | undefined
  set(key: string, value: T): void
  /** Is there an entry for `key` (without reading it)? */
  has(key: string): boolean
  /** Write the entries set since opening; returns how many were written. */
  flush(): number
  /** Entries found on disk / asked for, since opening. */
  readonly stats: { hits: number; misses: number }
}

/** Open the cache namespace `name` under `directory`. */
export function openDiskCache<T>(directory: string, name: string): DiskCache<T> {
  const root = path.join(directory, name)
  const pending = new Map<string, T>()
  const stats = { hits: 0, misses: 0 }
  const fileOf = (key: string) => path.join(root, key.slice(0, 2), `${key}.json`)
  return {
    stats,
    get(key) {
      const waiting = pending.get(key)
      if (waiting !== undefined) return waiting
      try {
        const value = JSON.parse(readFileSync(fileOf(key), 'utf8')) as T
        stats.hits++
        return value
      } catch {
        stats.misses++
        return undefined
      }
    },
    set(key, value) {
      pending.set(key, value)
    },
    has(key) {
      return pending.has(key) || existsSync(fileOf(key))
    },
    flush() {
      let written = 0
      for (const [key, value] of pending) {
        const file = fileOf(key)
        try {
          mkdirSync(path.dirname(file), { recursive: true })
          const temporary = `${file}.${process.pid}.tmp`
          writeFileSync(temporary, JSON.stringify(value))
          renameSync(temporary, file)
          written++
        } catch {
          // A cache that cannot be written only costs time on the next build.
        }
      }
      pending.clear()
      return written
    },
  }
}
