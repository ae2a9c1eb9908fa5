/**
 * The contract of the render cache: rendered summaries keyed by a hash of the
 * Markdown and of everything that shapes the output (the renderer's own source
 * files and the installed packages), so an unchanged review is never rendered
 * twice and any change to the renderer invalidates every entry. Storage is the
 * output stage's business (`src/output/disk-cache.ts`); render only asks.
 */
import { createHash } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { hashFiles, hashLockFile } from '../code-fingerprint.ts'
import type { RenderedSummary } from './markdown.ts'
import { sourcePath } from '../source-root.ts'

/** A rendered summary as the cache stores it: the feed HTML only when it differs from the page HTML (math). */
export type CachedSummary = Omit<RenderedSummary, 'feedHtml'> & { readonly feedHtml?: string }

/** Where rendered summaries are looked up and stored. */
export interface SummaryCache {
  get(key: string): CachedSummary | undefined
  set(key: string, value: CachedSummary): void
}

/** The cache entry of a summary: without math, its feed HTML is its page HTML and is not stored twice. */
export function toCachedSummary(summary: RenderedSummary): CachedSummary {
  const { feedHtml, ...rest } = summary
  return feedHtml === summary.html ? rest : summary
}

/** A summary from its cache entry. */
export function fromCachedSummary(entry: CachedSummary): RenderedSummary {
  return { ...entry, feedHtml: entry.feedHtml ?? entry.html }
}

/** A cache that remembers nothing (for `--no-cache` and tests). */
export const NO_SUMMARY_CACHE: SummaryCache = { get: () => undefined, set: () => {} }

let fingerprint: string | null = null

/**
 * A hash of what shapes rendered summaries: this folder's sources (the unified
 * pipeline and its plugins) and the lock file (the versions of unified, KaTeX and
 * the rest). Computed once per process.
 */
export function rendererFingerprint(): string {
  if (fingerprint !== null) return fingerprint
  const here = sourcePath('render')
  const sources = readdirSync(here).filter((name) => /^(?:markdown|sanitize-schema|plain-text|remark-.*|rehype-.*)\.ts$/.test(name)).sort()
  fingerprint = hashLockFile(hashFiles(createHash('sha256'), here, sources)).digest('hex').slice(0, 16)
  return fingerprint
}

/** The cache key of one summary. */
export function summaryCacheKey(markdown: string): string {
  return createHash('sha256').update(rendererFingerprint()).update('\0').update(markdown).digest('hex')
}
