/**
 * The `papers.json` document: the catalog as versioned JSON, the contract later
 * tools depend on. Keys are written in a fixed order so output is byte-stable.
 */
import { PAPERS_JSON_VERSION, type Paper, type Review } from '../model.ts'

/** Serialise papers as the `papers.json` document (with a trailing newline). */
export function serializePapers(papers: readonly Paper[]): string {
  return `${JSON.stringify({ version: PAPERS_JSON_VERSION, papers: papers.map(paperRecord) }, null, 2)}\n`
}

/** One paper as it appears in `papers.json` (also used for `/papers/<id>/paper.json`). */
export function paperRecord(paper: Paper): Record<string, unknown> {
  return {
    id: paper.id,
    title: paper.title,
    arxivId: paper.arxivId,
    url: paper.url,
    links: paper.links,
    tags: paper.tags,
    reviews: paper.reviews.map(reviewRecord),
  }
}

function reviewRecord(review: Review): Record<string, unknown> {
  return {
    source: review.source,
    line: review.line,
    date: review.date,
    reviewers: review.reviewers,
    summary: review.summary,
    title: review.title,
    headline: review.headline,
    url: review.url,
    arxivVersion: review.arxivVersion,
  }
}
