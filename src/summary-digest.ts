/**
 * One digest per review summary, computed once per review record. Three stages
 * key on a paper's summaries (the tagger's cache, the render cache and the page
 * keys), and hashing a JavaScript string first converts it to UTF-8, which for
 * tens of megabytes of summaries costs several times the hashing itself. Each
 * key hashes this digest in place of the text; review records are immutable, so
 * the digest is remembered by record (and a `digest dev` session, which keeps
 * unchanged records between builds, never hashes their summaries again).
 */
import { createHash } from 'node:crypto'
import type { Review } from './model.ts'

const digests = new WeakMap<Pick<Review, 'summary'>, string>()

/** Record the digest of `review.summary`, known from elsewhere (the ingest cache), so it is not computed. */
export function rememberSummaryDigest(review: Pick<Review, 'summary'>, digest: string): void {
  digests.set(review, digest)
}

/** The SHA-256 digest (hex) of `review.summary`. */
export function summaryDigest(review: Pick<Review, 'summary'>): string {
  let digest = digests.get(review)
  if (digest === undefined) {
    digest = createHash('sha256').update(review.summary).digest('hex')
    digests.set(review, digest)
  }
  return digest
}
