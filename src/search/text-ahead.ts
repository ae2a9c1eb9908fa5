/**
 * Search analysis ahead of the search stage: while a cold build's summaries
 * render on worker threads, the main thread would otherwise wait. This analyses
 * each paper's text document (see {@link analyzeTextAhead}) as soon as all its
 * summaries are rendered, so the search stage, single-threaded after rendering,
 * finds most analyses in the cache instead of tokenizing every summary.
 */
import type { Paper, Review } from '../model.ts'
import { eventLoopSlices } from '../event-loop-slices.ts'
import { analyzeTextAhead, type SearchCache } from './index.ts'

/** How long analysis runs before it lets the event loop (the worker pool's results) run. */
const SLICE_MS = 10

/** Told of summaries as they are rendered, and of the papers once the catalog has them. */
export interface TextAnalysisAhead {
  /** A review's summary was rendered in this build (not taken from the cache). Its text is read only when its paper is analysed. */
  rendered(review: Review, summary: { readonly text: string }): void
  /**
   * The catalog's papers: analyse those whose every summary was rendered already
   * (letting the event loop run every {@link SLICE_MS}), and the others as their
   * last summary comes. A paper with a summary from the cache is left to the
   * search stage.
   */
  papersKnown(papers: readonly Paper[]): Promise<void>
}

/** Analyses text documents into `cache`, under the keys `textKeyOf` gives (the search stage's own). */
export function createTextAnalysisAhead(cache: SearchCache, textKeyOf: (review: Review) => string): TextAnalysisAhead {
  /** Summaries rendered in this build, until their paper is analysed. */
  const summaries = new Map<Review, { readonly text: string }>()
  /** Once papers are known: each review not rendered yet, with its paper and how many of the paper's reviews are still to come. */
  let waiting: Map<Review, { readonly paper: Paper; pending: number }> | null = null
  const analyze = (paper: Paper) => {
    analyzeTextAhead(paper, (review) => summaries.get(review)?.text ?? '', textKeyOf, cache)
    for (const review of paper.reviews) summaries.delete(review)
  }
  return {
    rendered(review, summary) {
      summaries.set(review, summary)
      if (!waiting) return
      const entry = waiting.get(review)
      if (!entry) return
      waiting.delete(review)
      if (--entry.pending === 0) analyze(entry.paper)
    },
    async papersKnown(papers) {
      waiting = new Map()
      const ready: Paper[] = []
      for (const paper of papers) {
        const pending = paper.reviews.filter((review) => !summaries.has(review))
        if (pending.length === 0) {
          ready.push(paper)
          continue
        }
        // A paper with a summary from the cache never completes here: the search stage analyses it (or finds it analysed).
        const entry = { paper, pending: pending.length }
        for (const review of pending) waiting.set(review, entry)
      }
      const slices = eventLoopSlices(SLICE_MS)
      for (const paper of ready) {
        analyze(paper)
        if (slices.due()) await slices.next()
      }
    },
  }
}
