/**
 * The contract of the render cache: rendered summaries keyed by a hash of the
 * Markdown and of everything that shapes the output (the renderer's own source
 * files and the installed packages), so an unchanged review is never rendered
 * twice and any change to the renderer invalidates every entry. Storage is the
 * output stage's business (`src/output/disk-cache.ts`); render only asks.
 */
import { createHash, hash } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { hashFiles, hashLockFile } from '../code-fingerprint.ts'
import type { RenderedSummary } from './markdown.ts'
import type { Review } from '../model.ts'
import { summaryDigest } from '../summary-digest.ts'
import { sourcePath } from '../source-root.ts'

/** What every build reads of a cached summary: its excerpt, whether it has math, and its problems (reported on every build). */
export type CachedSummaryMeta = Pick<RenderedSummary, 'excerpt' | 'hasMath' | 'problems'>

/** A cached summary's plain text, read only when search must index it anew. */
export interface CachedSummaryText {
  readonly text: string
}

/** A cached summary's HTML, read only when a file showing it is made; the feed HTML only when it differs from the page HTML (math). */
export interface CachedSummaryHtml {
  readonly html: string
  readonly feedHtml?: string
}

/** A key/value store, as the build cache provides one per namespace. */
export interface SummaryStore<T> {
  get(key: string): T | undefined
  set(key: string, value: T): void
  /** Is there an entry for `key` (without reading it)? */
  has(key: string): boolean
  /** Count the entry for `key` as used by this build (without reading it), so it is kept. */
  keep(key: string): void
}

/** Where rendered summaries are looked up and stored. */
export interface SummaryCache {
  /** The summary rendered earlier from the same Markdown by the same renderer; its HTML is read when first asked for. */
  get(key: string): RenderedSummary | undefined
  set(key: string, summary: RenderedSummary): void
}

/**
 * A summary cache on three stores: `meta` (excerpt, math, problems), read for
 * every review on every build; `text`, read only for summaries search must index
 * anew; and `html`, read only for summaries shown by a file the build makes. A
 * warm build that makes no file reads neither text nor HTML.
 */
export function summaryCacheOn(meta: SummaryStore<CachedSummaryMeta>, text: SummaryStore<CachedSummaryText>, html: SummaryStore<CachedSummaryHtml>): SummaryCache {
  // Text and HTML are read again each time they are asked for, but for the latest
  // read of each store (a page reads a summary's HTML a few times in a row):
  // remembering every one read would hold them all by the end of the build.
  const reader = <T>(store: SummaryStore<T>, what: string) => {
    let latest: { key: string; value: T } | null = null
    return (key: string): T => {
      if (latest?.key === key) return latest.value
      const value = store.get(key)
      if (value === undefined) throw new Error(`research-digest: the ${what} of a cached summary (${key.slice(0, 12)}…) could not be read; delete the cache folder (or build with --no-cache)`)
      latest = { key, value }
      return value
    }
  }
  const readHtml = reader(html, 'HTML')
  const readText = reader(text, 'text')
  // Each entry's summary, made once per entry read (a session's stores keep their entries between builds).
  const summaries = new WeakMap<CachedSummaryMeta, { readonly key: string; readonly summary: RenderedSummary }>()
  return {
    get(key) {
      const found = meta.get(key)
      if (!found || !html.has(key) || !text.has(key)) return undefined
      html.keep(key)
      text.keep(key)
      const made = summaries.get(found)
      if (made?.key === key) return made.summary
      const summary: RenderedSummary = {
        get text() {
          return readText(key).text
        },
        excerpt: found.excerpt,
        hasMath: found.hasMath,
        problems: found.problems,
        get html() {
          return readHtml(key).html
        },
        get feedHtml() {
          const loaded = readHtml(key)
          return loaded.feedHtml ?? loaded.html
        },
      }
      summaries.set(found, { key, summary })
      return summary
    },
    set(key, summary) {
      meta.set(key, { excerpt: summary.excerpt, hasMath: summary.hasMath, problems: summary.problems })
      text.set(key, { text: summary.text })
      html.set(key, summary.feedHtml === summary.html ? { html: summary.html } : { html: summary.html, feedHtml: summary.feedHtml })
    },
  }
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
  const sources = readdirSync(here).filter((name) => /^(?:markdown|sanitize-schema|plain-text|excerpt|remark-.*|rehype-.*)\.ts$/.test(name)).sort()
  fingerprint = hashLockFile(hashFiles(createHash('sha256'), here, sources)).digest('hex').slice(0, 16)
  return fingerprint
}

/** Keys by review record (immutable): render and search each ask for every review's key on every build. */
const cacheKeys = new WeakMap<Pick<Review, 'summary'>, string>()

/** The cache key of one review's summary. */
export function summaryCacheKey(review: Pick<Review, 'summary'>): string {
  let key = cacheKeys.get(review)
  if (key === undefined) {
    key = hash('sha256', `${rendererFingerprint()}\0${summaryDigest(review)}`)
    cacheKeys.set(review, key)
  }
  return key
}
