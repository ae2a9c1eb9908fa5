/**
 * Merging reviews into papers: reviews of the same paper — same arXiv id, same
 * link, or (for reviews without a link) the same normalised title — become one
 * group, across all content files. A review posted twice in one source is kept
 * once (the fuller copy), with a warning on the dropped copy.
 */
import type { VFile } from 'vfile'
import { report } from '../diagnostics/report.ts'
import type { Review } from '../model.ts'
import { normalizeTitle } from '../ingest/titles.ts'

/** Reviews found to be of one paper, in no particular order. */
export type ReviewGroup = readonly Review[]

/** Copies whose word trigrams overlap this much (relative to the shorter) are the same review. */
const DUPLICATE_OVERLAP = 0.6

/** Group reviews by paper. `files` maps a review's source to its VFile for messages. */
export function groupReviews(reviews: readonly Review[], files: ReadonlyMap<string, VFile>): ReviewGroup[] {
  const byIdentity = new Map<string, Review[]>()
  const withoutIdentity: Review[] = []
  for (const review of reviews) {
    const key = identityKey(review)
    if (key === null) {
      withoutIdentity.push(review)
      continue
    }
    const group = byIdentity.get(key)
    if (group) group.push(review)
    else byIdentity.set(key, [review])
  }
  // Index identified groups by their titles, so an unlinked review can join the paper it names.
  const groupsByTitle = new Map<string, Set<Review[]>>()
  for (const group of byIdentity.values()) {
    for (const review of group) {
      const title = titleKey(review)
      if (title === '') continue
      const groups = groupsByTitle.get(title) ?? new Set<Review[]>()
      groups.add(group)
      groupsByTitle.set(title, groups)
    }
  }
  const byTitle = new Map<string, Review[]>()
  const groups: Review[][] = [...byIdentity.values()]
  for (const review of withoutIdentity) {
    const normalized = titleKey(review)
    const title = normalized === '' ? null : normalized
    const candidates = title === null ? undefined : groupsByTitle.get(title)
    if (candidates && candidates.size === 1) {
      candidates.values().next().value!.push(review)
    } else if (title !== null) {
      const group = byTitle.get(title)
      if (group) group.push(review)
      else {
        const created = [review]
        byTitle.set(title, created)
        groups.push(created)
      }
    } else {
      groups.push([review])
    }
  }
  return groups.map((group) => dropRepeatedPosts(group, files))
}

/** What {@link identityKey} and {@link titleKey} made of each review record (records are immutable, and a session keeps unchanged ones). */
const reviewKeys = new WeakMap<Review, { readonly identity: string | null; title?: string }>()

function keysOf(review: Review): { readonly identity: string | null; title?: string } {
  let keys = reviewKeys.get(review)
  if (!keys) {
    keys = { identity: review.arxivId !== null ? `arxiv:${review.arxivId}` : review.url !== null ? `url:${normalizeUrl(review.url)}` : null }
    reviewKeys.set(review, keys)
  }
  return keys
}

/** What identifies the paper a review is of: its arXiv id, else its link; null for neither. */
function identityKey(review: Review): string | null {
  return keysOf(review).identity
}

/** The review's title folded for comparison ({@link normalizeTitle}); empty without one. */
function titleKey(review: Review): string {
  const keys = keysOf(review)
  return (keys.title ??= review.title === null ? '' : normalizeTitle(review.title))
}

/** Fold the variations of one URL: scheme, `www.`, trailing slash, fragment. */
export function normalizeUrl(url: string): string {
  return url
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/^www\./i, '')
    .replace(/#.*$/, '')
    .replace(/\/+$/, '')
    .toLowerCase()
}

/** Keep one copy of a review posted twice (or more) in the same source: the fullest. */
function dropRepeatedPosts(group: Review[], files: ReadonlyMap<string, VFile>): Review[] {
  if (group.length < 2) return group
  // Each kept review with the copies it replaced, so warnings can name the final survivor.
  const kept: Array<{ review: Review; dropped: Review[] }> = []
  for (const review of group) {
    const twin = kept.find((entry) => entry.review.source === review.source && isSameText(entry.review.summary, review.summary))
    if (!twin) {
      kept.push({ review, dropped: [] })
    } else if (review.summary.length > twin.review.summary.length) {
      twin.dropped.push(twin.review)
      twin.review = review
    } else {
      twin.dropped.push(review)
    }
  }
  for (const { review: keep, dropped } of kept) {
    const file = files.get(keep.source)
    for (const drop of dropped) {
      if (file) {
        report(file, 'duplicate-review', `This review repeats the one at line ${keep.line} (same paper, near-identical text); only the fuller copy at line ${keep.line} is kept`, { line: drop.line })
      }
    }
  }
  return kept.map((entry) => entry.review)
}

/** Near-identical text: most word trigrams of the shorter text appear in the longer. */
export function isSameText(a: string, b: string): boolean {
  const left = trigrams(a)
  const right = trigrams(b)
  const smaller = left.size <= right.size ? left : right
  const larger = smaller === left ? right : left
  if (smaller.size === 0) return a.trim() === b.trim()
  let shared = 0
  for (const gram of smaller) if (larger.has(gram)) shared++
  return shared / smaller.size >= DUPLICATE_OVERLAP
}

function trigrams(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  const grams = new Set<string>()
  for (let index = 0; index + 2 < words.length; index++) grams.add(`${words[index]} ${words[index + 1]} ${words[index + 2]}`)
  return grams
}
