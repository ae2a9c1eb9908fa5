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
import { createHash, hash } from 'node:crypto'
import { buildCodeFingerprint, hashFiles } from '../code-fingerprint.ts'
import type { Paper, Review } from '../model.ts'
import { summaryDigest } from '../summary-digest.ts'
import type { PaperView } from './view-model.ts'

/**
 * The keys of a session's previous build (`digest dev`), for files whose parts
 * are a function of a few objects (see {@link PageKeys.memoized}).
 */
export interface KeyMemory {
  site: string | null
  /** How many builds made keys with this memory. */
  builds: number
  /**
   * Each file's key and the inputs it was made from, and the last build that
   * asked for it. Records are updated in place: a rebuild after an edit changes
   * a few and allocates none for the others (a new map of 43,000 records per
   * rebuild at 10k reviews, all garbage by the next one).
   */
  readonly keys: Map<string, { inputs: readonly unknown[]; key: string; build: number }>
}

/** Make an empty {@link KeyMemory}. */
export function createKeyMemory(): KeyMemory {
  return { site: null, builds: 0, keys: new Map() }
}

/** Keys for the pages and per-paper files of one build. */
export class PageKeys {
  readonly #site: string
  readonly #memory: KeyMemory | null

  /**
   * @param templatesDir every file below it is part of every key
   * @param siteData template data shared by all pages (and anything else that shapes every page)
   * @param memory a session's keys of its previous build, to take over where their inputs are unchanged
   */
  constructor(templatesDir: string, siteData: unknown, views: readonly PaperView[], memory: KeyMemory | null = null) {
    this.#site = hashFiles(createHash('sha256').update(buildCodeFingerprint()), templatesDir).update(JSON.stringify(siteData)).digest('hex')
    this.#memory = memory
    if (memory) {
      // Only the last build's keys are remembered, and none made for another site.
      if (memory.site === this.#site) {
        for (const [id, record] of memory.keys) if (record.build !== memory.builds) memory.keys.delete(id)
      } else {
        memory.keys.clear()
      }
      memory.builds++
      memory.site = this.#site
    }
    for (const view of views) if (!viewDigests.has(view)) rememberViewDigests(view)
  }

  /** The digest of a paper record of this build's views. */
  digestOf(paper: Paper): string {
    const digest = viewDigests.get(paper)
    if (digest === undefined) throw new Error(`research-digest: no digest for paper ${paper.id}: it is not one of this build's papers`)
    return digest
  }

  /**
   * The key of file `id`, made from `parts()` as {@link of} does, where the parts
   * are a function of `inputs()` (compared by identity: immutable objects such as
   * views) and of the site: when a session's previous build had the same inputs
   * for `id`, its key is taken over without making the parts. Without a memory
   * (a single build), the inputs are not made.
   */
  memoized(id: string, inputs: () => readonly unknown[], parts: () => unknown[]): string {
    const memory = this.#memory
    if (!memory) return this.of(...parts())
    const made = inputs()
    const record = memory.keys.get(id)
    if (!record) {
      const key = this.of(...parts())
      memory.keys.set(id, { inputs: made, key, build: memory.builds })
      return key
    }
    if (record.inputs.length !== made.length || !record.inputs.every((input, index) => input === made[index])) {
      record.inputs = made
      record.key = this.of(...parts())
    }
    record.build = memory.builds
    return record.key
  }

  /**
   * `make()`, made once per `record` and site: `record` is an immutable object
   * (a view, a page plan) that `make()`'s value is a function of, with the site
   * (which every key covers). A session's later builds of the same site that have
   * the very record get the value made before, without asking its key memory.
   * One value per record: each kind of record is remembered for one use.
   */
  remembered<V>(record: object, make: () => V): V {
    const known = recordValues.get(record)
    if (known?.site === this.#site) return known.value as V
    const value = make()
    recordValues.set(record, { site: this.#site, value })
    return value
  }

  /** The key of an output file made from `parts` (any JSON; paper and review views count by digest). */
  of(...parts: unknown[]): string {
    const replacer = (_key: string, value: unknown) => (typeof value === 'object' && value !== null ? (viewDigests.get(value) ?? value) : value)
    // One-shot hashing: for tens of thousands of small inputs, twice as fast as a Hash object each.
    return hash('sha1', this.#site + JSON.stringify(parts, replacer))
  }
}

/** What {@link PageKeys.remembered} made, by record, with the site it was made for. */
const recordValues = new WeakMap<object, { readonly site: string; readonly value: unknown }>()

/**
 * What a key counts a view (paper or review) and a paper record by: the paper's
 * digest (a review view's with its anchor). Views and records are immutable, and
 * a `digest dev` session keeps unchanged ones between builds, so each is
 * registered once, by the first build that has it.
 */
const viewDigests = new WeakMap<object, string>()

function rememberViewDigests(view: PaperView): void {
  const digest = paperDigest(view.paper)
  viewDigests.set(view, digest)
  viewDigests.set(view.paper, digest)
  for (const review of view.reviews) viewDigests.set(review, `${digest}${review.anchor}`)
}

/** Paper records are immutable, and a `digest dev` session keeps unchanged ones between builds. */
const paperDigests = new WeakMap<Paper, string>()

/** A digest of everything in a paper record; each summary (nearly all of its bytes) counts by its digest. */
function paperDigest(paper: Paper): string {
  let digest = paperDigests.get(paper)
  if (digest === undefined) {
    const { reviews, ...fields } = paper
    let text = JSON.stringify(fields)
    for (const review of reviews) text += reviewText(review)
    digest = hash('sha1', text)
    paperDigests.set(paper, digest)
  }
  return digest
}

/** Review records are immutable, and a `digest dev` session keeps unchanged ones between builds. */
const reviewTexts = new WeakMap<Review, string>()

/** What a paper's digest hashes of one of its reviews: every field, the summary by its digest. */
function reviewText(review: Review): string {
  let text = reviewTexts.get(review)
  if (text === undefined) {
    // Every field but the summary, without reading it (a restored summary is read from its file only when asked for).
    const rest: Record<string, unknown> = {}
    for (const key of Object.keys(review)) if (key !== 'summary') rest[key] = review[key as keyof typeof review]
    text = `\0${JSON.stringify(rest)}\0${summaryDigest(review)}`
    reviewTexts.set(review, text)
  }
  return text
}
