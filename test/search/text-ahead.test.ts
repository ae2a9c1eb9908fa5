/**
 * Search analysis ahead of the stage: while summaries render, each paper whose
 * every summary is rendered gets its text document analysed into the search
 * cache, and the search stage then tokenizes only the others, giving the same files.
 */
import { describe, expect, it } from 'vitest'
import type { Paper, Review } from '../../src/model.ts'
import { buildSearchCached, type SearchCacheEntry } from '../../src/search/index.ts'
import { createTextAnalysisAhead } from '../../src/search/text-ahead.ts'
import { fileContents, type SiteFileContents } from '../../src/output/write-site.ts'

function review(line: number, summary: string): Review {
  return { source: 's.md', line, date: '2025-01-01', reviewers: ['Ada'], summary, title: null, headline: null, url: null, arxivId: null, arxivVersion: null, links: [], tagOverride: null }
}

function paper(id: string, reviews: Review[]): Paper {
  return { id, title: `Paper ${id}`, arxivId: null, url: null, links: [], tags: [], reviews }
}

/** A search cache in a map, counting the analyses stored in it. */
function countingCache() {
  const slots = new Map<string, SearchCacheEntry>()
  const counts = { analyses: 0 }
  const cache = {
    get: (key: string) => slots.get(key),
    set: (key: string, value: SearchCacheEntry) => {
      if (value.slot === 'analysis') counts.analyses++
      slots.set(key, value)
    },
    has: (key: string) => slots.has(key),
    keep: () => {},
  }
  return { cache, counts }
}

const bytes = (files: ReadonlyMap<string, SiteFileContents>) =>
  [...files].map(([file, contents]) => {
    const made = fileContents(contents)
    return [file, typeof made === 'string' ? made : Buffer.from(made as Uint8Array).toString('utf8')]
  })

describe('search analysis ahead of the search stage', () => {
  it('analyses each paper once its every summary is rendered, leaves papers with a cached summary to the stage, and the stage gives the same files', async () => {
    const [a, b1, b2, c1, c2, d] = [
      review(1, 'Attention over long contexts with sparse heads.'),
      review(2, 'Diffusion models for protein structure.'),
      review(3, 'A second look at diffusion for proteins, with sampling.'),
      review(4, 'Reinforcement learning from human feedback.'),
      review(5, 'Reward models and their failure modes.'),
      review(6, 'State space models as an alternative to attention.'),
    ]
    const papers = [paper('a', [a]), paper('b', [b1, b2]), paper('c', [c1, c2]), paper('d', [d])]
    const textKeyOf = (one: Review) => `key:${one.summary}`
    const input = { papers, topics: [], textOf: (one: Review) => one.summary, textKeyOf }
    const rendered = (one: Review) => ({ text: one.summary })

    const { cache, counts } = countingCache()
    const ahead = createTextAnalysisAhead(cache, textKeyOf)
    // Rendered before the catalog has its papers: a, one of b's, one of c's (c's other summary, and d's, come from the cache).
    for (const one of [a, b1, c1]) ahead.rendered(one, rendered(one))
    expect(counts.analyses).toBe(0)
    await ahead.papersKnown(papers)
    expect(counts.analyses).toBe(1)
    // b's last summary: b is analysed at once.
    ahead.rendered(b2, rendered(b2))
    expect(counts.analyses).toBe(2)

    counts.analyses = 0
    const built = buildSearchCached(input, cache)
    // The stage analysed every primary document and the text documents of c and d only.
    expect(counts.analyses).toBe(4 + 2)
    expect(bytes(built.files)).toEqual(bytes(buildSearchCached(input, null).files))

    // Without analysis ahead, the stage analyses all eight documents.
    const plain = countingCache()
    const again = buildSearchCached(input, plain.cache)
    expect(plain.counts.analyses).toBe(8)
    expect(bytes(again.files)).toEqual(bytes(built.files))
  })
})
