/**
 * Ingest results remembered between builds: a content file whose bytes, path and
 * code (see `code-fingerprint.ts`) are unchanged is not parsed again. An entry
 * holds the settings, format and reviews (the text is the bytes decoded again), and each message as the rule id,
 * reason and place it was reported with, so the restored file carries the very
 * messages (with their hints and severities) a fresh parse would. Storage is the
 * output stage's business (`src/output/disk-cache.ts`); ingest only asks.
 */
import { createHash } from 'node:crypto'
import { VFile } from 'vfile'
import { buildCodeFingerprint } from '../code-fingerprint.ts'
import { report } from '../diagnostics/report.ts'
import type { RuleId } from '../diagnostics/rules.ts'
import type { SourceSettings } from './front-matter.ts'
import type { Review } from '../model.ts'
import { ingestSource, type ContentInput, type IngestedSource } from './index.ts'

const utf8 = new TextDecoder('utf-8')

/** One content file's ingest result, as JSON. */
export interface CachedIngest {
  readonly settings: SourceSettings
  readonly format: string | null
  readonly reviews: readonly Review[]
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
  const key = createHash('sha256').update(buildCodeFingerprint()).update('\0').update(input.path).update('\0').update(input.bytes).digest('hex')
  const cached = cache.get(key)
  if (cached) {
    const file = new VFile({ path: input.path })
    if (cached.text) decodeWhenRead(file, input.bytes)
    for (const [ruleId, reason, line, column] of cached.messages) report(file, ruleId, reason, line === null ? undefined : { line, ...(column === null ? {} : { column }) })
    return { file, settings: cached.settings, format: cached.format, reviews: cached.reviews }
  }
  const source = ingestSource(input)
  cache.set(key, {
    settings: source.settings,
    format: source.format,
    reviews: source.reviews,
    text: typeof source.file.value === 'string',
    messages: source.file.messages.map((message) => [message.ruleId as RuleId, message.reason, message.line ?? null, message.column ?? null] as const),
  })
  return source
}

/** Give `file` the decoded `bytes` as its value, decoded only if something reads it (most builds never do). */
function decodeWhenRead(file: VFile, bytes: Uint8Array): void {
  let decoded: string | undefined
  Object.defineProperty(file, 'value', {
    configurable: true,
    enumerable: true,
    get: () => (decoded ??= utf8.decode(bytes)),
    set: (value: unknown) => Object.defineProperty(file, 'value', { configurable: true, enumerable: true, writable: true, value }),
  })
}
