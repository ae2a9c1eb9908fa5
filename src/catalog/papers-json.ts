/**
 * The `papers.json` document: the catalog as versioned JSON, the contract later
 * tools depend on. Keys are written in a fixed order so output is byte-stable.
 */
import { PAPERS_JSON_VERSION, type Paper, type Review } from '../model.ts'

/**
 * The `papers.json` document in pieces, one per paper, made as they are asked
 * for: joined, exactly `JSON.stringify({ version, papers }, null, 2)` and a
 * newline. At 100,000 reviews the document is larger than the longest string V8
 * can hold, so it is written piece by piece.
 */
export function* papersJsonPieces(papers: readonly Paper[], pieceOf: (paper: Paper) => string | Uint8Array = paperPiece): Generator<string | Uint8Array> {
  if (papers.length === 0) {
    yield `${JSON.stringify({ version: PAPERS_JSON_VERSION, papers: [] }, null, 2)}\n`
    return
  }
  yield `{\n  "version": ${JSON.stringify(PAPERS_JSON_VERSION)},\n  "papers": [\n`
  for (let index = 0; index < papers.length; index++) {
    yield pieceOf(papers[index]!)
    yield index < papers.length - 1 ? ',\n' : '\n'
  }
  yield '  ]\n}\n'
}

/** One paper's record as it stands in the document's array, indented, without the separator after it. */
function paperPiece(paper: Paper): string {
  // Pretty-printed JSON holds line breaks only between tokens (those in strings are escaped): indent each line by the array's depth.
  return `    ${JSON.stringify(paperRecord(paper), null, 2).replaceAll('\n', '\n    ')}`
}

/** Where papers' pieces are kept between builds (the build cache), by the digest of their record. */
export interface PaperPieceStore {
  get(digest: string): Uint8Array | undefined
  set(digest: string, piece: Uint8Array): void
}

/**
 * {@link papersJsonPieces} of `papers`, each paper's piece (as UTF-8) taken from
 * `store` when a build made it before from a record with the same digest, else
 * made and stored. After an edit, one paper is serialised, not all of them.
 */
export function papersJsonPiecesFrom(papers: readonly Paper[], store: PaperPieceStore, digestOf: (paper: Paper) => string): Generator<string | Uint8Array> {
  return papersJsonPieces(papers, (paper) => {
    const digest = digestOf(paper)
    let piece = store.get(digest)
    if (piece === undefined) {
      piece = Buffer.from(paperPiece(paper), 'utf8')
      store.set(digest, piece)
    }
    return piece
  })
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
