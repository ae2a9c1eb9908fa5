/**
 * Writing the site when making a file fails: the build fails with that file's
 * error (not one from cleaning up while other writes are under way), the
 * previous site's files are still there, and no staging folder is left behind.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeSite, type SiteFileContents } from '../../src/output/write-site.ts'

let work = ''
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'digest-write-'))
})
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

/** A site of many pages in a few folders, the `failing`-th of which cannot be made. */
function siteWithFailure(failing: number | null): Map<string, SiteFileContents> {
  const files = new Map<string, SiteFileContents>()
  for (let i = 0; i < 400; i++) {
    const text = `<p>page ${i}</p>`.repeat(200)
    files.set(`folder-${i % 7}/page-${i}.html`, {
      key: `${i}:${failing}`,
      render: () => {
        if (i === failing) throw new Error(`page ${i} cannot be made`)
        return text
      },
    })
  }
  return files
}

describe('writing a site', () => {
  it.each([
    ['the first write (to a staging folder)', false],
    ['a write over a previous one (in place)', true],
  ])('fails with the error of the file that cannot be made, leaving no staging folder: %s', async (_, overPrevious) => {
    const parent = path.join(work, overPrevious ? 'over' : 'first')
    const outDir = path.join(parent, 'site')
    const manifestFile = path.join(work, `${path.basename(parent)}.manifest.json`)
    await mkdir(parent)
    if (overPrevious) await writeSite(outDir, siteWithFailure(null), { manifestFile })
    for (const failing of [3, 40, 399]) {
      await expect(writeSite(outDir, siteWithFailure(failing), { manifestFile })).rejects.toThrow(`page ${failing} cannot be made`)
      expect(await readdir(parent)).toEqual(overPrevious ? ['site'] : [])
    }
    if (overPrevious) expect(await readFile(path.join(outDir, 'folder-0/page-0.html'), 'utf8')).toBe('<p>page 0</p>'.repeat(200))
  })
})
