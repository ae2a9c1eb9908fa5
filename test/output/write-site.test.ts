/**
 * Writing the site. When making a file fails, the build fails with that file's
 * error (not one from cleaning up while other writes are under way), the
 * previous site's files are still there, and no staging folder is left behind.
 * A session's writes keep one manifest up to date in place, which, once saved,
 * tells another process's write that every file is as recorded.
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

describe('a session writing the site again and again (OutputMemory)', () => {
  it('updates its manifest entry by entry: after an edit, a removal and an addition, the saved manifest lists exactly the site, and a build in another process writes nothing', async () => {
    const { createOutputMemory, saveOutputMemory } = await import('../../src/output/write-site.ts')
    const outDir = path.join(work, 'session-site')
    const manifestFile = path.join(work, 'session-manifest.json')
    const page = (name: string, version: number): [string, SiteFileContents] => [name, { key: `${name}@${version}`, render: () => `<p>${name} version ${version}</p>` }]
    const memory = createOutputMemory()
    const first = new Map([page('a/one.html', 1), page('a/two.html', 1), page('b/three.html', 1), ['plain.txt', 'plain']])
    expect((await writeSite(outDir, first, { manifestFile, memory })).written).toBe(4)
    // Edit one page, remove one (and its folder), add one.
    const second = new Map([page('a/one.html', 2), page('a/two.html', 1), page('c/four.html', 1), ['plain.txt', 'plain']])
    const report = await writeSite(outDir, second, { manifestFile, memory })
    expect({ written: report.written, unchanged: report.unchanged, removed: report.removed }).toEqual({ written: 2, unchanged: 2, removed: 1 })
    expect(await readdir(outDir)).toEqual(['a', 'c', 'plain.txt'])
    await saveOutputMemory(memory)
    const saved = JSON.parse(await readFile(manifestFile, 'utf8')) as { files: Record<string, unknown> }
    expect(Object.keys(saved.files).sort()).toEqual(['a/one.html', 'a/two.html', 'c/four.html', 'plain.txt'])
    // Another process (no memory) reads that manifest: every file is as it recorded.
    const again = await writeSite(outDir, second, { manifestFile })
    expect({ written: again.written, unchanged: again.unchanged, removed: again.removed, rendered: again.rendered }).toEqual({ written: 0, unchanged: 4, removed: 0, rendered: 0 })
    expect(await readFile(path.join(outDir, 'a/one.html'), 'utf8')).toBe('<p>a/one.html version 2</p>')
  })

  it("plans a session's rebuild as what changed only, yet writes the site whole when its folder is deleted between plan and write", async () => {
    const { createOutputMemory, planOutput, writeOutput } = await import('../../src/output/write-site.ts')
    const outDir = path.join(work, 'vanishing-site')
    const renders: string[] = []
    const page = (name: string, version: number): [string, SiteFileContents] => [name, { key: `${name}@${version}`, render: () => (renders.push(name), `<p>${name} ${version}</p>`) }]
    const site = (version: number) => new Map([page('z/last.html', 1), page('a/first.html', version), page('m/middle.html', 1), ['plain.txt', 'plain']])
    const memory = createOutputMemory()
    await writeSite(outDir, site(1), { manifestFile: null, memory })
    // Only the edited page and the file given with its contents are planned; the others are settled.
    const plan = await planOutput(outDir, site(2), { memory })
    expect({ files: plan.files.map((file) => file.relative), settled: plan.settled }).toEqual({ files: ['a/first.html', 'plain.txt'], settled: 2 })
    await rm(outDir, { recursive: true })
    renders.length = 0
    const report = await writeOutput(plan)
    expect({ written: report.written, unchanged: report.unchanged }).toEqual({ written: 4, unchanged: 0 })
    expect(renders.sort()).toEqual(['a/first.html', 'm/middle.html', 'z/last.html'])
    expect(await readFile(path.join(outDir, 'm/middle.html'), 'utf8')).toBe('<p>m/middle.html 1</p>')
    // The next rebuild is planned from this write; the fingerprint lists every file, in path order.
    const next = await writeSite(outDir, site(3), { manifestFile: null, memory })
    expect({ written: next.written, unchanged: next.unchanged, files: next.fingerprint()?.files }).toEqual({ written: 1, unchanged: 3, files: ['a/first.html', 'm/middle.html', 'plain.txt', 'z/last.html'] })
  })
})
