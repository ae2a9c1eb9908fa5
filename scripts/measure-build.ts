/**
 * Measure full CLI builds of a content folder: wall time and peak RSS of each run
 * (via GNU time), reported as medians. Usage:
 *   npx tsx scripts/measure-build.ts [--content content] [--runs 5] [--cold]
 *
 * With --cold every run renders everything again (--no-cache); without it, runs
 * after the first reuse the render cache and the previous output.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { content: { type: 'string', default: 'content' }, runs: { type: 'string', default: '5' }, cold: { type: 'boolean', default: false } } })
if (!existsSync('/usr/bin/time')) throw new Error('needs GNU time at /usr/bin/time (apt-get install time)')
const runs = Number(values.runs)
const out = mkdtempSync(path.join(tmpdir(), 'digest-measure-'))
const digest = path.resolve('bin/digest.mjs')
const results: Array<{ seconds: number; rssMiB: number }> = []
for (let run = 0; run < runs; run++) {
  const child = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, digest, 'build', '--quiet', '--content', values.content!, '--out', out, ...(values.cold ? ['--no-cache'] : [])], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const [seconds, kib] = child.stderr.trim().split('\n').at(-1)!.split(' ').map(Number)
  results.push({ seconds: seconds!, rssMiB: kib! / 1024 })
}
rmSync(out, { recursive: true, force: true })
const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!
console.log(`runs: ${results.map((result) => `${result.seconds.toFixed(2)} s / ${result.rssMiB.toFixed(0)} MiB`).join(', ')}`)
console.log(`median wall time ${median(results.map((result) => result.seconds)).toFixed(2)} s, median peak RSS ${median(results.map((result) => result.rssMiB)).toFixed(0)} MiB (${runs} runs, ${values.cold ? 'cold, --no-cache' : 'cache on'}, content: ${values.content})`)
