/**
 * Keys for deferred output files: a page's key changes whenever its HTML could,
 * so the output stage renders a page only when its key differs from the one the
 * previous build recorded for it. A key covers
 *
 * - the site: every template file, the build's own source code, the installed
 *   packages (lock file) and the site-wide template data (config, links, topics,
 *   sources);
 * - the page: its template, URL and data, where each paper view stands for a
 *   digest of the paper record it was made from (its summaries' HTML is a function
 *   of their Markdown and the renderer, both covered).
 */
import { createHash } from 'node:crypto'
import { buildCodeFingerprint, hashFiles } from '../code-fingerprint.ts'
import type { Paper } from '../model.ts'
import type { PaperView } from './view-model.ts'

/** Keys for the pages and per-paper files of one build. */
export class PageKeys {
  readonly #site: string
  readonly #digests = new WeakMap<object, string>()

  /**
   * @param templatesDir every file below it is part of every key
   * @param siteData template data shared by all pages (and anything else that shapes every page)
   */
  constructor(templatesDir: string, siteData: unknown, views: readonly PaperView[]) {
    this.#site = hashFiles(createHash('sha256').update(buildCodeFingerprint()), templatesDir).update(JSON.stringify(siteData)).digest('hex')
    for (const view of views) {
      const digest = paperDigest(view.paper)
      this.#digests.set(view, digest)
      for (const review of view.reviews) this.#digests.set(review, `${digest}${review.anchor}`)
    }
  }

  /** The key of an output file made from `parts` (any JSON; paper and review views count by digest). */
  of(...parts: unknown[]): string {
    const replacer = (_key: string, value: unknown) => (typeof value === 'object' && value !== null ? (this.#digests.get(value) ?? value) : value)
    return createHash('sha1').update(this.#site).update(JSON.stringify(parts, replacer)).digest('hex')
  }
}

/**
 * A digest of everything in a paper record. Summaries, nearly all of its bytes,
 * are hashed as they are rather than JSON-escaped first: at 10,000 reviews that
 * halves the cost of the page keys.
 */
function paperDigest(paper: Paper): string {
  const { reviews, ...fields } = paper
  const hash = createHash('sha1').update(JSON.stringify(fields))
  for (const { summary, ...review } of reviews) hash.update('\0').update(JSON.stringify(review)).update('\0').update(summary)
  return hash.digest('hex')
}
