/**
 * Rendering summaries on every core: a tinypool of worker threads running the
 * bundled `summary-worker.ts`. Worth it only for many summaries: below
 * {@link PARALLEL_FROM} they are rendered on the main thread, with no worker
 * start-up cost. The worker bundle is built once per renderer fingerprint into the
 * system's temporary folder.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { buildSync } from 'esbuild'
import Tinypool from 'tinypool'
import type { RenderedSummary } from './markdown.ts'
import { rendererFingerprint } from './summary-cache.ts'
import { sourcePath } from '../source-root.ts'

/** Fewer summaries than this are rendered on the main thread. */
export const PARALLEL_FROM = 400

/** Summaries sent to a worker at a time. */
const BATCH_SIZE = 40

/**
 * Render every Markdown string, on all cores when there are many, handing each
 * result to `onResult` with its index as soon as it is made (in no set order):
 * nothing is kept here, so the caller decides what stays in memory. `onRendered`
 * is told how many are done.
 */
export async function renderEach(
  markdowns: readonly string[],
  onResult: (index: number, rendered: RenderedSummary) => void,
  onRendered: (done: number) => void = () => {},
): Promise<void> {
  const threads = availableParallelism()
  if (markdowns.length === 0) return
  if (markdowns.length < PARALLEL_FROM || threads < 2) {
    // Loaded only when something must be rendered: the unified/KaTeX stack takes about half a second to load.
    const { createSummaryRenderer } = await import('./markdown.ts')
    const render = createSummaryRenderer()
    markdowns.forEach((markdown, index) => {
      onResult(index, render(markdown))
      onRendered(index + 1)
    })
    return
  }
  const pool = new Tinypool({ filename: workerBundle(), minThreads: threads, maxThreads: threads, isolateWorkers: false })
  try {
    const batches: Array<Promise<void>> = []
    let done = 0
    for (let start = 0; start < markdowns.length; start += BATCH_SIZE) {
      const batch = markdowns.slice(start, start + BATCH_SIZE)
      batches.push(
        (pool.run(batch) as Promise<RenderedSummary[]>).then((rendered) => {
          rendered.forEach((summary, offset) => onResult(start + offset, summary))
          done += batch.length
          onRendered(done)
        }),
      )
    }
    await Promise.all(batches)
  } finally {
    await pool.destroy()
  }
}

let bundlePath: string | null = null

/** The worker script, bundled to plain JavaScript (once per renderer version). */
function workerBundle(): string {
  if (bundlePath) return bundlePath
  const folder = path.join(tmpdir(), 'research-digest')
  const file = path.join(folder, `summary-worker-${rendererFingerprint()}.mjs`)
  if (!existsSync(file)) {
    const result = buildSync({
      entryPoints: [sourcePath('render', 'summary-worker.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: ['node20'],
      write: false,
      logLevel: 'silent',
      // Some dependencies still call require(); give the ES module bundle one.
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    })
    mkdirSync(folder, { recursive: true })
    const temporary = `${file}.${process.pid}.tmp`
    writeFileSync(temporary, result.outputFiles[0]!.contents)
    renameSync(temporary, file)
  }
  bundlePath = file
  return file
}
