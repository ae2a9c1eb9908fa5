/**
 * In large digests, words most reviews use are skipped in the review text when
 * the query has a rarer word: the ranking barely changes, the query gets cheap.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Paper } from '../../src/model.ts'
import { buildSearch } from '../../src/search/index.ts'
import { openSearchFile, type SearchBase } from '../../src/search/options.ts'
import { SearchEngine } from '../../src/search/query.ts'
import { fileContents, isDeferred, type SiteFileContents } from '../../src/output/write-site.ts'
import { excerptOf } from '../../src/render/excerpt.ts'

function paper(index: number, text: string): Paper {
  const review = { source: 's.md', line: index + 1, date: '2025-01-01', reviewers: ['Ada'], summary: text, title: `Paper ${index}`, headline: null, url: null, arxivId: null, arxivVersion: null, links: [], tagOverride: null }
  return { id: `paper-${index}`, title: `Paper number ${index}`, arxivId: null, url: null, links: [], tags: [], reviews: [review] }
}

describe('common words in large digests', () => {
  it('lists words used by most papers, and skips them in review text next to a rarer word', async () => {
    const papers = Array.from({ length: 1200 }, (_, index) => paper(index, index % 10 === 0 ? 'Deep learning with reinforcement signals.' : 'Deep learning of representations.'))
    const search = await buildSearch({ papers, topics: [], textOf: (review) => review.summary })
    const read = async (file: string) => JSON.parse(String(search.files.get(file)))
    const base = openSearchFile<SearchBase>(await read(search.assets.base), 'base')
    expect(base.commonTerms).toEqual(['deep', 'learning', 'representations'])
    const engine = new SearchEngine(base, read)
    for (const query of ['reinforcement learning', 'reinforcement learn', 'learning']) {
      await engine.load(query, 'primary')
      await engine.load(query, 'text')
    }
    expect(engine.search('reinforcement learning')).toHaveLength(120)
    // While typing, a prefix of a common word is not expanded to it in review text either.
    expect(engine.search('reinforcement learn')).toHaveLength(120)
    // Alone, a common word is searched as usual.
    expect(engine.search('learning')).toHaveLength(1200)
  })

  it('keeps every word in small digests', async () => {
    const papers = Array.from({ length: 20 }, (_, index) => paper(index, 'Deep learning.'))
    const search = await buildSearch({ papers, topics: [], textOf: (review) => review.summary })
    const base = openSearchFile<SearchBase>(JSON.parse(String(search.files.get(search.assets.base))), 'base')
    expect(base.commonTerms).toEqual([])
  })
})

/** A file's contents as text, whether made as a string or as bytes. */
function asText(contents: SiteFileContents): string {
  return typeof contents === 'string' ? contents : Buffer.from(contents as Uint8Array).toString('utf8')
}

describe('the search output cache', () => {
  it('reuses the latest output while papers and search code are unchanged', async () => {
    const { buildSearchCached } = await import('../../src/search/index.ts')
    type Entry = import('../../src/search/index.ts').SearchCacheEntry
    const slots = new Map<string, Entry>()
    const cache = { get: (key: string) => slots.get(key), set: (key: string, value: Entry) => void slots.set(key, value), has: (key: string) => slots.has(key), keep: () => {} }
    const papers = Array.from({ length: 5 }, (_, index) => paper(index, `Review number ${index} about attention.`))
    const input = { papers, topics: [], textOf: (review: { summary: string }) => review.summary }
    const first = await buildSearchCached(input, cache)
    const second = await buildSearchCached(input, cache)
    const bytes = (contents: SiteFileContents) => {
      const made = fileContents(contents)
      return typeof made === 'string' ? made : Buffer.from(made as Uint8Array)
    }
    expect([...second.files].map(([file, contents]) => [file, bytes(contents)])).toEqual([...first.files].map(([file, contents]) => [file, bytes(contents)]))
    // Reused files are deferred: rebuilt only if one must be written.
    expect([...second.files.values()].every(isDeferred)).toBe(true)
    const changed = await buildSearchCached({ ...input, papers: [...papers.slice(1), paper(9, 'A new review about diffusion.')] }, cache)
    expect(changed.assets.base).not.toBe(first.assets.base)
    // The unchanged papers' analyses were reused: the new build equals a build from scratch.
    const fresh = await buildSearchCached({ ...input, papers: [...papers.slice(1), paper(9, 'A new review about diffusion.')] }, null)
    expect([...changed.files].map(([file, contents]) => [file, bytes(contents)])).toEqual([...fresh.files].map(([file, contents]) => [file, bytes(contents)]))
  })

  it('keys each file by its bytes, so an edit changes the keys of only the files it changes', async () => {
    const { buildSearchCached } = await import('../../src/search/index.ts')
    type Entry = import('../../src/search/index.ts').SearchCacheEntry
    const slots = new Map<string, Entry>()
    const cache = { get: (key: string) => slots.get(key), set: (key: string, value: Entry) => void slots.set(key, value), has: (key: string) => slots.has(key), keep: () => {} }
    const papers = Array.from({ length: 40 }, (_, index) => paper(index, `Review number ${index} about attention and topic${index}.`))
    const input = { papers, topics: [], textOf: (review: { summary: string }) => review.summary }
    const keysAndBytes = (output: Awaited<ReturnType<typeof buildSearchCached>>) =>
      new Map([...output.files].map(([file, contents]) => [file, { key: isDeferred(contents) ? contents.key : null, bytes: asText(fileContents(contents)) }]))
    const before = keysAndBytes(buildSearchCached(input, cache))
    const edited = papers.map((one, index) => (index === 7 ? paper(7, 'Review number 7 about quantization instead.') : one))
    const after = keysAndBytes(buildSearchCached({ ...input, papers: edited }, cache))
    let same = 0
    for (const [file, { key, bytes }] of after) {
      const old = before.get(file)
      expect(key).not.toBeNull()
      if (old) expect(old.key === key).toBe(old.bytes === bytes)
      if (old?.key === key) same++
    }
    // The edited paper's fragment changed; the other 39 fragments did not.
    expect(after.get('search/f/7.json')!.key).not.toBe(before.get('search/f/7.json')!.key)
    expect(same).toBeGreaterThanOrEqual(39)
  })

  // The build hashes each review's text key (its summary's cache key) and reads text only for documents analysed anew; tests and scripts give the text alone.
  const textKeys = { textKeyOf: (review: { summary: string }) => createHash('sha256').update(review.summary).digest('hex'), excerptOf: (review: { summary: string }) => excerptOf(review.summary) }
  it.each([
    ['hashing review text', {}],
    ['hashing review text keys', textKeys],
  ])('patches the shards of a few edited papers into exactly the files a full build writes (%s)', async (_mode, keys) => {
    const { buildSearchCached } = await import('../../src/search/index.ts')
    type Entry = import('../../src/search/index.ts').SearchCacheEntry
    const slots = new Map<string, Entry>()
    let shardsWritten = 0
    const cache = {
      get: (key: string) => slots.get(key),
      set: (key: string, value: Entry) => {
        if (key.startsWith('file\0search/t/') || key.startsWith('file\0search/p/')) shardsWritten++
        slots.set(key, value)
      },
      has: (key: string) => slots.has(key),
      keep: () => {},
    }
    const words = ['attention', 'diffusion', 'transformer', 'quantization', 'mamba', 'kernel', 'sparse', 'graph', 'agent', 'reward', 'token', 'vision']
    // 1,100 papers, so words most papers use are listed as common terms, and patching must keep that list right.
    const text = (index: number, salt = '') => `Deep learning ${words[index % 12]} ${words[(index * 7) % 12]} study${index} ${index % 5 < 2 ? 'common' : 'rare'}${salt}.`
    const papers = Array.from({ length: 1100 }, (_, index) => paper(index, text(index)))
    const input = { papers, topics: [], textOf: (review: { summary: string }) => review.summary, ...keys }
    const bytesOf = (output: Awaited<ReturnType<typeof buildSearchCached>>) => new Map([...output.files].map(([file, contents]) => [file, asText(fileContents(contents))]))
    buildSearchCached(input, cache)
    const edits: Array<(list: Paper[]) => Paper[]> = [
      // One word more in one review.
      (list) => list.map((one, index) => (index === 17 ? paper(17, `${text(17)} A brand new word zyzzyva.`) : one)),
      // A word only one paper had is gone; "common", in 440 of 1,100 papers, reaches 441 and so more than 40%: a common term.
      (list) => list.map((one, index) => (index === 17 ? paper(17, 'Deep learning.') : index === 402 ? paper(402, text(402).replace('rare', 'common')) : one)),
      // Three papers retitled and re-reviewed.
      (list) => list.map((one, index) => ([3, 500, 1099].includes(index) ? { ...one, title: `Retitled ${index} diffusion`, reviews: [{ ...one.reviews[0]!, reviewers: ['Grace'] }] } : one)),
      // Back to 440: no longer common.
      (list) => list.map((one, index) => (index === 402 ? paper(402, text(402)) : one)),
    ]
    const commonAfter: string[][] = []
    let current = papers
    for (const edit of edits) {
      current = edit(current)
      shardsWritten = 0
      const patched = bytesOf(buildSearchCached({ ...input, papers: current }, cache))
      const full = bytesOf(buildSearchCached({ ...input, papers: current }, null))
      expect([...patched.keys()].sort()).toEqual([...full.keys()].sort())
      for (const [file, contents] of full) expect(patched.get(file), file).toBe(contents)
      // Patched, not rebuilt: only a few shards were written again.
      expect(shardsWritten).toBeGreaterThan(0)
      expect(shardsWritten).toBeLessThan(20)
      const base = JSON.parse(full.get([...full.keys()].find((file) => file.startsWith('search/base.'))!)!) as { data: { commonTerms: string[] } }
      commonAfter.push(base.data.commonTerms)
    }
    expect(commonAfter.map((terms) => terms.includes('common'))).toEqual([false, true, true, false])
  })
})
