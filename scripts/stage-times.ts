/**
 * Stage times of one in-process build, for profiling a change:
 *   npx tsx scripts/stage-times.ts --content .tmp/bench/corpus-4000 [--out DIR] [--cache DIR] [--cold]
 * Prints what the output stage did and each stage's time. `--cold` removes the
 * output folder and builds without a cache; otherwise run it twice to time a warm
 * build, or edit a content file in between to time an edit.
 */
import { rmSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { build } from '../src/build.ts'
import { resolveConfig } from '../src/config.ts'

const { values } = parseArgs({
  options: {
    content: { type: 'string', default: 'content' },
    out: { type: 'string', default: '.tmp/stage-times/dist' },
    cache: { type: 'string', default: '.tmp/stage-times/cache' },
    cold: { type: 'boolean', default: false },
  },
})
if (values.cold) rmSync(values.out!, { recursive: true, force: true })
const started = performance.now()
const result = await build(resolveConfig({ contentDir: values.content, outDir: values.out, cacheDir: values.cold ? false : values.cache }, process.cwd()))
const stages = Object.entries(result.timings).map(([stage, milliseconds]) => `${stage} ${(milliseconds / 1000).toFixed(2)} s`)
const output = result.output ? `${result.output.written} written, ${result.output.unchanged} unchanged, ${result.output.removed} removed, ${result.output.rendered} made` : ''
console.log(`${stages.join(' · ')} · total ${((performance.now() - started) / 1000).toFixed(2)} s · ${output} · RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`)
