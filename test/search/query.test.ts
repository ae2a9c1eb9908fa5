/**
 * Search over the seed papers, in Node, through the same engine the page runs:
 * every shard, loaded from its serialised file with the shared options, gives
 * exactly the results of the in-memory index; ranking, arXiv queries, filters
 * and the file envelope behave as the page expects.
 */
import path from 'node:path'
import MiniSearch from 'minisearch'
import { beforeAll, describe, expect, it } from 'vitest'
import { build } from '../../src/build.ts'
import { resolveConfig } from '../../src/config.ts'
import { renderSummaries } from '../../src/render/index.ts'
import { primaryDocuments, textDocuments } from '../../src/search/index.ts'
import { openSearchFile, PRIMARY_INDEX_OPTIONS, processTerm, SEARCH_FORMAT, shardKey, TEXT_INDEX_OPTIONS, tokenize, type SearchBase, type SearchFragment } from '../../src/search/options.ts'
import { fileContents } from '../../src/output/write-site.ts'
import { arxivIdInQuery, queryTerms, SearchEngine } from '../../src/search/query.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const result = await build(resolveConfig({}, ROOT), { write: false })
const read = async (file: string): Promise<unknown> => {
  const contents = result.site.get(file)
  if (contents === undefined) throw new Error(`no search file ${file}`)
  return JSON.parse(String(fileContents(contents)))
}
const baseFile = [...result.site.keys()].find((key) => /^search\/base\.[0-9a-f]{12}\.json$/.test(key))!
const base = openSearchFile<SearchBase>(await read(baseFile), 'base')
const engine = new SearchEngine(base, read)

const files = new Map(result.sources.map((source) => [source.file.path, source.file]))
const rendered = await renderSummaries(result.papers, files)
const topics = base.topicSlugs.map((slug, index) => ({ slug, name: base.topicNames[index]!, description: '', weight: 1, rules: { title: [], summary: [], exclude: [] } }))
const inMemoryPrimary = new MiniSearch(PRIMARY_INDEX_OPTIONS)
inMemoryPrimary.addAll(primaryDocuments(result.papers, topics))
const inMemoryText = new MiniSearch(TEXT_INDEX_OPTIONS)
inMemoryText.addAll(textDocuments(result.papers, (review) => rendered.get(review)?.text ?? ''))

const QUERIES = ['magikarp', 'Mamba', 'difusion', 'transfromer', 'kan', 'reinforcement learning', 'Vinod', 'mixture of experts', 'grokking', 'quantization', 'attention', 'language', 'tokens', 'diffusion']

async function search(query: string, filters = {}) {
  await engine.load(query, 'primary')
  await engine.load(query, 'text')
  return engine.search(query, filters)
}

async function titles(query: string, filters = {}): Promise<string[]> {
  const hits = await search(query, filters)
  return Promise.all(hits.map(async (hit) => openSearchFile<SearchFragment>(await read(`${base.fragments}${hit.shortId}.json`), 'fragment').title))
}

describe('search over the seed papers', () => {
  beforeAll(async () => {
    for (const query of QUERIES) await search(query)
  })

  it.each(QUERIES.flatMap((query) => queryTerms(query)))('gives the in-memory results for the term %j from its serialised shards', (term) => {
    const exact = { prefix: false, fuzzy: false }
    for (const [index, inMemory] of [['primary', inMemoryPrimary], ['text', inMemoryText]] as const) {
      const loaded = engine.shardLoaded(term, index)
      // Exact matches: the very same ids, scores and match details.
      expect(loaded.search(term, exact)).toEqual(inMemory.search(term, exact))
      // Prefix and typo matches stay within the term's shard (its first two letters): every
      // in-memory result whose matched words share them comes back with the same score.
      const sameShard = inMemory.search(term).filter((hit) => hit.terms.every((matched) => shardKey(matched) === shardKey(term)))
      const byId = new Map(engine.termResults(term, index).map((hit) => [hit.id, hit]))
      for (const hit of sameShard) expect(byId.get(hit.id)?.score, `${index} ${hit.id}`).toBeCloseTo(hit.score, 10)
    }
  })

  it('loses only matches that differ in the first two letters (documented trade-off)', () => {
    const lost = inMemoryText.search('difusion').filter((hit) => !engine.termResults('difusion', 'text').some((kept) => kept.id === hit.id))
    for (const hit of lost) expect(hit.terms.every((matched) => shardKey(matched) !== 'di')).toBe(true)
  })

  it('finds the under-trained tokens paper first for "magikarp"', async () => {
    expect((await titles('magikarp'))[0]).toBe('Fishing for Magikarp: Automatically detecting under-trained tokens in large language models')
  })

  it('forgives typos', async () => {
    expect((await titles('difusion')).slice(0, 5).every((title) => /diffusion/i.test(title))).toBe(true)
    expect((await titles('transfromer')).slice(0, 3).every((title) => /transformer/i.test(title))).toBe(true)
  })

  it('ranks title and topic matches above papers only the review text mentions', async () => {
    const hits = await search('mamba')
    const firstWeak = hits.findIndex((hit) => !hit.strong)
    expect(firstWeak).toBeGreaterThan(0)
    expect(hits.slice(firstWeak).every((hit) => !hit.strong)).toBe(true)
    expect((await titles('mamba'))[0]).toMatch(/mamba/i)
  })

  it('answers an arXiv id or pasted arXiv URL with that paper alone', async () => {
    expect(await titles('2405.05417')).toEqual(['Fishing for Magikarp: Automatically detecting under-trained tokens in large language models'])
    expect(await titles('https://arxiv.org/pdf/2501.12948v2.pdf')).toEqual(['DeepSeek-R1 - Incentivizing Reasoning Capability in LLMs via Reinforcement Learning'])
    expect(await titles('arXiv:math/0406077')).toEqual(['A tutorial introduction to the minimum description length principle'])
  })

  it('reads arXiv ids out of queries', () => {
    expect(arxivIdInQuery('https://www.arxiv.org/abs/2501.12948v3')).toBe('2501.12948')
    expect(arxivIdInQuery('arXiv:hep-th/9901001')).toBe('hep-th-9901001')
    expect(arxivIdInQuery('math.CA/0611800')).toBe('math-0611800')
    expect(arxivIdInQuery('mamba')).toBeNull()
  })

  it('filters by topic, reviewer and year, with or without a query', async () => {
    const all = await search('language')
    const diffusion = await search('language', { topic: 'diffusion' })
    const diffusionSlug = base.topicSlugs.indexOf('diffusion')
    expect(diffusion.length).toBeGreaterThan(0)
    expect(diffusion.length).toBeLessThan(all.length)
    expect(diffusion.every((hit) => base.topics[hit.shortId]!.includes(diffusionSlug))).toBe(true)
    expect(await titles('', { reviewer: 'Vinod' })).toEqual([
      'Block Diffusion: Interpolating Between Autoregressive and Diffusion Language Models',
      'Compute Optimal Scaling of Skills: Knowledge vs Reasoning',
      'Transformers without Normalization',
    ])
    expect((await search('', { year: '2024' })).every((hit) => Math.floor(base.dates[hit.shortId]! / 10000) === 2024)).toBe(true)
    expect(await search('', { year: '2024', reviewer: 'Vinod' })).toEqual([])
  })

  it('loads only the shards of the query terms', () => {
    expect(engine.shardFiles('magikarp tokens', 'primary')).toEqual([base.shards.primary.ma, base.shards.primary.to])
    expect(engine.shardFiles('a', 'text')).toEqual([])
  })

  it('keeps arXiv ids whole and folds case and accents', () => {
    expect(tokenize('see 2405.05417v2, KAN-based nets')).toEqual(['see', '2405.05417', 'v2', 'KAN', 'based', 'nets'])
    expect(processTerm('Café')).toBe('cafe')
    expect(processTerm('The')).toBeNull()
  })

  it('refuses search files of another format version, saying what to do', () => {
    expect(() => openSearchFile({ format: SEARCH_FORMAT, version: 99, kind: 'base', data: {} }, 'base')).toThrow(
      'research-digest: the search base file has format version 99, this page reads version 3; reload the page',
    )
    expect(() => openSearchFile({ format: 'other' }, 'shard')).toThrow('research-digest: this is not a search shard file')
  })

  it('names shards and the base by their content, fragments by short id', () => {
    const names = [...result.site.keys()].filter((key) => key.startsWith('search/') && key !== 'search/index.html')
    expect(names.filter((name) => name.startsWith('search/f/'))).toHaveLength(result.papers.length)
    for (const name of names.filter((candidate) => !candidate.startsWith('search/f/'))) expect(name).toMatch(/^search\/(?:(?:p|t)\/[a-z0-9_]+|base|search)\.[0-9a-f]{12}\.(?:json|js)$/)
  })
})
