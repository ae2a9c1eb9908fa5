/**
 * Ingest results remembered between builds: a content file whose bytes, path and
 * code (see `code-fingerprint.ts`) are unchanged is not parsed again. An entry
 * holds the settings, format and reviews, and each message as the rule id,
 * reason and place it was reported with, so the restored file carries the very
 * messages (with their hints and severities) a fresh parse would. Storage is the
 * output stage's business (`src/output/disk-cache.ts`); ingest only asks.
 *
 * The file's text is not stored: it is the bytes decoded again, and only if
 * something reads it. Nor, mostly, are the summaries (nearly all of an entry's
 * bytes): a summary found verbatim in the text is stored as its place in the
 * file's bytes and decoded from them each time it is asked for, and each
 * summary's digest is stored, so a build that renders nothing new neither decodes
 * the text nor hashes a summary.
 *
 * A first parse is handed on as it will be restored: records made of fresh strings
 * (the parser's are slices of the file's text, each keeping all of it alive) and
 * summaries read from the bytes, so no file's text outlives its parse. At 100k
 * reviews, the texts held that way were about 1 GB.
 */
import { createHash } from 'node:crypto'
import { closeSync, openSync, readFileSync, readSync } from 'node:fs'
import { VFile } from 'vfile'
import { buildCodeFingerprint } from '../code-fingerprint.ts'
import { report } from '../diagnostics/report.ts'
import { DigestErrors } from '../errors.ts'
import type { RuleId } from '../diagnostics/rules.ts'
import type { SourceSettings } from './front-matter.ts'
import type { Review } from '../model.ts'
import { rememberSummaryDigest, summaryDigest as summaryDigestOf } from '../summary-digest.ts'
import { ingestSource, type ContentInput, type IngestedSource } from './index.ts'

const utf8 = new TextDecoder('utf-8')
/** For a summary's bytes: a leading U+FEFF is part of the summary, not a byte order mark. */
const utf8KeepingBom = new TextDecoder('utf-8', { ignoreBOM: true })

/**
 * A review as cached: its fields in their order, with its summary's digest and
 * either the summary or (`summary` null) its place in the file's bytes.
 */
export type CachedReview = Omit<Review, 'summary'> & {
  readonly summary: string | null
  /** Where the summary's UTF-8 bytes are in the file (after any byte order mark). */
  readonly summaryBytes?: readonly [offset: number, length: number]
  readonly summaryDigest: string
}

/** One content file's ingest result, as JSON. */
export interface CachedIngest {
  readonly settings: SourceSettings
  readonly format: string | null
  readonly reviews: readonly CachedReview[]
  /** Whether the file was text: its VFile's value is then its bytes decoded, which are not stored again. */
  readonly text: boolean
  readonly messages: ReadonlyArray<readonly [ruleId: RuleId, reason: string, line: number | null, column: number | null]>
}

/** Where ingest results are looked up and stored. */
export interface IngestCache {
  get(key: string): CachedIngest | undefined
  set(key: string, value: CachedIngest): void
}

/** Ingest `input`, or restore the result of an earlier build for the same bytes, path and code. */
export function ingestSourceCached(input: ContentInput, cache: IngestCache | null): IngestedSource {
  if (!cache) return ingestSource(input)
  const { key, entry } = cachedEntry(input, cache)
  return restoreIngest(input.path, contentBytes(input, key), entry)
}

/** The cache entry of `input` and its key: the one stored, or a fresh parse's, stored now. */
function cachedEntry(input: ContentInput, cache: IngestCache): { key: string; entry: CachedIngest } {
  const key = ingestKey(input.path, input.bytes)
  let entry = cache.get(key)
  if (!entry) {
    // JSON of the entry is what the cache stores and gives back: parsing it again makes
    // fresh strings, so no slice of the file's text is kept (by the cache or the records).
    entry = JSON.parse(JSON.stringify(entryOf(input, ingestSource(input)))) as CachedIngest
    cache.set(key, entry)
  }
  return { key, entry }
}

/**
 * What a session of builds (`digest dev`) remembers of the content files it
 * ingested: for each path, the file's identity and times when it was read (see
 * {@link fileState}) and the ingest key of the bytes read. A file whose
 * signature is unchanged is restored from the ingest cache without being read or
 * hashed again (at 10,000 reviews, 49 MB read and hashed per rebuild), and its
 * review records are the ones of the build before. When a file did change, the
 * records of its reviews that did not are taken over too, their summaries read
 * from their new places. Restored summaries are still checked against their
 * digests when read.
 */
export type IngestMemory = Map<string, RememberedFile>

/** What an {@link IngestMemory} knows of one content file. */
interface RememberedFile {
  readonly signature: string
  readonly key: string
  /**
   * The review records restored for it, given again while the file is unchanged:
   * records are immutable, and what later stages compute from one (digests,
   * keys) is remembered by record.
   */
  readonly reviews: readonly Review[]
  /** Each review's {@link reviewIdentity}: when the file changes, records of reviews that did not are taken over. */
  readonly identities: readonly string[]
}

/** Make an empty {@link IngestMemory}. */
export function createIngestMemory(): IngestMemory {
  return new Map()
}

/**
 * The ingest result of the content file at `location` (`relative` to the content
 * folder), restored from `cache` without reading the file when `memory` knows its
 * `signature` (taken by the caller before anything else) and the cache still
 * holds its entry; null when the file must be read.
 */
export function restoreRemembered(relative: string, location: string, signature: string | null, cache: IngestCache, memory: IngestMemory): IngestedSource | null {
  const known = memory.get(relative)
  if (signature === null || known?.signature !== signature) return null
  const cached = cache.get(known.key)
  return cached ? restoreIngest(relative, fileBytes(relative, location, known.key), cached, known.reviews) : null
}

/**
 * Ingest `input` as {@link ingestSourceCached} does, and remember in `memory`
 * the `signature` its file had before it was read (a write after that changes
 * the signature, so the next build reads the file again).
 */
export function ingestRemembering(input: ContentInput, signature: string | null, cache: IngestCache, memory: IngestMemory): IngestedSource {
  const before = memory.get(input.path)
  const { key, entry } = cachedEntry(input, cache)
  const bytes = contentBytes(input, key)
  const identities = entry.reviews.map(reviewIdentity)
  const reviews = before ? restoreReviewsOver(entry.reviews, identities, bytes, before) : entry.reviews.map((review) => restoreReview(review, bytes))
  if (signature !== null) memory.set(input.path, { signature, key, reviews, identities })
  else memory.delete(input.path)
  return restoreIngest(input.path, bytes, entry, reviews)
}

/** The cache key of a content file: its path and bytes, and the code that parses it. */
function ingestKey(path: string, bytes: Uint8Array): string {
  return createHash('sha256').update(buildCodeFingerprint()).update('\0').update(path).update('\0').update(bytes).digest('hex')
}

/** What the cache keeps of a fresh parse. */
function entryOf(input: ContentInput, source: IngestedSource): CachedIngest {
  // The file's value is its bytes decoded (byte order mark dropped): summaries are found in it.
  const text = typeof source.file.value === 'string' ? source.file.value : ''
  const bom = hasByteOrderMark(input.bytes) ? 3 : 0
  // Byte offsets of places in the text, counted forward from the last place asked for.
  let cursor = { offset: 0, bytes: 0 }
  const byteOffset = (offset: number) => {
    if (offset < cursor.offset) cursor = { offset: 0, bytes: 0 }
    cursor = { offset, bytes: cursor.bytes + Buffer.byteLength(text.slice(cursor.offset, offset), 'utf8') }
    return cursor.bytes
  }
  let searchFrom = 0
  return {
    settings: source.settings,
    format: source.format,
    reviews: source.reviews.map((review): CachedReview => {
      const { summary } = review
      const summaryDigest = summaryDigestOf(review)
      // Reviews come in file order: look after the previous one first, then anywhere.
      let offset = -1
      if (summary !== '') {
        offset = text.indexOf(summary, searchFrom)
        if (offset < 0) offset = text.indexOf(summary)
      }
      if (offset < 0) return { ...review, summaryDigest }
      searchFrom = offset + summary.length
      const start = byteOffset(offset)
      const end = byteOffset(offset + summary.length)
      // Overriding `summary` keeps its place among the fields, so a restored review's keys come in the same order.
      return { ...review, summary: null, summaryBytes: [bom + start, end - start], summaryDigest }
    }),
    text: typeof source.file.value === 'string',
    messages: source.file.messages.map((message) => [message.ruleId as RuleId, message.reason, message.line ?? null, message.column ?? null] as const),
  }
}

function hasByteOrderMark(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
}

/** A content file's ingest result from its cache entry (with `reviews` restored from it before, if given), with its messages reported again; summaries are read from `bytes`. */
function restoreIngest(path: string, bytes: ContentBytes, cached: CachedIngest, reviews?: readonly Review[]): IngestedSource {
  const file = new VFile({ path })
  if (cached.text) decodeWhenRead(file, bytes)
  for (const [ruleId, reason, line, column] of cached.messages) report(file, ruleId, reason, line === null ? undefined : { line, ...(column === null ? {} : { column }) })
  return { file, settings: cached.settings, format: cached.format, reviews: reviews ?? cached.reviews.map((review) => restoreReview(review, bytes)) }
}

/** A content file's bytes, read again when needed. */
interface ContentBytes {
  /** `length` bytes from `offset`, which are known to have this SHA-256 digest (hex). */
  slice(offset: number, length: number, digest: string): Uint8Array
  /** All of them. */
  all(): Uint8Array
}

/**
 * The bytes of `input`: read again from its file when it has a location (and
 * checked, so a file saved during the build stops it rather than mix two
 * versions), else the ones in memory. Keeping every file's bytes until the end of
 * the build would hold the whole content folder (about 480 MB at 100k reviews).
 */
function contentBytes(input: ContentInput, key: string): ContentBytes {
  const { bytes, location } = input
  if (location === undefined) return { slice: (offset, length) => bytes.subarray(offset, offset + length), all: () => bytes }
  // Only the path and location are kept (not `input`, which holds the bytes).
  return fileBytes(input.path, location, key)
}

/** The bytes of content file `name`, read from `location` when needed and checked against `key` and the digests. */
function fileBytes(name: string, location: string, key: string): ContentBytes {
  const changed = () => DigestErrors.contentChangedDuringBuild(name)
  return {
    slice(offset, length, digest) {
      const bytes = Buffer.alloc(length)
      let read = 0
      try {
        const fd = openSync(location, 'r')
        try {
          read = readSync(fd, bytes, 0, length, offset)
        } finally {
          closeSync(fd)
        }
      } catch {
        throw changed()
      }
      if (read !== length || createHash('sha256').update(bytes).digest('hex') !== digest) throw changed()
      return bytes
    },
    all() {
      let bytes: Buffer
      try {
        bytes = readFileSync(location)
      } catch {
        throw changed()
      }
      if (ingestKey(name, bytes) !== key) throw changed()
      return bytes
    },
  }
}

/**
 * A cached review as a {@link Review}: a summary stored by place is read from the
 * file's bytes each time it is asked for (rarely more than twice a build), so
 * summaries are not all held at once.
 */
function restoreReview(cached: CachedReview, bytes: ContentBytes): Review {
  const { summaryDigest, summaryBytes, ...fields } = cached
  let review: Review
  if (summaryBytes && fields.summary === null) {
    const [offset, length] = summaryBytes
    const place: SummaryPlace = { bytes, offset, length }
    // Every field in the order `ingestSource` gives them (the keys of pages and caches
    // are made from JSON of these records), written out: an object literal with a
    // getter stays a fast object, where redefining a property makes it a dictionary.
    review = {
      source: fields.source,
      line: fields.line,
      date: fields.date,
      reviewers: fields.reviewers,
      get summary() {
        return utf8KeepingBom.decode(place.bytes.slice(place.offset, place.length, summaryDigest))
      },
      title: fields.title,
      headline: fields.headline,
      url: fields.url,
      arxivId: fields.arxivId,
      arxivVersion: fields.arxivVersion,
      links: fields.links,
      tagOverride: fields.tagOverride,
    }
    summaryPlaces.set(review, place)
  } else {
    review = fields as Review
  }
  rememberSummaryDigest(review, summaryDigest)
  return review
}

/** Where a restored review's summary is: its file's bytes, and its place in them. */
interface SummaryPlace {
  bytes: ContentBytes
  offset: number
  length: number
}

/** The place of each restored review whose summary is read from its file. */
const summaryPlaces = new WeakMap<Review, SummaryPlace>()

/** What identifies a cached review but where its summary is: every field, the summary by its digest. */
function reviewIdentity(review: CachedReview): string {
  const { summaryBytes: _place, ...identity } = review
  return JSON.stringify(identity)
}

/**
 * The cached reviews of a new version of a file (with their {@link reviewIdentity})
 * as records, taking each review that is the same as one of `previous` (the
 * records of the version before, in a session) over as that very record, its summary now read from its place in the
 * new bytes (same digest). An edit to one review of a file then leaves the
 * other records, and all that later stages remember by record, as they were.
 */
function restoreReviewsOver(reviews: readonly CachedReview[], identities: readonly string[], bytes: ContentBytes, previous: RememberedFile): Review[] {
  const byIdentity = new Map<string, Review[]>()
  previous.reviews.forEach((review, index) => {
    const identity = previous.identities[index]!
    const same = byIdentity.get(identity)
    if (same) same.push(review)
    else byIdentity.set(identity, [review])
  })
  return reviews.map((cached, index) => {
    const before = byIdentity.get(identities[index]!)?.shift()
    const place = before && summaryPlaces.get(before)
    if (before && cached.summaryBytes && cached.summary === null && place) {
      place.bytes = bytes
      ;[place.offset, place.length] = cached.summaryBytes
      return before
    }
    // A summary kept in the entry itself is the same string: the record can be taken over as it is.
    if (before && !cached.summaryBytes && cached.summary !== null && !place) return before
    return restoreReview(cached, bytes)
  })
}

/** Give `file` the decoded bytes as its value, decoded only if something reads it (most builds never do). */
function decodeWhenRead(file: VFile, bytes: ContentBytes): void {
  let decoded: string | undefined
  Object.defineProperty(file, 'value', {
    configurable: true,
    enumerable: true,
    get: () => (decoded ??= utf8.decode(bytes.all())),
    set: (value: unknown) => Object.defineProperty(file, 'value', { configurable: true, enumerable: true, writable: true, value }),
  })
}
