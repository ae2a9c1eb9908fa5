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

/** Batches in flight per worker: one being rendered, one waiting, so no worker idles between batches. */
const BATCHES_PER_THREAD = 2

/**
 * Render `count` Markdown strings, on all cores when there are many, handing each
 * result to `onResult` with its index as soon as it is made (in no set order).
 * Nothing is kept here: `markdownAt` is asked for a string only when its batch
 * is sent to a worker (a few batches ahead of the workers, never all at once),
 * and the caller decides what stays in memory. `onRendered` is told how many are done.
 */
export async function renderEach(
  count: number,
  markdownAt: (index: number) => string,
  onResult: (index: number, rendered: RenderedSummary) => void,
  onRendered: (done: number) => void = () => {},
): Promise<void> {
  const threads = availableParallelism()
  if (count === 0) return
  if (!rendersOnWorkers(count)) {
    const render = await mainThreadRenderer()
    for (let index = 0; index < count; index++) {
      onResult(index, render(markdownAt(index)))
      onRendered(index + 1)
    }
    return
  }
  const pool = new Tinypool({ filename: workerBundle(), minThreads: threads, maxThreads: threads, isolateWorkers: false })
  try {
    let next = 0
    let done = 0
    const sendBatches = async () => {
      while (next < count) {
        const start = next
        const end = Math.min(count, start + BATCH_SIZE)
        next = end
        const batch: string[] = []
        for (let index = start; index < end; index++) batch.push(markdownAt(index))
        const rendered = (await pool.run(batch)) as RenderedSummary[]
        rendered.forEach((summary, offset) => onResult(start + offset, summary))
        done += end - start
        onRendered(done)
      }
    }
    await Promise.all(Array.from({ length: threads * BATCHES_PER_THREAD }, sendBatches))
  } finally {
    await pool.destroy()
  }
}

/** Does {@link renderEach} render `count` summaries on worker threads (rather than on the calling thread)? */
export function rendersOnWorkers(count: number): boolean {
  return count >= PARALLEL_FROM && availableParallelism() >= 2
}

/**
 * Load the stack that renders a few summaries on the main thread (about half a
 * second), and render one, so the next render does not wait for it: for a
 * `digest dev` session, while it waits for the first edit.
 */
export async function preloadSummaryRenderer(): Promise<void> {
  const render = await mainThreadRenderer()
  render('A *warm-up* summary with math, $x^2$, and a [link](https://arxiv.org/abs/1706.03762).')
}

let mainThread: Promise<(markdown: string) => RenderedSummary> | null = null

/**
 * The renderer for summaries rendered on the main thread, made once per process
 * (a unified processor is reusable). Loaded only when something must be rendered:
 * the unified/KaTeX stack takes about half a second to load.
 */
function mainThreadRenderer(): Promise<(markdown: string) => RenderedSummary> {
  mainThread ??= import('./markdown.ts').then(
    ({ createSummaryRenderer }) => createSummaryRenderer(),
    (error: unknown) => {
      // Not kept: the next render tries again.
      mainThread = null
      throw error
    },
  )
  return mainThread
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
