/**
 * A cold build of many reviews renders their summaries on worker threads, and
 * meanwhile analyses each paper's search text as soon as its summaries are
 * rendered (src/search/text-ahead.ts). The site must be the one a build without
 * that (no cache, so no analysis ahead) makes, byte for byte.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, expect, it, vi } from 'vitest'
import { build, type BuildResult } from '../src/build.ts'
import { resolveConfig } from '../src/config.ts'
import { fileContents } from '../src/output/write-site.ts'
import { PARALLEL_FROM } from '../src/render/summary-pool.ts'

// The real module, counting what it is told.
const told = vi.hoisted(() => ({ rendered: 0, papers: [] as number[] }))
vi.mock('../src/search/text-ahead.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/search/text-ahead.ts')>()
  return {
    createTextAnalysisAhead: (...args: Parameters<typeof actual.createTextAnalysisAhead>) => {
      const ahead = actual.createTextAnalysisAhead(...args)
      return {
        rendered: (...more: Parameters<typeof ahead.rendered>) => (told.rendered++, ahead.rendered(...more)),
        papersKnown: (papers: Parameters<typeof ahead.papersKnown>[0]) => (told.papers.push(papers.length), ahead.papersKnown(papers)),
      }
    },
  }
})

const ROOT = path.resolve(import.meta.dirname, '..')
const work = mkdtempSync(path.join(tmpdir(), 'digest-search-ahead-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const REVIEWS = PARALLEL_FROM + 50

it(`makes the same site with search analysis ahead (a cold build of ${REVIEWS} reviews) as without`, async () => {
  const content = path.join(work, 'content')
  const generated = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/gen-corpus.ts', '--reviews', String(REVIEWS), '--out', content], { cwd: ROOT, encoding: 'utf8' })
  expect(generated.status, generated.stderr).toBe(0)
  const site = (result: BuildResult) => [...result.site].map(([file, contents]) => {
    const made = fileContents(contents)
    return [file, typeof made === 'string' ? made : 'copyFrom' in made ? made.copyFrom : Buffer.from(made).toString('base64')]
  })

  const ahead = await build(resolveConfig({ contentDir: content, outDir: path.join(work, 'ahead'), cacheDir: path.join(work, 'cache') }, ROOT), { write: false })
  // Every summary was rendered, and the catalog's papers were told to the analysis ahead.
  expect(told.rendered).toBe(REVIEWS)
  expect(told.papers).toEqual([ahead.papers.length])
  told.papers = []
  const plain = await build(resolveConfig({ contentDir: content, outDir: path.join(work, 'plain'), cacheDir: false }, ROOT), { write: false })
  expect(told.papers).toEqual([])
  expect(site(ahead)).toEqual(site(plain))
}, 120_000)
