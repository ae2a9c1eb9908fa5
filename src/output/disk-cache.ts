/**
 * The build cache on disk (`.cache/` by default): one pack file per namespace
 * (`<name>.pack`), holding every entry's JSON behind an index of offsets. Opening
 * reads only the index; each `get` is one positioned read of one entry, so a build
 * that needs 10,000 entries makes 10,000 reads of one open file rather than opening
 * 10,000 files.
 *
 * New entries are kept in memory and written by {@link DiskCache.flush}, after
 * the build succeeded: the pack is rewritten (temporary file, then rename, so it
 * is replaced atomically) with the new entries and the old entries this build
 * used. Entries no build asks for any more (an edited review's old render, an old
 * version of a content file) are dropped then, so the cache does not grow with
 * every edit. When nothing was added, nothing is written.
 *
 * The cache is safe to delete at any time; an unreadable pack or entry is a miss.
 *
 * Pack layout (version 1): a first line `research-digest-cache 1 <index bytes>`,
 * then the index as JSON (`[[key, offset, length], …]`, offsets counted from the
 * end of the index), then the entries' JSON, back to back.
 */
import { closeSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'

/** A key/value store of JSON values on disk. */
export interface DiskCache<T> {
  get(key: string): T | undefined
  set(key: string, value: T): void
  /** Is there an entry for `key`? Looks at the index only. */
  has(key: string): boolean
  /** Count the stored entry for `key` as used by this build without reading it, so the next rewrite keeps it. */
  keep(key: string): void
  /**
   * Write the pack again when entries were set since opening: those, plus the
   * stored entries read since opening (the others are dropped). Returns how many
   * new entries were written. Closes the pack; the cache can still be used afterwards.
   */
  flush(): number
  /** Close the pack without writing anything (for a build that failed, or only reads). */
  close(): void
  /** Entries found on disk / asked for, since opening. */
  readonly stats: { hits: number; misses: number }
}

const FORMAT = 'research-digest-cache'
const VERSION = 1
/** The first line is at most this long. */
const FIRST_LINE_BYTES = 64

interface OpenPack {
  readonly fd: number
  /** Where entries start in the file. */
  readonly start: number
  readonly entries: Map<string, readonly [offset: number, length: number]>
}

/** Open the cache namespace `name` under `directory`. */
export function openDiskCache<T>(directory: string, name: string): DiskCache<T> {
  const packFile = path.join(directory, `${name}.pack`)
  const pending = new Map<string, T>()
  const used = new Set<string>()
  const stats = { hits: 0, misses: 0 }
  let pack: OpenPack | null | undefined

  const openPack = (): OpenPack | null => {
    if (pack !== undefined) return pack
    pack = readPackIndex(packFile)
    return pack
  }
  const closePack = () => {
    if (pack) closeSync(pack.fd)
    pack = undefined
  }
  const readEntry = (opened: OpenPack, key: string): Buffer | null => {
    const place = opened.entries.get(key)
    if (!place) return null
    const [offset, length] = place
    const bytes = Buffer.allocUnsafe(length)
    return readSync(opened.fd, bytes, 0, length, opened.start + offset) === length ? bytes : null
  }

  return {
    stats,
    get(key) {
      const waiting = pending.get(key)
      if (waiting !== undefined) return waiting
      const opened = openPack()
      try {
        const bytes = opened ? readEntry(opened, key) : null
        if (bytes) {
          const value = JSON.parse(bytes.toString('utf8')) as T
          used.add(key)
          stats.hits++
          return value
        }
      } catch {
        // An unreadable entry is a miss.
      }
      stats.misses++
      return undefined
    },
    set(key, value) {
      pending.set(key, value)
    },
    has(key) {
      return pending.has(key) || (openPack()?.entries.has(key) ?? false)
    },
    keep(key) {
      if (openPack()?.entries.has(key)) used.add(key)
    },
    flush() {
      if (pending.size === 0) {
        closePack()
        return 0
      }
      const written = pending.size
      try {
        mkdirSync(directory, { recursive: true })
        writePack(packFile, openPack(), [...used].filter((key) => !pending.has(key)), pending)
        // The layout before packs: one file per entry in a folder named like the namespace.
        rmSync(path.join(directory, name), { recursive: true, force: true })
      } catch {
        // A cache that cannot be written only costs time on the next build.
      } finally {
        closePack()
      }
      pending.clear()
      used.clear()
      return written
    },
    close() {
      closePack()
    },
  }
}

/** Open a pack and read its index; null when there is none or it cannot be read. */
function readPackIndex(file: string): OpenPack | null {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch {
    return null
  }
  try {
    const head = Buffer.alloc(FIRST_LINE_BYTES)
    const read = readSync(fd, head, 0, FIRST_LINE_BYTES, 0)
    const newline = head.subarray(0, read).indexOf(10)
    const [format, version, indexBytes] = head.toString('latin1', 0, Math.max(newline, 0)).split(' ')
    const indexLength = Number(indexBytes)
    if (newline < 0 || format !== FORMAT || Number(version) !== VERSION || !Number.isSafeInteger(indexLength) || indexLength < 2) throw new Error('not a pack')
    const index = Buffer.allocUnsafe(indexLength)
    if (readSync(fd, index, 0, indexLength, newline + 1) !== indexLength) throw new Error('truncated pack')
    const list = JSON.parse(index.toString('utf8')) as Array<[string, number, number]>
    return { fd, start: newline + 1 + indexLength, entries: new Map(list.map(([key, offset, length]) => [key, [offset, length] as const])) }
  } catch {
    closeSync(fd)
    return null
  }
}

/** Write a new pack: `kept` entries copied from the old pack one at a time (never all in memory), then the new ones. */
function writePack<T>(file: string, old: OpenPack | null, kept: readonly string[], added: ReadonlyMap<string, T>): void {
  const copied = old ? kept.filter((key) => old.entries.has(key)) : []
  const fresh = [...added].map(([key, value]) => [key, Buffer.from(JSON.stringify(value), 'utf8')] as const)
  let offset = 0
  const place = (key: string, length: number) => {
    const entry = [key, offset, length] as const
    offset += length
    return entry
  }
  const index = [...copied.map((key) => place(key, old!.entries.get(key)![1])), ...fresh.map(([key, bytes]) => place(key, bytes.length))]
  const indexBytes = Buffer.from(JSON.stringify(index), 'utf8')
  const temporary = `${file}.${process.pid}.tmp`
  const fd = openSync(temporary, 'w')
  try {
    writeAll(fd, Buffer.from(`${FORMAT} ${VERSION} ${indexBytes.length}\n`, 'latin1'))
    writeAll(fd, indexBytes)
    let buffer = Buffer.allocUnsafe(1 << 16)
    for (const key of copied) {
      const [from, length] = old!.entries.get(key)!
      if (buffer.length < length) buffer = Buffer.allocUnsafe(length)
      if (readSync(old!.fd, buffer, 0, length, old!.start + from) !== length) throw new Error('the old pack ended early')
      writeAll(fd, buffer.subarray(0, length))
    }
    for (const [, bytes] of fresh) writeAll(fd, bytes)
  } catch (error) {
    closeSync(fd)
    rmSync(temporary, { force: true })
    throw error
  }
  closeSync(fd)
  renameSync(temporary, file)
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done)
}
