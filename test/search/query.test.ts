/**
 * Search over the seed papers, in Node: the serialised indexes, loaded with the
 * shared options, give exactly the results of the in-memory indexes; ranking,
 * arXiv queries, filters and the file envelope behave as the page expects.
 */
import path from 'node:path'
import MiniSearch from 'minisearch'
import { describe, expect, it } from 'vitest'
import { build } from '../../src/build.ts'
import { resolveConfig } from '../../src/config.ts'
import { openSearchFile, PRIMARY_INDEX_OPTIONS, SEARCH_FORMAT, TEXT_INDEX_OPTIONS, tokenize, processTerm } from '../../src/search/options.ts'
import { arxivIdInQuery, loadIndexes, searchPapers, type SearchIndexes } from '../../src/search/query.ts'
import { primaryDocuments, textDocuments } from '../../src/search/index.ts'
import { renderSummaries } from '../../src/render/index.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const result = await build(resolveConfig({}, ROOT), { write: false })
const files = new Map(result.sources.map((source) => [source.file.path, source.file]))
const rendered = renderSummaries(result.papers, files)

function fileOf(kind: string): unknown {
  const name = [...result.site.keys()].find((key) => key.startsWith(`search/${kind}.`))!
  return JSON.parse(String(result.site.get(name)))
}

const primaryData = openSearchFile<{ index: unknown; topics: Record<string, string> }>(fileOf('primary'), 'primary')
const textData = openSearchFile<{ index: unknown }>(fileOf('text'), 'text')
const loaded = await loadIndexes(primaryData.index, textData.index)

const primaryDocs = primaryDocuments(result.papers, Object.entries(primaryData.topics).map(([slug, name]) => ({ slug, name, description: '', weight: 1, rules: { title: [], summary: [], exclude: [] } })))
const inMemory: SearchIndexes = {
  primary: (() => {
    const index = new MiniSearch(PRIMARY_INDEX_OPTIONS)
    index.addAll(primaryDocs)
    return index
  })(),
  text: (() => {
    const index = new MiniSearch(TEXT_INDEX_OPTIONS)
    index.addAll(textDocuments(result.papers, (review) => rendered.get(review)?.text ?? ''))
    return index
  })(),
}

const titles = (query: string, filters = {}) => searchPapers(loaded, query, filters).map((hit) => hit.title)

describe('search over the seed papers', () => {
  it.each(['magikarp', 'Mamba', 'difusion', 'transfromer', 'kan', 'reinforcement learning', 'Vinod', '2405.05417', 'mixture of experts', 'grokking', 'quantization', 'attention'])(
    'gives the same results from the serialised indexes as from in-memory ones for %j',
    (query) => {
      // Matched terms may be listed in another order; everything else is identical.
      const normalized = (indexes: SearchIndexes) => searchPapers(indexes, query).map((hit) => ({ ...hit, terms: [...hit.terms].sort() }))
      expect(normalized(loaded)).toEqual(normalized(inMemory))
    },
  )

  it('finds the under-trained tokens paper first for "magikarp"', () => {
    expect(titles('magikarp')[0]).toBe('Fishing for Magikarp: Automatically detecting under-trained tokens in large language models')
  })

  it('forgives typos', () => {
    expect(titles('difusion').slice(0, 5).every((title) => /diffusion/i.test(title))).toBe(true)
    expect(titles('transfromer').slice(0, 3).every((title) => /transformer/i.test(title))).toBe(true)
  })

  it('ranks title and topic matches above papers only the review text mentions', () => {
    const hits = searchPapers(loaded, 'mamba')
    const firstWeak = hits.findIndex((hit) => !hit.strong)
    expect(firstWeak).toBeGreaterThan(0)
    expect(hits.slice(firstWeak).every((hit) => !hit.strong)).toBe(true)
    expect(hits[0]!.title).toMatch(/mamba/i)
  })

  it('answers an arXiv id or pasted arXiv URL with that paper alone', () => {
    expect(titles('2405.05417')).toEqual(['Fishing for Magikarp: Automatically detecting under-trained tokens in large language models'])
    expect(titles('https://arxiv.org/pdf/2501.12948v2.pdf')).toEqual(['DeepSeek-R1 - Incentivizing Reasoning Capability in LLMs via Reinforcement Learning'])
    expect(titles('arXiv:math/0406077')).toEqual(['A tutorial introduction to the minimum description length principle'])
  })

  it('reads arXiv ids out of queries', () => {
    expect(arxivIdInQuery('https://www.arxiv.org/abs/2501.12948v3')).toBe('2501.12948')
    expect(arxivIdInQuery('arXiv:hep-th/9901001')).toBe('hep-th-9901001')
    expect(arxivIdInQuery('math.CA/0611800')).toBe('math-0611800')
    expect(arxivIdInQuery('mamba')).toBeNull()
  })

  it('filters by topic, reviewer and year, with or without a query', () => {
    const all = searchPapers(loaded, 'language')
    const diffusion = searchPapers(loaded, 'language', { topic: 'diffusion' })
    expect(diffusion.length).toBeGreaterThan(0)
    expect(diffusion.length).toBeLessThan(all.length)
    expect(diffusion.every((hit) => hit.topics.includes('diffusion'))).toBe(true)
    const vinod = searchPapers(loaded, '', { reviewer: 'Vinod' })
    expect(vinod.map((hit) => hit.title)).toEqual([
      'Block Diffusion: Interpolating Between Autoregressive and Diffusion Language Models',
      'Compute Optimal Scaling of Skills: Knowledge vs Reasoning',
      'Transformers without Normalization',
    ])
    expect(searchPapers(loaded, '', { year: '2024' }).every((hit) => hit.date.startsWith('2024'))).toBe(true)
    expect(searchPapers(loaded, '', { year: '2024', reviewer: 'Vinod' })).toEqual([])
  })

  it('keeps arXiv ids whole and folds case and accents', () => {
    expect(tokenize('see 2405.05417v2, KAN-based nets')).toEqual(['see', '2405.05417', 'v2', 'KAN', 'based', 'nets'])
    expect(processTerm('Café')).toBe('cafe')
    expect(processTerm('The')).toBeNull()
  })

  it('refuses search files of another format version, saying what to do', () => {
    expect(() => openSearchFile({ format: SEARCH_FORMAT, version: 99, kind: 'primary', data: {} }, 'primary')).toThrow(
      'research-digest: the primary search file has format version 99, this page reads version 1; reload the page',
    )
    expect(() => openSearchFile({ format: 'other' }, 'text')).toThrow('research-digest: this is not a text search file')
  })

  it('names search files by their content', () => {
    const names = [...result.site.keys()].filter((key) => key.startsWith('search/') && key !== 'search/index.html').sort()
    expect(names.map((name) => name.replace(/\.[0-9a-f]{12}\./, '.HASH.'))).toEqual(['search/excerpts.HASH.json', 'search/primary.HASH.json', 'search/search.HASH.js', 'search/text.HASH.json'])
  })
})
