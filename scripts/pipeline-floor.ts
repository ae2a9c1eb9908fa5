/**
 * How long the Markdown pipeline alone takes on a corpus's summaries: the lower
 * bound of a cold build, against which target (a) of BENCHMARKS.md is judged.
 *
 *   npx tsx scripts/pipeline-floor.ts --content .tmp/bench/corpus-4000 [--runs 3]
 *
 * - bare: remark-parse, remark-gfm, remark-math, remark-rehype, rehype-katex,
 *   rehype-stringify, the pipeline the performance issue measured at ~20 s for
 *   4000 reviews on one thread. On every core, the summaries are split evenly
 *   between worker threads, each with its own processor, and nothing is sent
 *   back: the best split there can be.
 * - ours: the build's own summary renderer (`createSummaryRenderer`, with
 *   sanitizing, raw HTML, slugs, feed HTML, plain text and excerpt, and GFM only
 *   where a summary may need it); on every core through the build's own pool
 *   (`renderEach`, batches to worker threads and results sent back).
 *
 * Prints medians of `--runs` runs, in seconds. One thread: rendering only (the
 * code loaded and one summary rendered first). Every core: wall time of the
 * whole, worker start-up included, as a build meets it. Summaries are read with
 * the real ingest stage; nothing is written.
 */
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import { ingestSource } from '../src/ingest/index.ts'
import { readContentFolder } from '../src/ingest/read-content.ts'
import { createSummaryRenderer } from '../src/render/markdown.ts'
import { renderEach } from '../src/render/summary-pool.ts'
import { bareRenderer, timeRendering } from './pipeline-floor-worker.mjs'

const { values } = parseArgs({ options: { content: { type: 'string' }, runs: { type: 'string', default: '3' } } })
if (!values.content) throw new Error('--content <folder> is required')
const runs = Number(values.runs)
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number of at least 1')

const { inputs } = await readContentFolder(values.content)
const summaries = inputs.flatMap((input) => ingestSource(input).reviews.map((review) => review.summary))
const threads = availableParallelism()
console.log(`${summaries.length} summaries from ${values.content}; ${threads} cores; medians of ${runs} runs`)

const time = async (task: () => unknown): Promise<number> => {
  const started = performance.now()
  await task()
  return performance.now() - started
}

const bareInWorkers = () =>
  Promise.all(
    Array.from({ length: threads }, (_, share) => {
      const worker = new Worker(new URL('./pipeline-floor-worker.mjs', import.meta.url), { workerData: { summaries: summaries.filter((_, index) => index % threads === share) } })
      return new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve())
        worker.once('error', reject)
      })
    }),
  )

const measures: Record<string, () => Promise<number>> = {
  'bare, one thread': async () => timeRendering(bareRenderer(), summaries),
  [`bare, ${threads} threads`]: () => time(bareInWorkers),
  'ours, one thread': async () => timeRendering(createSummaryRenderer(), summaries),
  [`ours, ${threads} threads`]: () => time(() => renderEach(summaries.length, (index) => summaries[index]!, () => {})),
}
const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!
const seconds = (milliseconds: number) => (milliseconds / 1000).toFixed(2)
const taken = new Map<string, number[]>(Object.keys(measures).map((name) => [name, []]))
// Runs alternate between the measures, so a slow spell of the machine is spread over all of them.
for (let run = 0; run < runs; run++) for (const [name, measure] of Object.entries(measures)) taken.get(name)!.push(await measure())
for (const [name, milliseconds] of taken) console.log(`${name}: ${seconds(median(milliseconds))} s (${milliseconds.map(seconds).join(', ')})`)
