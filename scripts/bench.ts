/**
 * Benchmark the build against the project's performance targets and write
 * `BENCHMARKS.md`. For synthetic corpora of 1k, 4k and 10k reviews (100k with
 * `--huge`), made by `scripts/gen-corpus.ts` under `.tmp/bench/`, it runs the
 * real CLI under GNU time and reports medians of: cold build, warm rebuild
 * (nothing changed), rebuild after editing one review (by the CLI, and in a
 * `digest dev` build session, which keeps the cache in memory), peak RSS, output size and
 * file count, search files (raw and gzipped), and per-stage times from an
 * in-process `build()` (run in a child process, in this script's worker mode).
 * Eleventy 3 is timed on the same reviews as plain Markdown, installed in the
 * scratch folder `.tmp/bench/eleventy` (never a project dependency), and on the
 * 4k corpus `scripts/pipeline-floor.ts` times the Markdown pipeline alone: the
 * floor of a cold build, against target (a).
 *
 *   npm run bench [-- --runs 3] [--huge] [--skip-eleventy] [--keep] [--sizes 1000,4000] [--report FILE]
 *
 * Progress goes to stderr; the tables go to stdout and to BENCHMARKS.md (or the
 * file named by `--report`, for runs that should not replace it).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { getHeapStatistics } from 'node:v8'
import { gzipSync } from 'node:zlib'
import { build, openBuildSession, type StageTimings } from '../src/build.ts'
import { resolveConfig } from '../src/config.ts'
import { ingestSource } from '../src/ingest/index.ts'
import { readContentFolder } from '../src/ingest/read-content.ts'
import type { Review } from '../src/model.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const benchDir = path.join(root, '.tmp', 'bench')
const tsxBin = path.join(root, 'node_modules', '.bin', 'tsx')
const tsxCli = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')
const eleventyDir = path.join(benchDir, 'eleventy')
const eleventyBin = path.join(eleventyDir, 'node_modules', '.bin', 'eleventy')
const STAGES = ['ingest', 'catalog', 'render', 'search', 'pages', 'output'] as const
const EDIT_SENTENCE = 'Benchmark edit: this sentence was appended to measure a one-review rebuild.'
/** Hugo's cold build of 4000 reviews as stated in the performance issue: a reference figure, not measured here. */
const HUGO_REFERENCE_SECONDS = 1.6
const SEARCH_BUDGET_BYTES = 300_000
const RSS_LIMIT_MIB = 4 * 1024

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    huge: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    'skip-eleventy': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    report: { type: 'string', default: 'BENCHMARKS.md' },
    // Worker mode: one in-process build, printing its stage timings as JSON.
    'stages-worker': { type: 'boolean', default: false },
    // Worker mode: a build session (as `digest dev` runs), timing rebuilds after the bench edit and its undoing.
    'session-worker': { type: 'boolean', default: false },
    content: { type: 'string' },
    out: { type: 'string' },
  },
})

interface Timed {
  readonly seconds: number
  readonly rssMiB: number
}

interface RunResult {
  readonly cold: Timed
  /** Nothing changed: the command finds its last build's stamp up to date and reports that build. */
  readonly warm: Timed
  /** Nothing changed, the stamp removed: the whole pipeline runs, every stage taking what it can from the cache. */
  readonly warmFull: Timed
  readonly edit: Timed
  /** Median seconds of a `digest dev` session's rebuilds after the edit (and after undoing it). */
  readonly sessionEdit: number
  readonly stages: StageTimings
}

interface OutputStats {
  readonly duBytes: number
  readonly apparentBytes: number
  readonly files: number
  readonly searchRaw: number
  readonly searchGzip: number
  readonly searchFiles: number
}

interface EleventyResult {
  readonly runs: readonly Timed[]
  readonly pages: number
}

/** A corpus whose cold build did not complete (at 100k: out of memory), as measured by GNU time. */
interface CorpusFailure {
  readonly reviews: number
  readonly seconds: number
  readonly rssMiB: number
  readonly reason: string
}

interface CorpusResult {
  readonly reviews: number
  readonly runs: readonly RunResult[]
  readonly output: OutputStats
  readonly editedFile: string
  readonly editVisible: boolean
  readonly eleventy: EleventyResult | null
}

async function main(): Promise<void> {
  const runs = Number(values.runs)
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number of at least 1')
  if (!existsSync('/usr/bin/time')) throw new Error('needs GNU time at /usr/bin/time (apt-get install time)')
  const sizes = values.sizes ? values.sizes.split(',').map(Number) : values.huge ? [1000, 4000, 10000, 100000] : [1000, 4000, 10000]
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) throw new Error('--sizes must be a comma-separated list of review counts')
  if (values.huge) log('--huge: the 100k corpus takes a long time (several builds of tens of minutes each, and gigabytes of disk)')
  mkdirSync(benchDir, { recursive: true })

  const eleventyNote = values['skip-eleventy'] ? 'Eleventy skipped (--skip-eleventy).' : installEleventy()
  const hugoNote = 'Hugo: not measured — it is not installable here (no binary downloads are allowed on this machine).'
  log(hugoNote)

  // The first run of the `digest` launcher after a change to src/ bundles it (see bin/digest.mjs): do that before timing anything.
  timed(process.execPath, [path.join(root, 'bin', 'digest.mjs'), '--version'])

  const results: CorpusResult[] = []
  const failures: CorpusFailure[] = []
  let budgetLines: string[] = []
  let floorLines: string[] = []
  for (const reviews of sizes) {
    const corpus = ensureCorpus(reviews)
    const result = await benchCorpus(reviews, corpus, reviews >= 100000 ? 1 : runs, eleventyNote === null && reviews <= 10000)
    if ('reason' in result) failures.push(result)
    else results.push(result)
    if (reviews === 10000) budgetLines = searchBudget(corpus)
    if (reviews === 4000) floorLines = pipelineFloor(corpus, runs)
  }

  const report = formatReport(results, failures, budgetLines, floorLines, eleventyNote, hugoNote, runs)
  process.stdout.write(report.tables)
  const reportFile = path.resolve(root, values.report)
  writeFileSync(reportFile, report.document)
  log(`wrote ${path.relative(process.cwd(), reportFile)}`)
}

// ---------------------------------------------------------------- measuring

/** Run a command under GNU time; return its wall time and peak RSS. Throws when it fails. */
function timed(command: string, args: readonly string[], cwd: string = root): Timed {
  const { failure, stderr, ...measured } = timedOrFailed(command, args, cwd)
  if (failure !== null) throw new Error(`${path.basename(command)} ${args.join(' ')} failed (${failure}):\n${stderr.slice(-2000)}`)
  return measured
}

/** Run a command under GNU time; its wall time and peak RSS (NaN when GNU time printed none), why it failed (null when it did not), and its stderr. */
function timedOrFailed(command: string, args: readonly string[], cwd: string = root): Timed & { readonly failure: string | null; readonly stderr: string } {
  const child = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 })
  const lines = child.stderr.trim().split('\n')
  const match = /^(\d+(?:\.\d+)?) (\d+)$/.exec(lines.at(-1) ?? '')
  const measured = { seconds: match ? Number(match[1]) : Number.NaN, rssMiB: match ? Number(match[2]) / 1024 : Number.NaN }
  if (child.status === 0 && match) return { ...measured, failure: null, stderr: child.stderr }
  const reason = lines.find((line) => /heap out of memory|^\w*Error\b|FATAL/.test(line))?.trim() ?? `exit ${String(child.status)}`
  return { ...measured, failure: reason, stderr: child.stderr }
}

/** Run the CLI build once, as a user would. */
function cliBuild(content: string, out: string): Timed {
  return timed(process.execPath, [path.join(root, 'bin', 'digest.mjs'), 'build', '--quiet', '--content', content, '--out', out])
}

/** The V8 setting the `digest` command gives itself (bin/digest.mjs), so in-process builds run as the command's do. */
const DIGEST_V8_FLAGS = ['--heap-growing-percent=50']

/** One in-process `build()` in a fresh child process; returns its stage timings. */
function stageTimings(content: string, out: string): StageTimings {
  const child = spawnSync(process.execPath, [...DIGEST_V8_FLAGS, tsxCli, fileURLToPath(import.meta.url), '--stages-worker', '--content', content, '--out', out], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (child.status !== 0) throw new Error(`in-process build failed (exit ${String(child.status)}):\n${child.stderr.slice(-2000)}`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as StageTimings
}

/** Rebuilds after an edit, and after undoing it, in one build session (as `digest dev` makes them): the median of their seconds. */
function sessionEditSeconds(content: string, out: string): number {
  const child = spawnSync(process.execPath, [...DIGEST_V8_FLAGS, tsxCli, fileURLToPath(import.meta.url), '--session-worker', '--content', content, '--out', out], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (child.status !== 0) throw new Error(`session rebuilds failed (exit ${String(child.status)}):\n${child.stderr.slice(-2000)}`)
  const times = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as number[]
  return median(times)
}

/** Worker mode of {@link sessionEditSeconds}: a first build (not timed), then the edit and its undoing, twice each, timed. */
async function runSessionWorker(content: string, out: string): Promise<void> {
  const edit = await prepareEdit(content)
  const session = openBuildSession(resolveConfig({ contentDir: content, outDir: out }, root))
  const times: number[] = []
  try {
    await session.build()
    // A session holds what its builds read; near the heap limit, timed rebuilds would end
    // the whole bench with an out-of-memory abort. Measure nothing then, and say so.
    const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics()
    if (used > 0.6 * limit) {
      process.stderr.write(`session: ${(used / 2 ** 20).toFixed(0)} MiB of the ${(limit / 2 ** 20).toFixed(0)} MiB heap in use after the first build; rebuilds not timed\n`)
      process.stdout.write('[]\n')
      return
    }
    // As `digest dev` does while it waits for the first change.
    await session.prepare()
    for (const bytes of [edit.edited, edit.original, edit.edited, edit.original]) {
      writeFileSync(edit.path, bytes)
      const started = performance.now()
      await session.build()
      times.push((performance.now() - started) / 1000)
    }
  } finally {
    writeFileSync(edit.path, edit.original)
  }
  process.stdout.write(`${JSON.stringify(times)}\n`)
}

/** Delete the build stamps (see src/up-to-date.ts), so the next build runs whole. */
function removeStamps(): void {
  const records = path.join(root, '.cache', 'output')
  if (!existsSync(records)) return
  for (const file of readdirSync(records)) if (file.endsWith('.stamp.json')) rmSync(path.join(records, file), { force: true })
}

function removeCaches(out: string): void {
  rmSync(out, { recursive: true, force: true })
  rmSync(path.join(root, '.cache'), { recursive: true, force: true })
}

async function benchCorpus(reviews: number, corpus: string, runs: number, withEleventy: boolean): Promise<CorpusResult | CorpusFailure> {
  const work = path.join(benchDir, `work-${reviews}`)
  const out = path.join(benchDir, `out-${reviews}`)
  const stagesOut = path.join(benchDir, `out-${reviews}-stages`)
  rmSync(work, { recursive: true, force: true })
  cpSync(corpus, work, { recursive: true })
  const edit = await prepareEdit(work)
  log(`${label(reviews)}: the edit rebuild appends a sentence to the review of ${edit.title} in ${edit.file}`)

  const results: RunResult[] = []
  let output: OutputStats | null = null
  let editVisible = false
  for (let run = 1; run <= runs; run++) {
    writeFileSync(edit.path, edit.original)
    removeCaches(stagesOut)
    let stages: StageTimings
    try {
      stages = stageTimings(work, stagesOut)
    } catch (error) {
      // The build does not complete: record how far the CLI build gets (time, memory, why), and measure nothing else.
      log(`${label(reviews)} run ${run}/${runs}: the in-process build failed: ${(error as Error).message.split('\n').find((line) => /heap out of memory|FATAL/.test(line)) ?? 'see above'}`)
      removeCaches(out)
      const cold = timedOrFailed(process.execPath, [path.join(root, 'bin', 'digest.mjs'), 'build', '--quiet', '--content', work, '--out', out])
      log(`${label(reviews)} run ${run}/${runs}: cold ${cold.failure ? `FAILED (${cold.failure})` : 'completed'} after ${cold.seconds.toFixed(2)} s, ${cold.rssMiB.toFixed(0)} MiB`)
      if (!values.keep) for (const folder of [work, out, stagesOut]) rmSync(folder, { recursive: true, force: true })
      return { reviews, seconds: cold.seconds, rssMiB: cold.rssMiB, reason: cold.failure ?? `the in-process build failed; the CLI build completed` }
    }
    rmSync(stagesOut, { recursive: true, force: true })
    log(`${label(reviews)} run ${run}/${runs}: in-process ${STAGES.map((stage) => `${stage} ${seconds(stages[stage])}`).join(', ')}`)

    removeCaches(out)
    const cold = cliBuild(work, out)
    log(`${label(reviews)} run ${run}/${runs}: cold ${cold.seconds.toFixed(2)} s, ${cold.rssMiB.toFixed(0)} MiB`)
    output ??= outputStats(out)
    const warm = cliBuild(work, out)
    log(`${label(reviews)} run ${run}/${runs}: warm ${warm.seconds.toFixed(2)} s, ${warm.rssMiB.toFixed(0)} MiB`)
    removeStamps()
    const warmFull = cliBuild(work, out)
    log(`${label(reviews)} run ${run}/${runs}: warm without the stamp ${warmFull.seconds.toFixed(2)} s, ${warmFull.rssMiB.toFixed(0)} MiB`)
    writeFileSync(edit.path, edit.edited)
    const edited = cliBuild(work, out)
    log(`${label(reviews)} run ${run}/${runs}: edit ${edited.seconds.toFixed(2)} s, ${edited.rssMiB.toFixed(0)} MiB`)
    if (run === 1) editVisible = siteContains(out, edit.paperPage, EDIT_SENTENCE)
    writeFileSync(edit.path, edit.original)
    const sessionEdit = sessionEditSeconds(work, out)
    log(`${label(reviews)} run ${run}/${runs}: edit in a dev session ${sessionEdit.toFixed(2)} s (median of 4 rebuilds)`)
    results.push({ cold, warm, warmFull, edit: edited, sessionEdit, stages })
  }
  if (!editVisible) log(`${label(reviews)}: WARNING the edited sentence was not found in ${edit.paperPage} after the edit rebuild`)

  const eleventy = withEleventy ? benchEleventy(reviews, work, runs, edit.path, edit.original) : null
  if (!values.keep) for (const folder of [work, out, stagesOut]) rmSync(folder, { recursive: true, force: true })
  return { reviews, runs: results, output: output!, editedFile: edit.file, editVisible, eleventy }
}

/** Sizes of the written site: disk usage, apparent size, file count, and the search files raw and gzipped. */
function outputStats(out: string): OutputStats {
  const du = spawnSync('du', ['-sk', out], { encoding: 'utf8' })
  const duBytes = Number(du.stdout.split('\t')[0]) * 1024
  const all = filesBelow(out)
  const search = filesBelow(path.join(out, 'search'))
  let searchGzip = 0
  for (const file of search) searchGzip += gzipSync(readFileSync(file.path), { level: 9 }).length
  return {
    duBytes,
    apparentBytes: all.reduce((sum, file) => sum + file.size, 0),
    files: all.length,
    searchRaw: search.reduce((sum, file) => sum + file.size, 0),
    searchGzip,
    searchFiles: search.length,
  }
}

function filesBelow(folder: string): Array<{ path: string; size: number }> {
  if (!existsSync(folder)) return []
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name)
      return { path: file, size: statSync(file).size }
    })
}

function siteContains(out: string, page: string | null, text: string): boolean {
  if (page === null) return false
  const file = path.join(out, page)
  return existsSync(file) && readFileSync(file, 'utf8').includes(text)
}

// ---------------------------------------------------------------- corpora and the edit

/** The corpus folder for N reviews, generated unless a marker says it already holds N reviews. */
function ensureCorpus(reviews: number): string {
  const folder = path.join(benchDir, `corpus-${reviews}`)
  const marker = path.join(folder, '.bench-corpus.json')
  if (existsSync(marker)) {
    const recorded = JSON.parse(readFileSync(marker, 'utf8')) as { reviews?: unknown }
    if (recorded.reviews === reviews) {
      log(`${label(reviews)}: reusing ${path.relative(root, folder)}`)
      return folder
    }
  }
  log(`${label(reviews)}: generating ${path.relative(root, folder)}`)
  const child = spawnSync(tsxBin, ['scripts/gen-corpus.ts', '--reviews', String(reviews), '--out', path.relative(root, folder)], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  })
  if (child.status !== 0) throw new Error(`gen-corpus failed for ${reviews} reviews (exit ${String(child.status)})`)
  // A dotfile, so the build does not read it as content.
  writeFileSync(marker, `${JSON.stringify({ reviews, seed: 1, generated: new Date().toISOString() })}\n`)
  return folder
}

interface PreparedEdit {
  readonly path: string
  readonly file: string
  readonly title: string
  readonly paperPage: string | null
  readonly original: Buffer
  readonly edited: Buffer
}

/**
 * Choose one review in the middle of the content file with the most reviews and
 * append a sentence to one of its prose lines; check with ingest that exactly that
 * review's text changed.
 */
async function prepareEdit(work: string): Promise<PreparedEdit> {
  const { inputs } = await readContentFolder(work)
  const sources = inputs.map((input) => ({ input, reviews: ingestSource(input).reviews }))
  const target = sources.reduce((best, source) => (source.reviews.length > best.reviews.length ? source : best))
  const original = Buffer.from(target.input.bytes)
  const lines = original.toString('utf8').split('\n')
  const ordered = [...target.reviews.slice(Math.floor(target.reviews.length / 2)), ...target.reviews]
  for (const review of ordered) {
    const index = proseLine(lines, review)
    if (index === null) continue
    const editedLines = [...lines]
    editedLines[index] = `${lines[index]!.trimEnd()} ${EDIT_SENTENCE}`
    const edited = Buffer.from(editedLines.join('\n'))
    const after = ingestSource({ path: target.input.path, bytes: edited }).reviews
    const changed = after.filter((candidate, position) => candidate.summary !== target.reviews[position]?.summary)
    if (after.length !== target.reviews.length || changed.length !== 1 || !changed[0]!.summary.includes(EDIT_SENTENCE)) continue
    return {
      path: path.join(work, target.input.path),
      file: target.input.path,
      title: review.title ?? review.arxivId ?? `line ${review.line}`,
      paperPage: review.arxivId ? path.join('papers', review.arxivId.replace(/\//g, '-'), 'index.html') : null,
      original,
      edited,
    }
  }
  throw new Error(`found no review in ${target.input.path} whose text could be edited`)
}

/** Index of a plain prose line of the review's text in the file, or null. */
function proseLine(lines: readonly string[], review: Review): number | null {
  const candidates = review.summary
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length >= 80 && !/[$<>`|*_#\[\]]|https?:/.test(line) && !/^[-+\d]/.test(line))
  for (const candidate of candidates) {
    for (let index = Math.max(0, review.line - 1); index < lines.length; index++) {
      if (lines[index]!.trim() === candidate) return index
    }
  }
  return null
}

// ---------------------------------------------------------------- Eleventy, search budget

/** Install Eleventy 3 into the scratch folder; returns null when it is usable, else a note saying why not. */
function installEleventy(): string | null {
  const installed = path.join(eleventyDir, 'node_modules', '@11ty', 'eleventy', 'package.json')
  const version = () => (existsSync(installed) ? (JSON.parse(readFileSync(installed, 'utf8')) as { version: string }).version : null)
  if (version()?.startsWith('3.') && existsSync(eleventyBin)) {
    log(`Eleventy ${version()!} already installed in ${path.relative(root, eleventyDir)}`)
    return null
  }
  mkdirSync(eleventyDir, { recursive: true })
  log(`installing @11ty/eleventy@3 into ${path.relative(root, eleventyDir)} (scratch, not a project dependency)`)
  let child: SpawnSyncReturns<string>
  try {
    child = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', eleventyDir, '@11ty/eleventy@3'], {
      cwd: eleventyDir,
      encoding: 'utf8',
      timeout: 10 * 60 * 1000,
    })
  } catch (error) {
    return note(`Eleventy not measured: npm could not be run (${(error as Error).message}).`)
  }
  if (child.error || child.status !== 0 || !version()?.startsWith('3.')) {
    return note(`Eleventy not measured: \`npm install @11ty/eleventy@3\` failed (${child.error?.message ?? `exit ${String(child.status)}`}).`)
  }
  log(`installed Eleventy ${version()!}`)
  return null
}

function note(text: string): string {
  log(text)
  return text
}

/** The same reviews as plain Markdown files, built cold by Eleventy `runs` times. */
function benchEleventy(reviews: number, work: string, runs: number, editedPath: string, original: Buffer): EleventyResult | null {
  writeFileSync(editedPath, original)
  const input = path.join(eleventyDir, `md-${reviews}`)
  const output = path.join(eleventyDir, `site-${reviews}`)
  const count = writeMarkdown(work, input)
  log(`${label(reviews)}: wrote ${count} Markdown files for Eleventy`)
  const results: Timed[] = []
  let pages = 0
  try {
    for (let run = 1; run <= runs; run++) {
      rmSync(output, { recursive: true, force: true })
      const result = timed(eleventyBin, [`--input=${path.basename(input)}`, `--output=${path.basename(output)}`, '--quiet'], eleventyDir)
      log(`${label(reviews)} run ${run}/${runs}: Eleventy cold ${result.seconds.toFixed(2)} s, ${result.rssMiB.toFixed(0)} MiB`)
      results.push(result)
    }
    pages = filesBelow(output).filter((file) => file.path.endsWith('.html')).length
  } catch (error) {
    log(`${label(reviews)}: Eleventy failed, not compared: ${(error as Error).message}`)
    return null
  } finally {
    if (!values.keep) for (const folder of [input, output]) rmSync(folder, { recursive: true, force: true })
  }
  if (pages !== count) log(`${label(reviews)}: WARNING Eleventy wrote ${pages} pages for ${count} Markdown files`)
  return { runs: results, pages }
}

/** One `.md` per review: front matter (title, date) and the review text, Markdown only (no template language). */
function writeMarkdown(content: string, folder: string): number {
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(folder, { recursive: true })
  let count = 0
  for (const name of readdirSync(content).filter((file) => !file.startsWith('.') && !/\.(ya?ml|json)$/i.test(file)).sort()) {
    for (const review of ingestSource({ path: name, bytes: readFileSync(path.join(content, name)) }).reviews) {
      count++
      const frontMatter = [
        '---',
        `title: ${JSON.stringify(review.title ?? `Review ${count}`)}`,
        ...(review.date ? [`date: ${review.date}`] : []),
        'templateEngineOverride: md',
        '---',
      ]
      writeFileSync(path.join(folder, `review-${String(count).padStart(6, '0')}.md`), `${frontMatter.join('\n')}\n\n${review.summary}\n`)
    }
  }
  return count
}

/** Output lines of scripts/pipeline-floor.ts for a corpus (the Markdown pipeline alone, for target (a)). */
function pipelineFloor(corpus: string, runs: number): string[] {
  log('running scripts/pipeline-floor.ts on the 4k corpus')
  return scriptLines('pipeline-floor', ['--content', path.relative(root, corpus), '--runs', String(runs)])
}

/** Output lines of scripts/search-budget.ts for a corpus. */
function searchBudget(corpus: string): string[] {
  log('running scripts/search-budget.ts on the 10k corpus')
  return scriptLines('search-budget', ['--content', path.relative(root, corpus)])
}

/** What `scripts/<name>.ts` printed, as lines; none (said in the log) when it failed. */
function scriptLines(name: string, args: readonly string[]): string[] {
  const child = spawnSync(tsxBin, [`scripts/${name}.ts`, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (child.status !== 0) {
    log(`${name} failed (exit ${String(child.status)}): ${child.stderr.slice(-1000)}`)
    return []
  }
  return child.stdout.trim().split('\n')
}

// ---------------------------------------------------------------- report

function median(numbers: readonly number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const fixed = (value: number, digits = 2) => value.toFixed(digits)
const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1)
const label = (reviews: number) => (reviews >= 1000 ? `${reviews / 1000}k` : String(reviews))
const verdict = (pass: boolean) => (pass ? '**PASS**' : '**FAIL**')

/** The commit measured, and which files differed from it. */
function codeVersion(): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' })
  const head = git('rev-parse', '--short', 'HEAD')
  if (head.status !== 0) return 'not a git checkout'
  const changed = git('status', '--porcelain', '--untracked-files=all').stdout.split('\n').filter(Boolean).map((line) => line.slice(3)).filter((file) => file !== 'BENCHMARKS.md')
  const list = changed.length > 12 ? `${changed.slice(0, 12).join(', ')} and ${changed.length - 12} more` : changed.join(', ')
  return `commit ${head.stdout.trim()}${changed.length > 0 ? ` plus uncommitted changes to ${list}` : ''}`
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`)
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

interface Summary {
  readonly reviews: number
  readonly cold: number
  readonly warm: number
  readonly warmFull: number
  readonly edit: number
  readonly sessionEdit: number
  readonly rss: number
  readonly eleventy: number | null
}

function summarize(result: CorpusResult): Summary {
  const pick = (choose: (run: RunResult) => number) => median(result.runs.map(choose))
  return {
    reviews: result.reviews,
    cold: pick((run) => run.cold.seconds),
    warm: pick((run) => run.warm.seconds),
    warmFull: pick((run) => run.warmFull.seconds),
    edit: pick((run) => run.edit.seconds),
    sessionEdit: pick((run) => run.sessionEdit),
    rss: pick((run) => Math.max(run.cold.rssMiB, run.warm.rssMiB, run.warmFull.rssMiB, run.edit.rssMiB)),
    eleventy: result.eleventy ? median(result.eleventy.runs.map((run) => run.seconds)) : null,
  }
}

function formatReport(results: readonly CorpusResult[], failures: readonly CorpusFailure[], budgetLines: readonly string[], floorLines: readonly string[], eleventyNote: string | null, hugoNote: string, runs: number) {
  const summaries = results.map(summarize)
  const buildTable = table(
    ['reviews', 'runs', 'cold s', 'warm s (no change)', 'warm s, stamp removed', 'edit one review s', 'edit, dev session s', 'peak RSS MiB', 'out MB (du / apparent)', 'out files', 'search MB raw', 'search MB gz', 'search files'],
    results.map((result, index) => {
      const summary = summaries[index]!
      const output = result.output
      return [
        label(result.reviews),
        String(result.runs.length),
        fixed(summary.cold),
        fixed(summary.warm),
        fixed(summary.warmFull),
        fixed(summary.edit),
        fixed(summary.sessionEdit),
        fixed(summary.rss, 0),
        `${megabytes(output.duBytes)} / ${megabytes(output.apparentBytes)}`,
        String(output.files),
        megabytes(output.searchRaw),
        megabytes(output.searchGzip),
        String(output.searchFiles),
      ]
    }),
  )
  const stageTable = table(
    ['reviews', ...STAGES.map((stage) => `${stage} s`), 'total s', 'largest stage'],
    results.map((result) => {
      const stage = (name: (typeof STAGES)[number]) => median(result.runs.map((run) => run.stages[name]))
      const times = STAGES.map((name) => stage(name))
      const total = times.reduce((sum, time) => sum + time, 0)
      const largest = times.indexOf(Math.max(...times))
      return [label(result.reviews), ...times.map((time) => fixed(time / 1000)), fixed(total / 1000), `${STAGES[largest]!} (${((times[largest]! / total) * 100).toFixed(0)}%)`]
    }),
  )
  const compared = results.filter((result) => result.eleventy !== null)
  const eleventyTable =
    compared.length === 0
      ? (eleventyNote ?? 'Eleventy was not measured.')
      : table(
          ['reviews', 'ours cold s', 'Eleventy cold s', 'Eleventy pages', 'ours / Eleventy'],
          compared.map((result) => {
            const summary = summarize(result)
            return [label(result.reviews), fixed(summary.cold), fixed(summary.eleventy!), String(result.eleventy!.pages), `${fixed(summary.cold / summary.eleventy!)}×`]
          }),
        )

  const find = (reviews: number) => summaries.find((summary) => summary.reviews === reviews)
  const targets: string[] = []
  const at4k = find(4000)
  // The bare pipeline on every core, from scripts/pipeline-floor.ts: what no build of these summaries can beat.
  const floorMatch = floorLines.map((line) => /^bare, (\d+) threads: ([\d.]+) s/.exec(line)).find((match) => match !== null)
  const floor = floorMatch ? { threads: Number(floorMatch[1]), seconds: Number(floorMatch[2]) } : null
  targets.push(
    at4k?.eleventy != null
      ? `- (a) 4000 reviews, cold build ≤ 2× Eleventy on the same reviews as plain Markdown: ${fixed(at4k.cold)} s vs ${fixed(at4k.eleventy)} s = ${fixed(at4k.cold / at4k.eleventy)}× → ${verdict(at4k.cold <= 2 * at4k.eleventy)}` +
          (floor
            ? `. The bare Markdown pipeline alone (remark-parse, gfm, math, remark-rehype, rehype-katex, stringify; no sanitizing, templates, search or writes) takes ${fixed(floor.seconds)} s for these summaries on ${floor.threads} worker threads = ${fixed(floor.seconds / at4k.eleventy)}× Eleventy: ` +
              (floor.seconds > 2 * at4k.eleventy ? 'no build that renders them with this pipeline can meet the target on this machine' : 'within the target, so the rest of the build is what misses it')
            : '')
      : '- (a) 4000 reviews, cold build ≤ 2× Eleventy: not measurable here (Eleventy did not run)',
  )
  targets.push(
    at4k
      ? `- (b) warm rebuild with nothing changed faster than Hugo's cold build: not measurable here (no Hugo). Against the reference figure of ~${HUGO_REFERENCE_SECONDS} s for 4000 reviews (stated in the issue, not measured): our warm rebuild at 4k is ${fixed(at4k.warm)} s → ${at4k.warm < HUGO_REFERENCE_SECONDS ? 'PASS' : 'FAIL'} against the reference figure (the command finds its last build up to date by the build stamp; with the stamp removed, the whole pipeline takes ${fixed(at4k.warmFull)} s)`
      : '- (b) warm rebuild faster than Hugo cold: not measurable here',
  )
  const at10k = find(10000)
  targets.push(
    at10k
      ? `- (c) 10k reviews, rebuild after editing one review < 1 s: ${fixed(at10k.edit)} s by the CLI → ${verdict(at10k.edit < 1)}; ${fixed(at10k.sessionEdit)} s in a \`digest dev\` session → ${verdict(at10k.sessionEdit < 1)}`
      : '- (c) rebuild after editing one review < 1 s at 10k: not run',
  )
  const at100k = find(100000)
  const at1k = find(1000)
  if (at100k && at1k) {
    const perReview100k = at100k.cold / 100000
    const perReview1k = at1k.cold / 1000
    targets.push(`- (d) 100k reviews, peak RSS < 4 GiB: ${fixed(at100k.rss, 0)} MiB → ${verdict(at100k.rss < RSS_LIMIT_MIB)}`)
    targets.push(
      `- (d) 100k reviews, time per review within 1.5× of 1k: ${fixed(perReview100k * 1000, 1)} ms vs ${fixed(perReview1k * 1000, 1)} ms = ${fixed(perReview100k / perReview1k)}× → ${verdict(perReview100k <= 1.5 * perReview1k)}`,
    )
  } else if (failures.some((failure) => failure.reviews === 100000)) {
    const failure = failures.find((one) => one.reviews === 100000)!
    targets.push(`- (d) 100k reviews: the cold build did not complete (${failure.reason}, after ${fixed(failure.seconds)} s, peak RSS ${fixed(failure.rssMiB, 0)} MiB) → **FAIL**`)
  } else {
    targets.push('- (d) 100k reviews, peak RSS < 4 GiB and time per review within 1.5× of 1k: not run (needs `--huge`)')
  }
  const firstResults = budgetLines.flatMap((line) => {
    const match = /([\d.]+) kB gz before first results/.exec(line)
    return match ? [Number(match[1]) * 1000] : []
  })
  targets.push(
    firstResults.length > 0
      ? `- (e) 10k reviews, search transfers ≤ 300 kB gzipped before first results: worst query ${fixed(Math.max(...firstResults) / 1000, 1)} kB over ${firstResults.length} queries → ${verdict(Math.max(...firstResults) <= SEARCH_BUDGET_BYTES)}`
      : '- (e) search ≤ 300 kB gzipped before first results at 10k: not measured (search-budget did not run)',
  )

  const editNotes = results.map((result) => `${label(result.reviews)}: ${result.editedFile}${result.editVisible ? '' : ' (WARNING: the edit was not visible in the rebuilt paper page)'}`)
  const runLines = results.map(
    (result) =>
      `- ${label(result.reviews)}: cold ${result.runs.map((run) => fixed(run.cold.seconds)).join(', ')} s; warm ${result.runs.map((run) => fixed(run.warm.seconds)).join(', ')} s; warm, stamp removed ${result.runs.map((run) => fixed(run.warmFull.seconds)).join(', ')} s; edit ${result.runs.map((run) => fixed(run.edit.seconds)).join(', ')} s; edit in a dev session ${result.runs.map((run) => fixed(run.sessionEdit)).join(', ')} s; RSS (cold) ${result.runs.map((run) => fixed(run.cold.rssMiB, 0)).join(', ')} MiB` +
      (result.eleventy ? `; Eleventy ${result.eleventy.runs.map((run) => fixed(run.seconds)).join(', ')} s` : ''),
  )

  const tables = [
    '## Build (CLI, medians)',
    '',
    buildTable,
    '',
    ...(failures.length > 0
      ? [
          ...failures.map((failure) => `- ${label(failure.reviews)}: the cold build did not complete: ${failure.reason}, after ${fixed(failure.seconds)} s with a peak RSS of ${fixed(failure.rssMiB, 0)} MiB; nothing else was measured.`),
          '',
        ]
      : []),
    '## Stages (in-process `build()`, medians, seconds)',
    '',
    stageTable,
    '',
    '## Comparison with Eleventy (cold builds, medians)',
    '',
    eleventyTable,
    '',
    hugoNote,
    '',
    '## Search budget, 10k (`scripts/search-budget.ts`)',
    '',
    budgetLines.length > 0 ? ['```', ...budgetLines, '```'].join('\n') : 'not measured',
    '',
    '## Markdown pipeline alone, 4k (`scripts/pipeline-floor.ts`)',
    '',
    floorLines.length > 0 ? ['```', ...floorLines, '```'].join('\n') : 'not measured',
    '',
    '## Targets',
    '',
    ...targets,
    '',
  ].join('\n')

  const args = process.argv.slice(2)
  const command = `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`
  const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown'
  const memKiB = Number(/^MemTotal:\s*(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0)
  const document = [
    '# Benchmarks',
    '',
    'Written by `scripts/bench.ts`; rerun it rather than editing this file.',
    '',
    `- Command: \`${command}\``,
    `- Date: ${spawnSync('date', ['-u'], { encoding: 'utf8' }).stdout.trim()}`,
    `- Machine: ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} cores (nproc), ${cpu}, ${(memKiB / 1024 / 1024).toFixed(1)} GiB RAM, Node ${process.version}`,
    `- Code: ${codeVersion()}`,
    `- Runs: ${runs} per corpus (1 for 100k); every figure is a median over the runs. Other work may run on the machine at the same time.`,
    '',
    tables,
    '## Method',
    '',
    '- Corpora: `scripts/gen-corpus.ts --reviews N` (seed 1) in `.tmp/bench/corpus-N`, reused while their marker says N reviews. Each run builds a copy of the corpus.',
    '- Cold: the output folder and any `.cache/` removed, then `node bin/digest.mjs build --quiet --content … --out …` (the `digest` command, run once with `--version` before any timing so its bundle of `src/` is made) under `/usr/bin/time -f "%e %M"`. Warm: the same build again into the same output folder, nothing changed (the command finds its build stamp up to date: every input and output file as the last build left it; it reports that build and stops, see README). Warm, stamp removed: the stamp (`.cache/output/*.stamp.json`) deleted, then the same build again: the whole pipeline, every stage taking what it can from the cache. Edit: one sentence appended to one review in one content file, then the same build again. Dev session: a fresh process opens a build session on the built site (`openBuildSession`, what `digest dev` keeps for its life), builds once untimed, loads the summary renderer as `digest dev` does while it waits for the first change (`session.prepare()`), then times four rebuilds: after the edit, after undoing it, and again; the median of the four (in-process: no process start-up, the cache already in memory; as in `digest dev`, a rebuild does not write the new cache entries and the output manifest, which the session saves once idle). Both in-process modes run node with the V8 flag the `digest` command sets itself (`--heap-growing-percent=50`).',
    `- Edited file: ${editNotes.join('; ')}.`,
    '- Peak RSS: the largest of the cold, warm (both) and edit builds of a run (GNU time `%M`), median over runs. Output: `du -sk` of the output folder and the sum of file sizes; search: every file below `search/`, gzipped one by one at level 9.',
    '- Stages: `result.timings` of `build(resolveConfig({ contentDir, outDir }, repoRoot))`, run in a fresh process per run (this script in worker mode) into its own empty output folder with no `.cache/` (so cold); `render` is the review summaries, `pages` the templates.',
    '- Markdown pipeline alone: `scripts/pipeline-floor.ts --content <4k corpus> --runs <runs>`, the summaries read with the ingest stage and rendered by the bare pipeline the issue measured (remark-parse, remark-gfm, remark-math, remark-rehype, rehype-katex, rehype-stringify) and by ours (`createSummaryRenderer`), on one thread (rendering only) and on every core (bare: the summaries split evenly between worker threads, nothing sent back; ours: the build\'s own pool; wall time with worker start-up); medians, the measures alternating run by run.',
    '- Eleventy: `@11ty/eleventy@3` installed with `npm install --no-save --prefix .tmp/bench/eleventy`; the reviews (read with `ingestSource`) written as one `.md` each with `title`/`date` front matter and `templateEngineOverride: md` (Markdown only, no Liquid pass), no layout; timed as `.tmp/bench/eleventy/node_modules/.bin/eleventy --input … --output … --quiet` (the binary `npx @11ty/eleventy` resolves to, without npx\'s own start-up) with the output folder removed before each run.',
    '',
    '## Individual runs',
    '',
    ...runLines,
    '',
  ].join('\n')
  return { tables, document }
}

// ---------------------------------------------------------------- entry point (last, so every constant above is initialised)

if (values['session-worker']) {
  if (!values.content || !values.out) throw new Error('--session-worker needs --content and --out')
  await runSessionWorker(values.content, values.out)
} else if (values['stages-worker']) {
  if (!values.content || !values.out) throw new Error('--stages-worker needs --content and --out')
  const result = await build(resolveConfig({ contentDir: values.content, outDir: values.out }, root))
  process.stdout.write(`${JSON.stringify(result.timings)}\n`)
} else {
  await main()
}
