/**
 * The build as a whole: the same content gives the same bytes; a first write is
 * all-or-nothing (a failed write leaves the previous site as it was), later ones
 * write only what changed.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { build, type BuildResult } from '../src/build.ts'
import { resolveConfig } from '../src/config.ts'
import { createOutputMemory, fileContents, saveOutputMemory, writeSite, type SiteFileContents } from '../src/output/write-site.ts'

// `rename` is wrapped so one test can make the swap-in step fail; everything else is the real fs.
const renameHook = vi.hoisted(() => ({ fail: null as null | ((from: string, to: string) => boolean) }))
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>()
  const rename: typeof actual.rename = async (from, to) => {
    if (renameHook.fail?.(String(from), String(to))) throw Object.assign(new Error(`EXDEV: simulated rename failure, '${String(from)}' -> '${String(to)}'`), { code: 'EXDEV' })
    return actual.rename(from, to)
  }
  return { ...actual, rename, default: { ...actual, rename } }
})

const ROOT = path.resolve(import.meta.dirname, '..')
let work = ''

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'digest-build-'))
})
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})
afterEach(() => {
  renameHook.fail = null
})

/** The monthly-digest fixture's text, the content of the small sites below. */
const MONTHLY = () => readFileSync(path.join(ROOT, 'test/fixtures/monthly-digest/input.md'), 'utf8')

/**
 * A small site in `work/<name>`: `content/monthly.md` (the monthly-digest fixture),
 * a copy of the templates, the repo's taxonomy, and its own cache folder.
 */
function monthlySite(name: string) {
  const site = path.join(work, name)
  const content = path.join(site, 'content')
  const templates = path.join(site, 'templates')
  mkdirSync(content, { recursive: true })
  cpSync(path.join(ROOT, 'templates'), templates, { recursive: true })
  writeFileSync(path.join(content, 'monthly.md'), MONTHLY())
  const config = resolveConfig({ contentDir: content, templatesDir: templates, outDir: path.join(site, 'dist'), cacheDir: path.join(site, 'cache'), topicsFile: path.join(ROOT, 'content/topics.yaml') }, ROOT)
  return { site, content, templates, config }
}

/** Every file below `dir`, as `/`-separated relative path → bytes, in sorted order. */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort()
  const result = new Map<string, Buffer>()
  for (const file of files) result.set(file, await readFile(path.join(dir, file)))
  return result
}

/**
 * Paths whose bytes differ between two snapshots (or exist in only one). Compared with
 * Buffer#equals: a deep `toEqual` over megabytes of Buffers takes tens of seconds.
 */
function differences(a: ReadonlyMap<string, Buffer>, b: ReadonlyMap<string, Buffer>): string[] {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort()
  return names.filter((name) => {
    const left = a.get(name)
    const right = b.get(name)
    return left === undefined || right === undefined || !left.equals(right)
  })
}

/** Names in `dir` left behind by writeSite (`.<name>.staging-<pid>`, `.<name>.retired-<pid>`). */
async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => /\.(?:staging|retired)-\d+$/.test(name))
}

// Two full builds of the real content folder (ingest, catalog, render, write), shared by the
// tests below: each costs seconds, so no test starts its own.
const builds = {
  first: { outDir: '', result: null as unknown as BuildResult },
  second: { outDir: '', result: null as unknown as BuildResult },
}

describe('build', () => {
  beforeAll(async () => {
    const contentDir = path.join(ROOT, 'content')
    builds.first.outDir = path.join(work, 'determinism', 'first', 'dist')
    builds.second.outDir = path.join(work, 'determinism', 'second', 'dist')
    builds.first.result = await build(resolveConfig({ contentDir, outDir: builds.first.outDir }, ROOT))
    builds.second.result = await build(resolveConfig({ contentDir, outDir: builds.second.outDir }, ROOT))
  })

  it('writes byte-identical output when the same content is built twice', async () => {
    const filesA = await snapshot(builds.first.outDir)
    const filesB = await snapshot(builds.second.outDir)
    expect(filesA.has('papers.json')).toBe(true)
    expect(filesA.size).toBe(builds.first.result.site.size)
    expect(differences(filesA, filesB)).toEqual([])
  })

  it('writes exactly the files of the in-memory site, papers.json included as built', async () => {
    const { result, outDir } = builds.first
    const written = await snapshot(outDir)
    expect([...written.keys()]).toEqual([...result.site.keys()].sort())
    expect(written.get('papers.json')!.toString('utf8')).toBe(fileContents(result.site.get('papers.json')!))
    expect(builds.second.result.papers).toEqual(result.papers)
  })

  it('reports the same messages, in the same order, on every build', () => {
    const messages = (result: BuildResult) =>
      result.files.flatMap((file) => file.messages.map((m) => `${file.path}:${m.line}:${m.column} ${m.ruleId} ${m.reason}`))
    expect(messages(builds.first.result).length).toBeGreaterThan(0)
    expect(messages(builds.second.result)).toEqual(messages(builds.first.result))
  })

  it('leaves no staging or retired folder beside the output', async () => {
    expect(await leftovers(path.dirname(builds.first.outDir))).toEqual([])
  })

  it('keeps the previous site when writing the next build fails part-way', async () => {
    const { result, outDir } = builds.first
    const before = await snapshot(outDir)
    const broken = new Map(result.site)
    broken.set('zzz/../../../outside.json', '{}')
    await expect(writeSite(outDir, broken)).rejects.toThrow(/refusing to write "zzz\/\.\.\/\.\.\/\.\.\/outside\.json"/)
    expect(differences(await snapshot(outDir), before)).toEqual([])
    expect(await leftovers(path.dirname(outDir))).toEqual([])
    expect(existsSync(path.join(work, 'determinism', 'outside.json'))).toBe(false)
  })
})

describe('writeSite', () => {
  /** A folder holding a previously written site: `index.html`, `papers.json`, `old/page.html`. */
  async function previousSite(name: string): Promise<{ parent: string; outDir: string; before: Map<string, Buffer> }> {
    const parent = path.join(work, name)
    const outDir = path.join(parent, 'dist')
    await writeSite(
      outDir,
      new Map([
        ['index.html', '<p>old home</p>\n'],
        ['papers.json', '{"version":1,"papers":[]}\n'],
        ['old/page.html', '<p>old page</p>\n'],
      ]),
    )
    return { parent, outDir, before: await snapshot(outDir) }
  }

  it('replaces the whole previous site, so files no longer produced disappear', async () => {
    const { parent, outDir } = await previousSite('replace')
    await writeSite(
      outDir,
      new Map<string, string | Uint8Array>([
        ['papers.json', '{"version":1,"papers":[1]}\n'],
        ['papers/2405.05417/index.html', '<p>paper</p>\n'],
        ['favicon.ico', new Uint8Array([0, 1, 2, 255])],
      ]),
    )
    const after = await snapshot(outDir)
    expect([...after.keys()]).toEqual(['favicon.ico', 'papers.json', 'papers/2405.05417/index.html'])
    expect(after.get('papers.json')!.toString()).toBe('{"version":1,"papers":[1]}\n')
    expect([...after.get('favicon.ico')!]).toEqual([0, 1, 2, 255])
    expect(await leftovers(parent)).toEqual([])
  })

  it('copies files given as { copyFrom }', async () => {
    const source = path.join(work, 'asset.css')
    await writeFile(source, 'body { margin: 0 }\n')
    const outDir = path.join(work, 'copy', 'dist')
    await writeSite(outDir, new Map([['assets/site.css', { copyFrom: source }]]))
    expect(await readFile(path.join(outDir, 'assets/site.css'), 'utf8')).toBe('body { margin: 0 }\n')
  })

  it('leaves the previous site untouched and no staging folder behind when a path would escape the output folder', async () => {
    const { parent, outDir, before } = await previousSite('escape')
    // Sorted last, so papers.json is already written to the staging folder when this one fails.
    const files = new Map([
      ['papers.json', '{"version":1,"papers":["new"]}\n'],
      ['zz/../../escape.txt', 'should never be written'],
    ])
    await expect(writeSite(outDir, files)).rejects.toThrow('research-digest: refusing to write "zz/../../escape.txt" outside the output folder')

    expect(differences(await snapshot(outDir), before)).toEqual([])
    expect(await leftovers(parent)).toEqual([])
    expect(existsSync(path.join(parent, 'escape.txt'))).toBe(false)
    expect(existsSync(path.join(outDir, 'escape.txt'))).toBe(false)
  })

  it('refuses a path that is only `..` or empty, leaving the previous site as it was', async () => {
    const { parent, outDir, before } = await previousSite('dotdot')
    await expect(writeSite(outDir, new Map([['..', 'x']]))).rejects.toThrow(/refusing to write "\.\." outside the output folder/)
    await expect(writeSite(outDir, new Map([['./', 'x']]))).rejects.toThrow(/refusing to write/)
    expect(differences(await snapshot(outDir), before)).toEqual([])
    expect(await leftovers(parent)).toEqual([])
  })

  it('leaves the previous site untouched when a file to copy is missing', async () => {
    const { parent, outDir, before } = await previousSite('missing-copy')
    const files = new Map<string, string | { copyFrom: string }>([
      ['a.css', { copyFrom: path.join(work, 'no-such-file.css') }],
      ['papers.json', 'new'],
    ])
    await expect(writeSite(outDir, files)).rejects.toThrow(/ENOENT/)
    expect(differences(await snapshot(outDir), before)).toEqual([])
    expect(await leftovers(parent)).toEqual([])
  })

  it('creates the output folder and its parents when nothing was there before', async () => {
    const outDir = path.join(work, 'fresh', 'deeper', 'dist')
    await writeSite(outDir, new Map([['papers.json', '{}\n']]))
    expect([...(await snapshot(outDir)).keys()]).toEqual(['papers.json'])
    expect(await leftovers(path.dirname(outDir))).toEqual([])
  })

  // Regression: a failed swap once left the old site in a hidden folder and no dist/ at all.
  it('restores the previous site when swapping the new one in fails', async () => {
    const { parent, outDir, before } = await previousSite('swap-fails')
    renameHook.fail = (from, to) => from.includes('.staging-') && to === outDir
    await expect(writeSite(outDir, new Map([['papers.json', 'new']]))).rejects.toThrow(/simulated rename failure/)
    renameHook.fail = null
    expect(existsSync(outDir)).toBe(true)
    expect(differences(await snapshot(outDir), before)).toEqual([])
    expect(await leftovers(parent)).toEqual([])
  })

  // Also shows that the rename hook reaches src/output/write-site.ts, so the expected failure
  // above fails for the reason its comment gives.
  it('leaves no output folder and no staging folder when a first site cannot be swapped in', async () => {
    const parent = path.join(work, 'first-swap-fails')
    const outDir = path.join(parent, 'dist')
    renameHook.fail = (from) => from.includes('.staging-')
    await expect(writeSite(outDir, new Map([['papers.json', '{}']]))).rejects.toThrow(/simulated rename failure/)
    expect(existsSync(outDir)).toBe(false)
    expect(await leftovers(parent)).toEqual([])
  })
})

describe('incremental output', () => {
  it('carries unchanged files over with their modification times, and drops files of removed papers', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, readFileSync, statSync, existsSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { build } = await import('../src/build.ts')
    const { resolveConfig } = await import('../src/config.ts')
    const root = path.resolve(import.meta.dirname, '..')
    const work = mkdtempSync(path.join(tmpdir(), 'digest-incremental-'))
    try {
      const content = path.join(work, 'content')
      mkdirSync(content)
      const monthly = readFileSync(path.join(root, 'test/fixtures/monthly-digest/input.md'), 'utf8')
      writeFileSync(path.join(content, 'monthly.md'), monthly)
      const config = resolveConfig({ contentDir: content, outDir: path.join(work, 'dist'), cacheDir: path.join(work, 'cache'), topicsFile: path.join(root, 'content/topics.yaml') }, root)
      const first = await build(config)
      expect(first.output).toMatchObject({ unchanged: 0, removed: 0 })
      const paper = path.join(work, 'dist/papers/1611.02731/index.html')
      const before = statSync(paper).mtimeMs
      await new Promise((resolve) => setTimeout(resolve, 20))

      const second = await build(config)
      expect(second.output).toMatchObject({ written: 0, removed: 0 })
      expect(second.output!.unchanged).toBe(first.output!.written)
      expect(statSync(paper).mtimeMs).toBe(before)

      // Remove one paper: its pages disappear, pages that list it are rewritten, the rest are kept.
      writeFileSync(path.join(content, 'monthly.md'), monthly.replace(/# Variational Lossy Autoencoder[\s\S]*?(?=# Matryoshka)/, ''))
      const third = await build(config)
      expect(existsSync(path.join(work, 'dist/papers/1611.02731/index.html'))).toBe(false)
      expect(existsSync(path.join(work, 'dist/papers/1611.02731'))).toBe(false)
      expect(third.output!.removed).toBeGreaterThan(0)
      expect(third.output!.written).toBeGreaterThan(0)
      expect(statSync(path.join(work, 'dist/papers/2501.16302/index.html')).mtimeMs).toBeGreaterThan(0)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  })
})

describe('deferred files', () => {
  /** A deferred file whose renders are counted. */
  function counted(key: string, text: string, renders: string[]) {
    return { key, render: () => (renders.push(key), text) }
  }

  it('makes a deferred file only when its key differs from the one the previous build wrote', async () => {
    const outDir = path.join(work, 'deferred', 'dist')
    const manifestFile = path.join(work, 'deferred', 'manifest.json')
    const renders: string[] = []
    const site = (aKey: string, aText: string) =>
      new Map([
        ['a/index.html', counted(aKey, aText, renders)],
        ['b/index.html', counted('b1', '<p>b</p>\n', renders)],
      ])
    expect(await writeSite(outDir, site('a1', '<p>a</p>\n'), { manifestFile })).toMatchObject({ written: 2, unchanged: 0, removed: 0 })
    expect(renders).toEqual(['a1', 'b1'])
    const { statSync } = await import('node:fs')
    const mtimeOfB = statSync(path.join(outDir, 'b/index.html')).mtimeMs

    renders.length = 0
    expect(await writeSite(outDir, site('a1', '<p>a</p>\n'), { manifestFile })).toMatchObject({ written: 0, unchanged: 2, removed: 0 })
    expect(renders).toEqual([])

    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await writeSite(outDir, site('a2', '<p>a, edited</p>\n'), { manifestFile })).toMatchObject({ written: 1, unchanged: 1, removed: 0 })
    expect(renders).toEqual(['a2'])
    expect(await readFile(path.join(outDir, 'a/index.html'), 'utf8')).toBe('<p>a, edited</p>\n')
    expect(statSync(path.join(outDir, 'b/index.html')).mtimeMs).toBe(mtimeOfB)
    expect(await leftovers(path.dirname(outDir))).toEqual([])

    // A new key with the same bytes writes nothing, but is remembered: the next build renders nothing.
    renders.length = 0
    expect(await writeSite(outDir, site('a3', '<p>a, edited</p>\n'), { manifestFile })).toMatchObject({ written: 0, unchanged: 2, removed: 0 })
    expect(renders).toEqual(['a3'])
    renders.length = 0
    await writeSite(outDir, site('a3', '<p>a, edited</p>\n'), { manifestFile })
    expect(renders).toEqual([])
  })

  it('remembers its last write for the next one in the same process: no manifest read, no check on disk, the manifest written when saved; a failed write is not remembered', async () => {
    const outDir = path.join(work, 'memory', 'dist')
    const manifestFile = path.join(work, 'memory', 'manifest.json')
    const site = (aText: string) =>
      new Map<string, SiteFileContents>([
        ['a/index.html', { key: `a:${aText}`, render: () => aText }],
        ['b.txt', 'b'],
      ])
    const memory = createOutputMemory()
    expect(await writeSite(outDir, site('a1'), { manifestFile, memory })).toMatchObject({ written: 2 })
    // The manifest file is not read again: a broken one changes nothing.
    await writeFile(manifestFile, 'not json')
    await rm(path.join(outDir, 'b.txt'))
    // Files this process wrote are trusted: the deleted one is not noticed...
    expect(await writeSite(outDir, site('a2'), { manifestFile, memory })).toMatchObject({ written: 1, unchanged: 1, removed: 0 })
    expect(existsSync(path.join(outDir, 'b.txt'))).toBe(false)
    // The manifest is written when the memory is saved, not by the write.
    expect(await readFile(manifestFile, 'utf8')).toBe('not json')
    await saveOutputMemory(memory)
    expect(JSON.parse(await readFile(manifestFile, 'utf8'))).toMatchObject({ files: { 'a/index.html': expect.any(Array), 'b.txt': expect.any(Array) } })
    // ...until a write without that memory checks every file on disk.
    expect(await writeSite(outDir, site('a2'), { manifestFile })).toMatchObject({ written: 1, unchanged: 1 })
    expect(await readFile(path.join(outDir, 'b.txt'), 'utf8')).toBe('b')

    // A write that fails leaves no memory: the next write reads the manifest and checks the disk.
    const failing = new Map<string, SiteFileContents>([['a/index.html', { key: 'boom', render: () => { throw new Error('render failed') } }], ['b.txt', 'b']])
    await expect(writeSite(outDir, failing, { manifestFile, memory })).rejects.toThrow('render failed')
    expect(memory.last).toBeNull()
    await rm(path.join(outDir, 'b.txt'))
    expect(await writeSite(outDir, site('a2'), { manifestFile, memory })).toMatchObject({ written: 1, unchanged: 1 })
    expect(await readFile(path.join(outDir, 'b.txt'), 'utf8')).toBe('b')

    // A deleted output folder is written again whole.
    await rm(outDir, { recursive: true })
    expect(await writeSite(outDir, site('a2'), { manifestFile, memory })).toMatchObject({ written: 2 })
    expect(await leftovers(path.dirname(outDir))).toEqual([])
  })

  it('makes a file given in pieces straight into place, byte for byte, and keeps it untouched when a new key brings the same bytes', async () => {
    const outDir = path.join(work, 'pieces', 'dist')
    const manifestFile = path.join(work, 'pieces', 'manifest.json')
    // Over a megabyte of text in many pieces, non-ASCII included, so it is written in several batches.
    const pieces = (tail: string) => Array.from({ length: 3000 }, (_, index) => `${index}: naïve Bayes — ∑ ${'x'.repeat(500)}\n`).concat(tail)
    const site = (key: string, tail: string, first = 'first') =>
      new Map<string, SiteFileContents>([
        ['big.json', { key, render: () => ({ pieces: pieces(tail) }) }],
        ['small.txt', first],
      ])
    const { statSync } = await import('node:fs')
    expect(await writeSite(outDir, site('k1', 'end'), { manifestFile })).toMatchObject({ written: 2, rendered: 1 })
    expect(await readFile(path.join(outDir, 'big.json'), 'utf8')).toBe(pieces('end').join(''))
    const before = statSync(path.join(outDir, 'big.json')).mtimeMs

    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await writeSite(outDir, site('k2', 'end', 'second'), { manifestFile })).toMatchObject({ written: 1, unchanged: 1, rendered: 1 })
    expect(statSync(path.join(outDir, 'big.json')).mtimeMs).toBe(before)
    expect(await writeSite(outDir, site('k3', 'changed end'), { manifestFile })).toMatchObject({ written: 2, unchanged: 0, rendered: 1 })
    expect(await readFile(path.join(outDir, 'big.json'), 'utf8')).toBe(pieces('changed end').join(''))
    expect(await writeSite(outDir, site('k3', 'changed end'), { manifestFile })).toMatchObject({ written: 0, unchanged: 2, rendered: 0 })
    expect(await leftovers(path.dirname(outDir))).toEqual([])
  })

  it('writes a file again when it was deleted or edited in the output folder, and removes folders left empty', async () => {
    const outDir = path.join(work, 'deferred-repair', 'dist')
    const manifestFile = path.join(work, 'deferred-repair', 'manifest.json')
    const renders: string[] = []
    const files = () =>
      new Map<string, string | { key: string; render: () => string }>([
        ['papers/x/index.html', counted('x', '<p>x</p>\n', renders)],
        ['papers/y/index.html', counted('y', '<p>y</p>\n', renders)],
        ['papers.json', '{"papers":[]}\n'],
      ])
    await writeSite(outDir, files(), { manifestFile })
    await rm(path.join(outDir, 'papers/x/index.html'))
    await writeFile(path.join(outDir, 'papers.json'), 'edited by hand, and longer')
    renders.length = 0
    expect(await writeSite(outDir, files(), { manifestFile })).toMatchObject({ written: 2, unchanged: 1, removed: 0 })
    expect(renders).toEqual(['x'])
    expect(await readFile(path.join(outDir, 'papers/x/index.html'), 'utf8')).toBe('<p>x</p>\n')
    expect(await readFile(path.join(outDir, 'papers.json'), 'utf8')).toBe('{"papers":[]}\n')

    const without = files()
    without.delete('papers/y/index.html')
    expect(await writeSite(outDir, without, { manifestFile })).toMatchObject({ written: 0, removed: 1 })
    expect(existsSync(path.join(outDir, 'papers/y'))).toBe(false)
    expect(existsSync(path.join(outDir, 'papers/x/index.html'))).toBe(true)
  })

  it('writes a file edited by hand at the same size again, keeps one only touched, and fingerprints the files as left on disk', async () => {
    const { utimesSync } = await import('node:fs')
    const { outputFingerprint } = await import('../src/output/write-site.ts')
    const outDir = path.join(work, 'same-size', 'dist')
    const manifestFile = path.join(work, 'same-size', 'manifest.json')
    const files = () =>
      new Map<string, string>([
        ['index.html', '<p>home</p>\n'],
        ['about/index.html', '<p>about</p>\n'],
      ])
    const first = await writeSite(outDir, files(), { manifestFile })
    const fingerprint = first.fingerprint()!
    expect(fingerprint.files).toEqual(['about/index.html', 'index.html'])
    expect(outputFingerprint(outDir, fingerprint.files)).toBe(fingerprint.digest)

    await writeFile(path.join(outDir, 'index.html'), '<p>HOME</p>\n')
    const later = new Date(Date.now() + 60_000)
    utimesSync(path.join(outDir, 'about/index.html'), later, later)
    expect(outputFingerprint(outDir, fingerprint.files)).not.toBe(fingerprint.digest)
    const second = await writeSite(outDir, files(), { manifestFile })
    expect(second).toMatchObject({ written: 1, unchanged: 1 })
    expect(await readFile(path.join(outDir, 'index.html'), 'utf8')).toBe('<p>home</p>\n')
    expect(outputFingerprint(outDir, fingerprint.files)).toBe(second.fingerprint()!.digest)
    // Nothing changed since: nothing is written.
    expect(await writeSite(outDir, files(), { manifestFile })).toMatchObject({ written: 0, unchanged: 2 })

    await rm(path.join(outDir, 'index.html'))
    expect(outputFingerprint(outDir, fingerprint.files)).toBeNull()
  })

  it('renders only the pages an edit touches, and every page after a template edit', async () => {
    const { statSync } = await import('node:fs')
    const { site, content, templates, config } = monthlySite('touched')
    const monthly = MONTHLY()
    const first = await build(config)
    const htmlPages = [...first.site.keys()].filter((file) => file.endsWith('.html')).length
    const untouched = path.join(site, 'dist/papers/1611.02731/index.html')
    const mtime = statSync(untouched).mtimeMs
    await new Promise((resolve) => setTimeout(resolve, 20))
    // Nothing changed: nothing is made or written (everything restored from the cache keys the same).
    expect((await build(config)).output).toMatchObject({ written: 0, rendered: 0 })

    // One more sentence in one review: its paper page and the listings showing it change, nothing else.
    const edited = monthly.replace('significant efficiency gains.', 'significant efficiency gains. A sentence added by the test.')
    expect(edited).not.toBe(monthly)
    writeFileSync(path.join(content, 'monthly.md'), edited)
    const second = await build(config)
    expect(second.output!.written).toBeGreaterThan(0)
    expect(second.output!.written).toBeLessThan(second.site.size / 2)
    // Search files are keyed by their bytes: the edit makes only the pages it touches, not every search file.
    expect(second.output!.rendered).toBeLessThan(second.site.size / 2)
    expect(statSync(untouched).mtimeMs).toBe(mtime)

    writeFileSync(path.join(templates, 'layouts/base.liquid'), `${readFileSync(path.join(templates, 'layouts/base.liquid'), 'utf8')}<!-- edited -->\n`)
    const third = await build(config)
    expect(third.output!.written).toBeGreaterThanOrEqual(htmlPages)
    expect(readFileSync(untouched, 'utf8')).toContain('<!-- edited -->')
  })

  it('a build session (digest dev) rebuilds after edits to exactly the site a fresh build makes', async () => {
    const { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } = await import('node:fs')
    const { openBuildSession } = await import('../src/build.ts')
    const site = path.join(work, 'session')
    const content = path.join(site, 'content')
    mkdirSync(content, { recursive: true })
    cpSync(path.join(ROOT, 'test/fixtures/daily-header-variants/input.txt'), path.join(content, 'daily.txt'))
    cpSync(path.join(ROOT, 'test/fixtures/monthly-digest/input.md'), path.join(content, 'monthly.md'))
    const topicsFile = path.join(site, 'topics.yaml')
    cpSync(path.join(ROOT, 'content/topics.yaml'), topicsFile)
    const configOf = (name: string) =>
      resolveConfig({ contentDir: content, outDir: path.join(site, name), cacheDir: path.join(site, name === 'dev' ? 'dev-cache' : 'fresh-cache'), topicsFile }, ROOT)
    const session = openBuildSession(configOf('dev'))
    await session.build()
    const daily = path.join(content, 'daily.txt')
    const monthly = path.join(content, 'monthly.md')
    const original = readFileSync(daily, 'utf8')
    const originalMonthly = readFileSync(monthly, 'utf8')
    const topics = readFileSync(topicsFile, 'utf8')
    const paragraph = original.split('\n').find((line) => line.length > 150 && !line.includes('http'))!
    // A session remembers papers, views and page keys between builds: each edit below changes what some of them are made from.
    // This monthly paper is listed between two of the daily file's, which name it on their pages.
    const title = 'Matryoshka Re-Ranker - A Flexible Re-Ranking Architecture With Configurable Depth and Width'
    expect(originalMonthly).toContain(title)
    const topicName = '\n  name: Reinforcement Learning\n'
    expect(topics).toContain(topicName)
    const edits: Array<{ daily?: string; monthly?: string; topics?: string; extra?: string | null }> = [
      { daily: original.replace(paragraph, `${paragraph} A sentence the test added, with $x^2$ math.`) },
      { daily: original.replace(paragraph, `${paragraph} Another sentence instead.`) },
      // A paragraph taken out.
      { daily: original.replace(paragraph, '') },
      { daily: original },
      // A title: the paper's page changes, and so do its neighbours' (from a file that did not change), which name it.
      { monthly: originalMonthly.replace(title, 'Matryoshka Re-Ranker, Renamed') },
      // A topic renamed: every page that names it changes, though no paper does.
      { topics: topics.replace(topicName, '\n  name: Reinforcement Learning (RL)\n') },
      // A newsletter added, then removed: the list of newsletters (named by every review) changes.
      { extra: originalMonthly.replace(/arxiv\.org\/abs\/(\d{4})\.(\d{4,5})/g, 'arxiv.org/abs/$1.9$2') },
      { extra: null },
    ]
    for (const [index, edit] of edits.entries()) {
      if (edit.daily !== undefined) writeFileSync(daily, edit.daily)
      if (edit.monthly !== undefined) writeFileSync(monthly, edit.monthly)
      if (edit.topics !== undefined) writeFileSync(topicsFile, edit.topics)
      if (edit.extra) writeFileSync(path.join(content, 'extra.md'), edit.extra)
      else if (edit.extra === null) rmSync(path.join(content, 'extra.md'))
      const rebuilt = await session.build()
      expect(rebuilt.output!.written, `edit ${index}`).toBeGreaterThan(0)
      const fresh = configOf(`fresh-${index}`)
      await build(fresh)
      expect(await snapshot(path.join(site, 'dev')), `edit ${index}`).toEqual(await snapshot(fresh.outDir))
    }
    // Nothing changed: the session writes nothing.
    expect((await session.build()).output).toMatchObject({ written: 0, rendered: 0, removed: 0 })
  })

  it('rebuilds search files deleted from the output folder when nothing else changed, byte for byte', async () => {
    const { readdirSync, rmSync } = await import('node:fs')
    const { site, config } = monthlySite('search-repair')
    await build(config)
    const shard = `search/t/${readdirSync(path.join(site, 'dist/search/t'))[0]}`
    const removed = [shard, 'search/f/0.json']
    const before = removed.map((file) => readFileSync(path.join(site, 'dist', file), 'utf8'))
    for (const file of removed) rmSync(path.join(site, 'dist', file))
    const again = await build(config)
    expect(again.output).toMatchObject({ written: 2, removed: 0 })
    expect(removed.map((file) => readFileSync(path.join(site, 'dist', file), 'utf8'))).toEqual(before)
  })

  it('checks content from the build cache without writing to it, reporting what a build reports', async () => {
    const { readdirSync, statSync } = await import('node:fs')
    const { checkContent } = await import('../src/build.ts')
    const { site, config } = monthlySite('check-cache')
    const built = await build(config)
    const snapshot = () => readdirSync(path.join(site, 'cache')).map((file) => [file, statSync(path.join(site, 'cache', file)).mtimeMs])
    const before = snapshot()
    const checked = await checkContent(config)
    expect(snapshot()).toEqual(before)
    const messages = (files: readonly { path: string; messages: ReadonlyArray<{ ruleId?: string | null; line?: number | null }> }[]) => files.flatMap((file) => file.messages.map((message) => `${file.path}:${message.line}:${message.ruleId}`))
    expect(messages(checked.files)).toEqual(messages(built.files))
    expect(checked.papers.map((paper) => [paper.id, paper.tags])).toEqual(built.papers.map((paper) => [paper.id, paper.tags]))
  })
})

describe('up-to-date check (findUpToDateBuild)', () => {
  it('finds the last build up to date, with what it reported, until anything it read or wrote changes', async () => {
    const { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } = await import('node:fs')
    const { findUpToDateBuild, summaryCounts } = await import('../src/up-to-date.ts')
    const site = path.join(work, 'up-to-date')
    const content = path.join(site, 'content')
    const templates = path.join(site, 'templates')
    const publicDir = path.join(site, 'public')
    const dist = path.join(site, 'dist')
    mkdirSync(content, { recursive: true })
    mkdirSync(publicDir, { recursive: true })
    cpSync(path.join(ROOT, 'templates'), templates, { recursive: true })
    cpSync(path.join(ROOT, 'content/topics.yaml'), path.join(content, 'topics.yaml'))
    writeFileSync(path.join(content, 'monthly.md'), readFileSync(path.join(ROOT, 'test/fixtures/monthly-digest/input.md'), 'utf8'))
    // Warnings to report again: malformed arXiv ids and the like.
    writeFileSync(path.join(content, 'daily.txt'), readFileSync(path.join(ROOT, 'test/fixtures/daily-header-variants/input.txt'), 'utf8'))
    writeFileSync(path.join(publicDir, 'robots.txt'), 'User-agent: *\n')
    const user = { contentDir: content, templatesDir: templates, publicDir, outDir: dist, cacheDir: path.join(site, 'cache') }
    const config = resolveConfig(user, ROOT)
    const messages = (files: readonly { path: string; messages: ReadonlyArray<{ reason: string; ruleId?: string | null; line?: number | null; column?: number | null; fatal?: boolean | null; note?: string | null }> }[]) =>
      files.flatMap((file) => file.messages.map((message) => [file.path, message.line, message.column, message.ruleId, message.fatal, message.reason, message.note]))

    const built = await build(config)
    const found = await findUpToDateBuild(config)
    expect(found).not.toBeNull()
    expect({ contentFiles: found!.contentFiles, reviews: found!.reviews, papers: found!.papers }).toEqual(summaryCounts(built))
    expect(found!.outputFiles).toBe(built.site.size)
    expect(messages(found!.files).length).toBeGreaterThan(0)
    expect(messages(found!.files)).toEqual(messages(built.files))

    // Each change makes the check fail; a build then stamps the site again. Output files
    // changed by hand are put back as the build makes them.
    const fresh = await snapshot(dist)
    const later = new Date(Date.now() + 60_000)
    const changes: ReadonlyArray<readonly [string, () => void]> = [
      ['a content file edited', () => appendFileSync(path.join(content, 'monthly.md'), '\nOne more line.\n')],
      ['a content file added', () => writeFileSync(path.join(content, 'more.md'), readFileSync(path.join(ROOT, 'test/fixtures/monthly-digest/input.md'), 'utf8').replaceAll('Autoencoder', 'Auto-encoder'))],
      ['a content file removed', () => rmSync(path.join(content, 'more.md'))],
      ['the taxonomy touched', () => utimesSync(path.join(content, 'topics.yaml'), later, later)],
      ['a template touched, its bytes unchanged', () => utimesSync(path.join(templates, 'layouts/base.liquid'), later, later)],
      ['a public file added', () => writeFileSync(path.join(publicDir, 'humans.txt'), 'Ann\n')],
      ['an output file edited at the same size', () => writeFileSync(path.join(dist, 'robots.txt'), 'User-agent: ?\n')],
      ['an output file deleted', () => rmSync(path.join(dist, 'papers/1611.02731/index.html'))],
    ]
    for (const [change, make] of changes) {
      make()
      expect({ change, found: await findUpToDateBuild(config) }).toEqual({ change, found: null })
      await build(config)
      expect({ change, found: (await findUpToDateBuild(config)) !== null }).toEqual({ change, found: true })
    }
    const repaired = await snapshot(dist)
    expect(repaired.get('robots.txt')).toEqual(fresh.get('robots.txt'))
    expect(repaired.get('papers/1611.02731/index.html')).toEqual(fresh.get('papers/1611.02731/index.html'))

    // Another config, or none of the cache (where the stamp is), is no match either.
    expect(await findUpToDateBuild(resolveConfig({ ...user, site: { basePath: '/digest/' } }, ROOT))).toBeNull()
    expect(await findUpToDateBuild(resolveConfig({ ...user, sourceDateEpoch: 1_700_000_000 }, ROOT))).toBeNull()
    expect(await findUpToDateBuild(resolveConfig({ ...user, cacheDir: false }, ROOT))).toBeNull()
    expect(await findUpToDateBuild(config)).not.toBeNull()
    rmSync(path.join(site, 'cache'), { recursive: true })
    expect(await findUpToDateBuild(config)).toBeNull()
  })
})

describe('a build session that ends (digest dev stopped)', () => {
  it('writes the cache and the output manifest only when saved; another build then takes everything from them', async () => {
    const { appendFileSync, readdirSync } = await import('node:fs')
    const { openBuildSession } = await import('../src/build.ts')
    const { outputRecordFile } = await import('../src/up-to-date.ts')
    const { site, content, config } = monthlySite('session-save')
    const cacheDir = path.join(site, 'cache')
    const packs = () => (existsSync(cacheDir) ? readdirSync(cacheDir).filter((file) => file.endsWith('.pack')) : [])
    const manifest = outputRecordFile(config, 'json')!

    const session = openBuildSession(config)
    await session.build()
    expect(packs()).toEqual([])
    expect(existsSync(manifest)).toBe(false)
    await session.save()
    expect(packs()).toEqual(expect.arrayContaining(['summaries.pack', 'summary-html.pack', 'summary-text.pack', 'ingest.pack', 'search.pack']))
    expect(existsSync(manifest)).toBe(true)
    // Another build renders nothing again and writes nothing: it found the session's summaries and files.
    expect((await build(config)).output).toMatchObject({ written: 0, rendered: 0, removed: 0 })

    // An edit: the session's manifest on disk stays as it was until the next save.
    const saved = readFileSync(manifest, 'utf8')
    appendFileSync(path.join(content, 'monthly.md'), '\n# Attention Is All You Need\nhttps://arxiv.org/abs/1706.03762\nA review added while the session runs.\n')
    const edited = await session.build()
    expect(edited.output!.written).toBeGreaterThan(0)
    expect(readFileSync(manifest, 'utf8')).toBe(saved)
    await session.close()
    expect(readFileSync(manifest, 'utf8')).not.toBe(saved)
    expect((await build(config)).output).toMatchObject({ written: 0, rendered: 0, removed: 0 })
  })

  it('stamps the site its last build wrote, so the next digest build finds it up to date; nothing when the last build failed', async () => {
    const { appendFileSync } = await import('node:fs')
    const { openBuildSession } = await import('../src/build.ts')
    const { findUpToDateBuild, summaryCounts } = await import('../src/up-to-date.ts')
    const { site, content, config } = monthlySite('session-stamp')

    const session = openBuildSession(config)
    await session.build()
    appendFileSync(path.join(content, 'monthly.md'), '\n# Attention Is All You Need\nhttps://arxiv.org/abs/1706.03762\nA review added while the session runs.\n')
    const last = await session.build()
    // A session's builds leave no stamp of their own; ending it does.
    expect(await findUpToDateBuild(config)).toBeNull()
    await session.close()
    const found = await findUpToDateBuild(config)
    expect(found && { contentFiles: found.contentFiles, reviews: found.reviews, papers: found.papers }).toEqual(summaryCounts(last))
    expect(found!.outputFiles).toBe(last.site.size)

    // A session whose last build failed stamps nothing, not even the build before it.
    const { readdirSync, renameSync, rmSync } = await import('node:fs')
    const records = path.join(site, 'cache/output')
    for (const file of readdirSync(records)) if (file.endsWith('.stamp.json')) rmSync(path.join(records, file))
    const failing = openBuildSession(config)
    await failing.build()
    renameSync(content, `${content}-away`)
    await expect(failing.build()).rejects.toThrow()
    renameSync(`${content}-away`, content)
    await failing.close()
    expect(await findUpToDateBuild(config)).toBeNull()
  })
})
