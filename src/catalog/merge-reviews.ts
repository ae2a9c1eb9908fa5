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
      if (review.title === null) continue
      const title = normalizeTitle(review.title)
      const groups = groupsByTitle.get(title) ?? new Set<Review[]>()
      groups.add(group)
      groupsByTitle.set(title, groups)
    }
  }
  const byTitle = new Map<string, Review[]>()
  const groups: Review[][] = [...byIdentity.values()]
  for (const review of withoutIdentity) {
    const title = review.title === null ? null : normalizeTitle(review.title)
    const candidates = title === null ? undefined : groupsByTitle.get(title)
    if (candidates && candidates.size === 1) {
      candidates.values().next().value!.push(review)
    } else if (title !== null && title !== '') {
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

function identityKey(review: Review): string | null {
  if (review.arxivId !== null) return `arxiv:${review.arxivId}`
  if (review.url !== null) return `url:${normalizeUrl(review.url)}`
  return null
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

/** Keep one copy of a review posted twice in the same source. */
function dropRepeatedPosts(group: Review[], files: ReadonlyMap<string, VFile>): Review[] {
  if (group.length < 2) return group
  const kept: Review[] = []
  for (const review of group) {
    const twinIndex = kept.findIndex((other) => other.source === review.source && isSameText(other.summary, review.summary))
    if (twinIndex === -1) {
      kept.push(review)
      continue
    }
    const twin = kept[twinIndex]!
    const [keep, drop] = review.summary.length > twin.summary.length ? [review, twin] : [twin, review]
    kept[twinIndex] = keep
    const file = files.get(drop.source)
    if (file) {
      report(file, 'duplicate-review', `This review repeats the one at line ${keep.line} (same paper, near-identical text); only the fuller copy at line ${keep.line} is kept`, { line: drop.line })
    }
  }
  return kept
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
