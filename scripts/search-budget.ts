/**
 * Search budget for a content folder: sizes of the search files (raw and
 * gzipped), what a first query transfers before its first results (script, base,
 * the primary shards of its terms, fragments of the first 30 results), and the
 * time of one query per keystroke, as medians. Builds only what search needs.
 *
 *   npx tsx scripts/search-budget.ts [--content .tmp/corpus-10k] [--runs 5]
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { buildCatalog } from '../src/catalog/index.ts'
import { parseTaxonomy } from '../src/catalog/topics.ts'
import { ingestSource } from '../src/ingest/index.ts'
import { readContentFolder } from '../src/ingest/read-content.ts'
import { renderSummaries } from '../src/render/index.ts'
import { buildSearch } from '../src/search/index.ts'
import { openSearchFile, type SearchBase } from '../src/search/options.ts'
import { SearchEngine } from '../src/search/query.ts'
import { VFile } from 'vfile'

const { values } = parseArgs({ options: { content: { type: 'string', default: 'content' }, runs: { type: 'string', default: '5' } } })
const content = path.resolve(values.content!)
const runs = Number(values.runs)
const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!
const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`

const { inputs } = await readContentFolder(content)
const sources = inputs.map((input) => ingestSource(input))
const taxonomy = parseTaxonomy(readFileSync(path.join(content, 'topics.yaml'), 'utf8'), new VFile())
const papers = buildCatalog(sources, taxonomy)
const rendered = await renderSummaries(papers, new Map())
const started = performance.now()
const search = await buildSearch({ papers, topics: taxonomy.topics, textOf: (review) => rendered.get(review)?.text ?? '' })
const buildMs = performance.now() - started
const gz = new Map<string, number>()
const gzipped = (file: string) => {
  let size = gz.get(file)
  if (size === undefined) {
    size = gzipSync(search.files.get(file)!, { level: 9 }).length
    gz.set(file, size)
  }
  return size
}
const sum = (predicate: (file: string) => boolean) => {
  let raw = 0
  let packed = 0
  for (const [file, contents] of search.files) {
    if (!predicate(file)) continue
    raw += typeof contents === 'string' ? Buffer.byteLength(contents) : contents.length
    packed += gzipped(file)
  }
  return `${kB(raw)} raw, ${kB(packed)} gz`
}
console.log(`${papers.length} papers; search files built in ${(buildMs / 1000).toFixed(1)} s`)
console.log(`script   ${sum((file) => file.endsWith('.js'))}`)
console.log(`base     ${sum((file) => file.startsWith('search/base.'))}`)
console.log(`primary  ${sum((file) => file.startsWith('search/p/'))} in ${search.stats.primaryShards} shards`)
console.log(`text     ${sum((file) => file.startsWith('search/t/'))} in ${search.stats.textShards} shards`)
console.log(`fragments ${sum((file) => file.startsWith('search/f/'))} in ${papers.length} files`)

const read = async (file: string) => JSON.parse(String(search.files.get(file)))
const base = openSearchFile<SearchBase>(await read(search.assets.base), 'base')
for (const query of ['diffusion', 'difusion', 'reinforcement learning', 'mamba', 'transformer attention', 'kan']) {
  const engine = new SearchEngine(base, read)
  await engine.load(query, 'primary')
  const firstHits = engine.search(query).slice(0, 30)
  const before = [search.assets.script, search.assets.base, ...engine.shardFiles(query, 'primary'), ...firstHits.map((hit) => `${base.fragments}${hit.shortId}.json`)]
  const firstBytes = before.reduce((total, file) => total + gzipped(file), 0)
  await engine.load(query, 'text')
  const textBytes = engine.shardFiles(query, 'text').reduce((total, file) => total + gzipped(file), 0)
  // Per keystroke: every prefix of the query from three characters, searched with all shards loaded.
  // The first pass is cold (just-loaded shards, no JIT); later passes are warm.
  const cold: number[] = []
  const warm = new Map<string, number[]>()
  for (let run = 0; run <= runs; run++) {
    for (let length = 3; length <= query.length; length++) {
      const prefix = query.slice(0, length)
      await engine.load(prefix, 'primary')
      await engine.load(prefix, 'text')
      const start = performance.now()
      engine.search(prefix)
      const elapsed = performance.now() - start
      if (run === 0) cold.push(elapsed)
      else warm.set(prefix, [...(warm.get(prefix) ?? []), elapsed])
    }
  }
  const warmMedians = [...warm.values()].map(median)
  console.log(`"${query}": ${kB(firstBytes)} gz before first results (${before.length} files), then ${kB(textBytes)} gz of text shards; ${engine.search(query).length} results; per keystroke: slowest warm ${Math.max(...warmMedians).toFixed(1)} ms (median of ${runs}), slowest cold ${Math.max(...cold).toFixed(1)} ms`)
}
