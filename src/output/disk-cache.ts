/**
 * The build cache on disk (`.cache/` by default). Each namespace is an index
 * file (`<name>.pack`: JSON naming every entry's segment, offset and length) and a
 * few segment files (`<name>.<id>.seg`: entries' JSON back to back). Opening reads
 * only the index; a `get` reads its entry from the open segment, and while a build
 * reads entries in the order they were written (as it mostly does), one read of
 * 1 MB serves many of them: at 10k reviews a build's 30,000 entries take about 85
 * reads, rather than 30,000 (or opening 30,000 files).
 *
 * New entries are kept in memory and written by {@link DiskCache.flush} after the
 * build succeeded, as one new segment; then a new index replaces the old one
 * atomically (temporary file, then rename). The index lists the new entries and
 * the old entries this build used (read or kept): entries no build asks for any
 * more (an edited review's old render) drop out, so the cache does not grow with
 * every edit. Segments are never changed once written, so an edit writes only
 * what it added; when more than half the segment bytes are dropped entries, the
 * live entries are copied into one new segment and the old segments deleted.
 * When nothing was added, nothing is written.
 *
 * Concurrent builds sharing a cache never corrupt it: each writes its own
 * segment, and the last index written wins. Nor do they fail each other: a cache
 * opens every segment its index names as it reads the index, so what the index
 * says is there stays readable while it is open (on POSIX systems an open file
 * can still be read after another build deletes it), and `has` is true only of
 * entries it can read. The cache is safe to delete at any time; an unreadable
 * index, segment or entry is a miss.
 *
 * A process that builds again and again (`digest dev`) opens its caches once with
 * `retain`: values stay in memory between builds, so a rebuild reads from disk
 * only what it never read before, and so does the index (the one it read first,
 * then each one it wrote), whose segments stay open until {@link DiskCache.release}.
 * Entries another process adds meanwhile are then misses.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import path from 'node:path'

/** A key/value store of JSON values on disk. */
export interface DiskCache<T> {
  get(key: string): T | undefined
  set(key: string, value: T): void
  /** Is there an entry for `key`? Looks at the index only. */
  has(key: string): boolean
  /** Count the stored entry for `key` as used by this build without reading it, so the next index keeps it. */
  keep(key: string): void
  /**
   * When entries were set since opening, write them as a new segment and a new
   * index listing them and the stored entries used since opening (the others are
   * dropped). Returns how many new entries were written. Closes open files; the
   * cache can still be used afterwards.
   */
  flush(): number
  /**
   * Close open files without writing anything (for a build that failed, or only
   * reads). With `retain`, the index and the segments it names stay open for the
   * next build: see {@link release}.
   */
  close(): void
  /** Close every open file, and forget the index (with `retain`, at the end of a session; values retained stay). */
  release(): void
  /** Entries found on disk / asked for, since opening. */
  readonly stats: { hits: number; misses: number }
}

/** Options of {@link openDiskCache}. */
export interface DiskCacheOptions {
  /**
   * Keep the values read or set in memory, across flushes, so they are read and
   * parsed once per process. They are shared, not copied: callers must not change
   * them. A flush forgets the values of entries it drops, as it drops them on disk.
   * @default false
   */
  readonly retain?: boolean
  /** Values are bytes (`Uint8Array`), stored and read as they are rather than as JSON. @default false */
  readonly raw?: boolean
  /**
   * Write each value set to a new segment on disk at once, and read it back from
   * there when asked for, instead of holding it in memory until the flush: for
   * large values made in great numbers (summaries' HTML in a first build of
   * 100,000 reviews would not fit in memory). A cache closed without a flush
   * deletes that segment. @default false
   */
  readonly spill?: boolean
}

const FORMAT = 'research-digest-cache'
const VERSION = 2
/** Copy live entries into one segment when dropped entries are more than this share of all segment bytes. */
const MAX_DEAD_SHARE = 0.5
/** … or when there are more segments than this. */
const MAX_SEGMENTS = 32
/** A segment no index names is deleted only when it is older than this (another build may be about to name it). */
const ORPHAN_AGE_MS = 10 * 60 * 1000

/** The index file's contents. */
interface PackIndex {
  readonly format: typeof FORMAT
  readonly version: typeof VERSION
  /** Segment file names (beside the index) and their sizes. */
  readonly segments: ReadonlyArray<readonly [file: string, bytes: number]>
  /** Key, segment number, offset, length. */
  readonly entries: ReadonlyArray<readonly [key: string, segment: number, offset: number, length: number]>
}

interface Place {
  /** The segment file's name. */
  readonly segment: string
  readonly offset: number
  readonly length: number
}

interface OpenIndex {
  readonly segments: ReadonlyArray<readonly [string, number]>
  readonly places: Map<string, Place>
  /** Open segment files, by name (opened on first read). */
  readonly descriptors: Map<string, SegmentReader>
}

/** Open the cache namespace `name` under `directory`. */
export function openDiskCache<T>(directory: string, name: string, options: DiskCacheOptions = {}): DiskCache<T> {
  const indexFile = path.join(directory, `${name}.pack`)
  const pending = new Map<string, T>()
  const retained = options.retain ? new Map<string, T>() : null
  const used = new Set<string>()
  const stats = { hits: 0, misses: 0 }
  let index: OpenIndex | null | undefined
  /** With `spill`: the segment new values are written to as they are set. */
  let spilled: NewSegment | null = null
  const encode = (value: T): Buffer => (options.raw ? Buffer.from(value as Uint8Array) : Buffer.from(JSON.stringify(value), 'utf8'))
  // Raw values are copied out of the read-ahead window they may be a view of.
  const decode = (bytes: Buffer): T => (options.raw ? Uint8Array.prototype.slice.call(bytes) : JSON.parse(bytes.toString('utf8'))) as T

  const openIndex = (): OpenIndex | null => {
    if (index === undefined) index = openSnapshot(directory, indexFile)
    return index
  }
  const closeAll = () => {
    if (index) closeReaders(index.descriptors.values())
    index = undefined
  }
  /** Nothing is written for a build that did not flush: drop what it spilled. */
  const dropSpilled = () => {
    if (!spilled) return
    closeSync(spilled.fd)
    rmSync(path.join(directory, spilled.file), { force: true })
    spilled = null
  }
  /** The stored bytes of `key`: null when the index does not name it or they cannot be read. */
  const readStored = (key: string): Buffer | null => {
    try {
      const opened = openIndex()
      return opened ? readEntry(opened, key) : null
    } catch {
      return null
    }
  }

  return {
    stats,
    get(key) {
      const waiting = pending.get(key)
      if (waiting !== undefined) return waiting
      if (spilled?.places.has(key)) {
        const bytes = readFromSegment(spilled, key)
        if (bytes) return decode(bytes)
      }
      const remembered = retained?.get(key)
      if (remembered !== undefined) {
        used.add(key)
        stats.hits++
        return remembered
      }
      const bytes = readStored(key)
      if (bytes) {
        try {
          const value = decode(bytes)
          used.add(key)
          retained?.set(key, value)
          stats.hits++
          return value
        } catch {
          // An entry that does not parse is a miss.
        }
      }
      stats.misses++
      return undefined
    },
    set(key, value) {
      if (options.spill) {
        spilled ??= createSegment(directory, name)
        appendEntry(spilled, key, encode(value))
      } else {
        pending.set(key, value)
      }
    },
    has(key) {
      return pending.has(key) || (spilled?.places.has(key) ?? false) || (retained?.has(key) ?? false) || (openIndex()?.places.has(key) ?? false)
    },
    keep(key) {
      if (retained?.has(key) || openIndex()?.places.has(key)) used.add(key)
    },
    flush() {
      if (retained) {
        for (const key of retained.keys()) if (!used.has(key)) retained.delete(key)
        for (const [key, value] of pending) retained.set(key, value)
      }
      const written = pending.size + (spilled?.places.size ?? 0)
      if (written === 0) {
        // A session keeps the index it has (an index another build writes meanwhile is seen as misses, never as wrong values).
        if (!retained) closeAll()
        used.clear()
        return 0
      }
      try {
        const segment = spilled ?? createSegment(directory, name)
        spilled = null
        for (const [key, value] of pending) appendEntry(segment, key, encode(value))
        const opened = openIndex()
        const kept = opened ? [...used].filter((key) => !segment.places.has(key) && opened.places.has(key)) : []
        const newIndex = writeIndex(directory, name, opened, kept, segment, readEntry)
        // The layout before packs: one file per entry in a folder named like the namespace.
        rmSync(path.join(directory, name), { recursive: true, force: true })
        if (retained) {
          // A session's next build starts from the index it just wrote rather than read and parse it again.
          const reopened = openSegments(directory, newIndex, opened?.descriptors ?? new Map())
          if (opened) closeReaders([...opened.descriptors].filter(([file]) => !reopened.descriptors.has(file)).map(([, reader]) => reader))
          index = reopened
        } else {
          closeAll()
        }
      } catch {
        // A cache that cannot be written only costs time on the next build.
        closeAll()
      }
      pending.clear()
      used.clear()
      return written
    },
    release() {
      dropSpilled()
      closeAll()
    },
    close() {
      // A session (retain) keeps the index it read or wrote, and its open segments, as it keeps values.
      if (!retained) closeAll()
      dropSpilled()
    },
  }
}

/** How many times an index is read again when a segment it names is gone by the time it is opened. */
const SNAPSHOT_ATTEMPTS = 4

/**
 * Read the index and open every segment it names, so that each entry it names
 * stays readable while the index is in use, whatever other builds delete. A
 * segment may be gone between reading the index and opening it (another build
 * wrote a new index and deleted it): the index is then read again, a few times;
 * the last time, entries of segments that cannot be opened are left out.
 */
function openSnapshot(directory: string, indexFile: string): OpenIndex | null {
  for (let attempt = 1; ; attempt++) {
    const read = readIndex(indexFile)
    if (!read) return null
    const opened = openSegments(directory, read, new Map())
    if (opened.complete || attempt === SNAPSHOT_ATTEMPTS) return opened
    closeReaders(opened.descriptors.values())
  }
}

/**
 * Open the segments `index` names, taking those in `open` as they are; entries
 * of a segment that cannot be opened are left out, and `complete` is false.
 */
function openSegments(directory: string, index: Omit<OpenIndex, 'descriptors'>, open: ReadonlyMap<string, SegmentReader>): OpenIndex & { complete: boolean } {
  const descriptors = new Map<string, SegmentReader>()
  const missing = new Set<string>()
  for (const [file] of index.segments) {
    const reader = open.get(file) ?? tryOpenSegment(path.join(directory, file))
    if (reader) descriptors.set(file, reader)
    else missing.add(file)
  }
  if (missing.size === 0) return { segments: index.segments, places: index.places, descriptors, complete: true }
  const places = new Map([...index.places].filter(([, place]) => !missing.has(place.segment)))
  return { segments: index.segments, places, descriptors, complete: false }
}

function tryOpenSegment(file: string): SegmentReader | null {
  try {
    return { fd: openSync(file, 'r'), window: null, windowStart: 0, lastEnd: 0 }
  } catch {
    return null
  }
}

function closeReaders(readers: Iterable<SegmentReader>): void {
  for (const { fd } of readers) closeSync(fd)
}

/** One entry's bytes from the segments `opened` holds open; null when it names no such entry or the file is shorter. */
function readEntry(opened: OpenIndex, key: string): Buffer | null {
  const place = opened.places.get(key)
  const reader = place && opened.descriptors.get(place.segment)
  return reader ? readPlace(reader, place) : null
}

/** Read an index; null when there is none or it is not one this version reads. */
function readIndex(file: string): OpenIndex | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PackIndex>
    if (parsed.format !== FORMAT || parsed.version !== VERSION || !Array.isArray(parsed.segments) || !Array.isArray(parsed.entries)) return null
    const places = new Map<string, Place>()
    for (const [key, segment, offset, length] of parsed.entries) {
      const file = parsed.segments[segment]?.[0]
      if (typeof file === 'string') places.set(key, { segment: file, offset, length })
    }
    return { segments: parsed.segments, places, descriptors: new Map() }
  } catch {
    return null
  }
}

/** A segment being written: entries appended as they come. */
interface NewSegment {
  readonly file: string
  readonly fd: number
  size: number
  /** Key → offset and length in this segment (a key set again names its latest bytes). */
  readonly places: Map<string, { readonly offset: number; readonly length: number }>
}

function createSegment(directory: string, name: string): NewSegment {
  mkdirSync(directory, { recursive: true })
  const file = `${name}.${Date.now().toString(36)}-${randomBytes(4).toString('hex')}.seg`
  return { file, fd: openSync(path.join(directory, file), 'w+'), size: 0, places: new Map() }
}

function appendEntry(segment: NewSegment, key: string, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(segment.fd, bytes, done, bytes.length - done, segment.size + done)
  segment.places.set(key, { offset: segment.size, length: bytes.length })
  segment.size += bytes.length
}

function readFromSegment(segment: NewSegment, key: string): Buffer | null {
  const place = segment.places.get(key)
  return place ? readAt(segment.fd, place) : null
}

/** An open segment file, read ahead while its entries are read in order. */
interface SegmentReader {
  readonly fd: number
  /** Bytes read ahead, from `windowStart` on. */
  window: Buffer | null
  windowStart: number
  /** Where the entry read last ends. */
  lastEnd: number
}

/** Bytes read at once while entries are read in order (a build reads most entries in the order it wrote them). */
const READ_AHEAD = 1 << 20
/** A read that starts at most this far past the end of the one before is in order. */
const IN_ORDER_GAP = 64 * 1024

/**
 * One entry's bytes, as a view of the reader's window when it holds them: while
 * reads go forward through the file, one read of {@link READ_AHEAD} bytes serves
 * many entries (a CLI build after an edit at 10k reviews reads about 30,000
 * entries: 85 reads instead of 30,000, which took about 0.4 s of a profile);
 * other reads read just the entry. Null when the file is shorter than the place
 * says.
 */
function readPlace(reader: SegmentReader, place: { readonly offset: number; readonly length: number }): Buffer | null {
  const { offset, length } = place
  const { window, windowStart } = reader
  const inOrder = offset >= reader.lastEnd && offset - reader.lastEnd <= IN_ORDER_GAP
  reader.lastEnd = offset + length
  if (window && offset >= windowStart && offset + length <= windowStart + window.length) return window.subarray(offset - windowStart, offset - windowStart + length)
  if (!inOrder || length >= READ_AHEAD) return readAt(reader.fd, place)
  const bytes = Buffer.allocUnsafe(READ_AHEAD)
  const read = readSync(reader.fd, bytes, 0, READ_AHEAD, offset)
  if (read < length) return null
  reader.window = bytes.subarray(0, read)
  reader.windowStart = offset
  return reader.window.subarray(0, length)
}

/** One entry's bytes from an open segment; null when the file is shorter than its place says. */
function readAt(fd: number, { offset, length }: { readonly offset: number; readonly length: number }): Buffer | null {
  const bytes = Buffer.allocUnsafe(length)
  return readSync(fd, bytes, 0, length, offset) === length ? bytes : null
}

/**
 * Write a new index naming the new `segment` and the `kept` entries of `old`; or,
 * when too much of the old segments is dropped entries, copy the kept entries into
 * the new segment too and delete the old segments. Closes the new segment;
 * returns the index written, as read (kept entries keep their places' objects).
 */
function writeIndex(
  directory: string,
  name: string,
  old: OpenIndex | null,
  kept: readonly string[],
  segment: NewSegment,
  readEntry: (index: OpenIndex, key: string) => Buffer | null,
): Omit<OpenIndex, 'descriptors'> {
  const keptBytes = kept.reduce((sum, key) => sum + old!.places.get(key)!.length, 0)
  const oldBytes = old ? old.segments.reduce((sum, [, bytes]) => sum + bytes, 0) : 0
  const compact = old !== null && (oldBytes - keptBytes > MAX_DEAD_SHARE * oldBytes || old.segments.length >= MAX_SEGMENTS)

  const entries: Array<readonly [string, number, number, number]> = []
  const segments: Array<readonly [string, number]> = []
  const places = new Map<string, Place>()
  const oldSegmentNumber = new Map<string, number>()
  if (old && !compact) {
    const oldSizes = new Map(old.segments)
    for (const key of kept) {
      const place = old.places.get(key)!
      let segment = oldSegmentNumber.get(place.segment)
      if (segment === undefined) {
        segment = segments.length
        oldSegmentNumber.set(place.segment, segment)
        segments.push([place.segment, oldSizes.get(place.segment) ?? 0])
      }
      entries.push([key, segment, place.offset, place.length])
      places.set(key, place)
    }
  }
  const newSegment = segments.length
  try {
    if (old && compact) {
      for (const key of kept) {
        const bytes = readEntry(old, key)
        if (bytes) appendEntry(segment, key, bytes)
      }
    }
  } finally {
    closeSync(segment.fd)
  }
  for (const [key, { offset, length }] of segment.places) {
    entries.push([key, newSegment, offset, length])
    places.set(key, { segment: segment.file, offset, length })
  }
  segments.push([segment.file, segment.size])

  const index: PackIndex = { format: FORMAT, version: VERSION, segments, entries }
  const indexFile = path.join(directory, `${name}.pack`)
  const temporary = `${indexFile}.${process.pid}.tmp`
  writeFileSync(temporary, JSON.stringify(index))
  renameSync(temporary, indexFile)

  // Delete segments the new index no longer names: those of the old index at once, others once they are old.
  const named = new Set(segments.map(([file]) => file))
  const previous = new Set(old?.segments.map(([file]) => file) ?? [])
  for (const file of readdirSync(directory)) {
    if (!file.startsWith(`${name}.`) || !file.endsWith('.seg') || named.has(file)) continue
    const full = path.join(directory, file)
    if (previous.has(file) || Date.now() - statSync(full).mtimeMs > ORPHAN_AGE_MS) rmSync(full, { force: true })
  }
  return { segments, places }
}
