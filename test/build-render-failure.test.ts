/**
 * A build renders the summaries while the catalog tags papers (see `analyzeContent`
 * in src/build.ts). When rendering fails meanwhile, the build fails with that
 * error, and the failure is never an unhandled rejection (which would end a
 * `digest dev` process, not just its rebuild).
 */
import path from 'node:path'
import { expect, it, vi } from 'vitest'
import { build } from '../src/build.ts'
import { resolveConfig } from '../src/config.ts'

vi.mock('../src/render/summary-pool.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/render/summary-pool.ts')>()
  // As when many summaries render on worker threads (alongside the catalog), failing at once.
  return { ...actual, rendersOnWorkers: () => true, renderEach: () => Promise.reject(new Error('simulated renderer failure')) }
})

const ROOT = path.resolve(import.meta.dirname, '..')

it('fails with the renderer\'s error, raised while the catalog was still tagging, and leaves no unhandled rejection', async () => {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  try {
    // The seeds: enough papers that tagging them lets the event loop run (slices of 10 ms), no cache so every paper is tagged.
    const config = resolveConfig({ contentDir: path.join(ROOT, 'content'), outDir: path.join(ROOT, '.tmp', 'never-written'), cacheDir: false }, ROOT)
    await expect(build(config, { write: false })).rejects.toThrow('simulated renderer failure')
    await new Promise((resolve) => setImmediate(resolve))
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
  expect(unhandled).toEqual([])
})
