/**
 * The records every stage hands to the next: ingest produces {@link Review}s,
 * the catalog merges them into {@link Paper}s, render and search consume papers.
 *
 * These shapes are also the public `papers.json` contract (version
 * {@link PAPERS_JSON_VERSION}), so fields are only ever added, never renamed.
 */

/** Version of the `papers.json` document; bump on any incompatible change. */
export const PAPERS_JSON_VERSION = 1

/** A tag change requested by front matter or an inline `<!-- tags: … -->` comment. */
export interface TagOverride {
  /** Topic slugs to add even when no rule matches. */
  readonly add: readonly string[]
  /** Topic slugs to remove even when a rule matches. */
  readonly remove: readonly string[]
}

/** One review of one paper, as written in one newsletter entry. */
export interface Review {
  /** Content file the review came from, relative to the content folder, with `/` separators. */
  readonly source: string
  /** 1-based line in `source` where the entry starts (front matter lines counted). */
  readonly line: number
  /** Review date as `YYYY-MM-DD`, or null when neither the entry nor its source says. */
  readonly date: string | null
  /** Reviewers' first names, in the order written. */
  readonly reviewers: readonly string[]
  /** The review text, as Markdown. */
  readonly summary: string
  /** The paper title exactly as this entry writes it (cleaned of decoration), or null. */
  readonly title: string | null
  /** A teaser line the newsletter printed just before this entry, if any. */
  readonly headline: string | null
  /** Link to the reviewed paper as written (after removing angle brackets), or null. */
  readonly url: string | null
  /** Unversioned arXiv id of the reviewed paper, e.g. `2405.05417` or `math/0406077`. */
  readonly arxivId: string | null
  /** The arXiv version the link pointed at (`v2`), or null for an unversioned link. */
  readonly arxivVersion: string | null
  /** Further links from the entry (code, discussions), not the paper itself. */
  readonly links: readonly string[]
  /** Tag changes this entry asks for. */
  readonly tagOverride: TagOverride | null
}

/** A reviewed paper: one or more reviews merged by arXiv id, URL or title. */
export interface Paper {
  /** Stable slug usable in URLs: the arXiv id (`/` as `-`) or a title slug. */
  readonly id: string
  /** Display title: the first title stated by a review, else a readable fallback. */
  readonly title: string
  /** Unversioned arXiv id, or null for papers outside arXiv. */
  readonly arxivId: string | null
  /** Canonical link to the paper (arXiv abs page for arXiv papers), or null. */
  readonly url: string | null
  /** Other links mentioned by its reviews (deduplicated, in order of appearance). */
  readonly links: readonly string[]
  /** Topic slugs from the taxonomy, most specific first. */
  readonly tags: readonly string[]
  /** Reviews of this paper, oldest first (undated last). */
  readonly reviews: readonly Review[]
}
