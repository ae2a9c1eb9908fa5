/**
 * The `digest` commands besides build: `check`, `new`, the config file, help and
 * version, run as a maintainer would, through bin/digest.mjs.
 */
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '..')
const BIN = path.join(ROOT, 'bin/digest.mjs')
const work = mkdtempSync(path.join(tmpdir(), 'digest-commands-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

async function digest(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

/** A project folder with templates and public files linked from the repo, and its own content. */
function project(name: string, files: Record<string, string>): string {
  const folder = path.join(work, name)
  mkdirSync(path.join(folder, 'content'), { recursive: true })
  cpSync(path.join(ROOT, 'templates'), path.join(folder, 'templates'), { recursive: true })
  cpSync(path.join(ROOT, 'public'), path.join(folder, 'public'), { recursive: true })
  cpSync(path.join(ROOT, 'content/topics.yaml'), path.join(folder, 'content/topics.yaml'))
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(folder, file), text)
  return folder
}

describe('digest check', () => {
  it('passes the seeds with warnings only (exit 0), listing each as file:line:col', async () => {
    const run = await digest(['check'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^mikes-daily-paper\.txt:4751:1 {2}warning {2}arXiv id "2412\.0498" is not valid.* {2}malformed-arxiv-id$/m)
    expect(run.stdout).toMatch(/^4 content files → 213 reviews of 212 papers in \d+\.\d\d s$/m)
    expect(existsSync(path.join(ROOT, 'dist-check'))).toBe(false)
  })

  it('exits 1 on content errors, one line per problem with file and line', async () => {
    const folder = project('bad', {
      'content/broken.md': '---\ntitle: [unclosed\n---\n# Title\nhttps://arxiv.org/abs/2501.00001\nText.\n',
      'content/binary.txt': '\u0000\u0001\u0002',
    })
    const run = await digest(['check'], folder)
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/^broken\.md:4:\d+ {2}error {2}Front matter is not valid YAML.* {2}front-matter$/m)
    expect(run.stdout).toMatch(/^binary\.txt:1:1 {2}error {2}binary\.txt is not UTF-8 text.* {2}binary-file$/m)
    expect(existsSync(path.join(folder, 'dist'))).toBe(false)
  })

  it('exits 1 on warnings with --strict', async () => {
    expect((await digest(['check', '--strict'])).code).toBe(1)
  })
})

describe('digest new', () => {
  it('creates a newsletter file that builds, and refuses to overwrite it', async () => {
    const folder = project('new', {})
    const created = await digest(['new', 'Weekly Reads', '--format', 'link-notes', '--reviewer', 'Ada'], folder)
    expect(created.code).toBe(0)
    expect(created.stdout).toContain('Created content/weekly-reads.md (link-notes)')
    const text = readFileSync(path.join(folder, 'content/weekly-reads.md'), 'utf8')
    expect(text).toMatch(/^---\ntitle: "Weekly Reads"\nreviewers: \["Ada"\]\ndate: \d{4}-\d{2}-\d{2}\nformat: link-notes\n---\n## \[Title of the paper\]/)
    const built = await digest(['build', '--strict'], folder)
    expect(built.code).toBe(0)
    expect(existsSync(path.join(folder, 'dist/papers/2405.05417/index.html'))).toBe(true)
    const again = await digest(['new', 'Weekly Reads', '--format', 'link-notes'], folder)
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('already exists')
  })

  it('rejects an unknown format with the list of known ones', async () => {
    const run = await digest(['new', 'x', '--format', 'weekly'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("Allowed choices are daily-reviews, html-sections, monthly-digest, link-notes, generic")
  })
})

describe('digest.config.json', () => {
  it('is read, and flags override it', async () => {
    const folder = project('config', {
      'digest.config.json': JSON.stringify({ contentDir: 'content', outDir: 'public-site', site: { title: 'My Digest', basePath: '/digest/' } }),
      'content/monthly.md': readFileSync(path.join(ROOT, 'test/fixtures/monthly-digest/input.md'), 'utf8'),
    })
    expect((await digest(['build'], folder)).code).toBe(0)
    const home = readFileSync(path.join(folder, 'public-site/index.html'), 'utf8')
    expect(home).toContain('<title>My Digest</title>')
    expect(home).toContain('href="/digest/assets/site.css"')
    expect((await digest(['build', '--out', 'other', '--base-url', '/'], folder)).code).toBe(0)
    expect(readFileSync(path.join(folder, 'other/index.html'), 'utf8')).toContain('href="/assets/site.css"')
  })

  it('names an unknown or wrong key and exits 2', async () => {
    const unknown = project('config-unknown', { 'digest.config.json': JSON.stringify({ contentDirectory: 'x', site: { colour: 'red' } }) })
    const run = await digest(['build'], unknown)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('digest.config.json is invalid: unknown key `site.colour`; unknown key `contentDirectory`. See "Configuration" in the README')
    const wrong = project('config-wrong', { 'digest.config.json': JSON.stringify({ pageSize: 0 }) })
    const wrongRun = await digest(['check'], wrong)
    expect(wrongRun.code).toBe(2)
    expect(wrongRun.stderr).toContain('`pageSize`: Too small')
  })
})

describe('help and version', () => {
  it('explains every command and prints the version', async () => {
    for (const command of ['build', 'dev', 'check', 'new']) {
      const run = await digest([command, '--help'])
      expect(run.code, command).toBe(0)
      expect(run.stdout, command).toContain(`Usage: digest ${command}`)
    }
    expect((await digest(['dev', '--help'])).stdout).toContain('--port <n>')
    expect((await digest(['--version'])).stdout.trim()).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version)
    const unknown = await digest(['deploy'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("unknown command 'deploy'")
  })
})

describe('the digest launcher', () => {
  it('runs a bundle of src/ that builds exactly the site the TypeScript sources build, seeds and search included', async () => {
    const run = async (out: string, env: Record<string, string>) => {
      const { stderr } = await promisify(execFile)(process.execPath, [BIN, 'build', '--quiet', '--no-cache', '--out', out], { cwd: ROOT, env: { ...process.env, ...env } })
      return stderr
    }
    const bundled = path.join(work, 'launcher-bundled')
    const sources = path.join(work, 'launcher-sources')
    await run(bundled, {})
    await run(sources, { DIGEST_NO_BUNDLE: '1' })
    const { readdirSync } = await import('node:fs')
    const listing = (folder: string) => readdirSync(folder, { recursive: true }).map(String).sort()
    expect(listing(bundled)).toEqual(listing(sources))
    expect(listing(bundled).some((file) => file.startsWith('search/search.'))).toBe(true)
    const files = listing(bundled).filter((name) => /\.(?:html|json|js|xml|css)$/.test(name))
    expect(files.length).toBeGreaterThan(1000)
    expect(files.filter((file) => !readFileSync(path.join(bundled, file)).equals(readFileSync(path.join(sources, file))))).toEqual([])
    // The bundle is kept beside the packages in a folder named by a hash of the sources: its entry and the chunks it loads when needed.
    const bundles = path.join(ROOT, 'node_modules/.cache/research-digest')
    const bundle = readdirSync(bundles).find((name) => /^cli-[0-9a-f]{16}$/.test(name) && existsSync(path.join(bundles, name, 'cli.mjs')))
    expect(bundle).toBeDefined()
    expect(readdirSync(path.join(bundles, bundle!)).filter((name) => name.startsWith('chunk-')).length).toBeGreaterThan(0)
  }, 60_000)

  it('removes bundles of other sources when it makes one, except those a live process runs and those just made', async () => {
    const { readdirSync, symlinkSync, utimesSync } = await import('node:fs')
    // A copy of the project whose node_modules links every package but has its own bundle folder.
    const copy = path.join(work, 'launcher-copy')
    for (const part of ['src', 'bin', 'package.json', 'package-lock.json']) cpSync(path.join(ROOT, part), path.join(copy, part), { recursive: true })
    mkdirSync(path.join(copy, 'node_modules'))
    for (const name of readdirSync(path.join(ROOT, 'node_modules'))) {
      if (name !== '.cache') symlinkSync(path.join(ROOT, 'node_modules', name), path.join(copy, 'node_modules', name))
    }
    const bundles = path.join(copy, 'node_modules/.cache/research-digest')
    mkdirSync(bundles, { recursive: true })
    const dead = await new Promise<number>((resolve) => {
      const child = execFile(process.execPath, ['-e', '0'])
      child.on('exit', () => resolve(child.pid!))
    })
    const earlier = new Date(Date.now() - 5 * 60_000)
    const bundle = (name: string, marker: number | null, made = earlier) => {
      const folder = path.join(bundles, name)
      mkdirSync(folder)
      writeFileSync(path.join(folder, 'cli.mjs'), '')
      if (marker !== null) writeFileSync(path.join(folder, `.in-use-${marker}`), '')
      utimesSync(folder, made, made)
    }
    bundle('cli-aaaaaaaaaaaaaaaa', process.pid)
    bundle('cli-bbbbbbbbbbbbbbbb', null)
    bundle('cli-cccccccccccccccc', dead)
    bundle('cli-dddddddddddddddd', null, new Date())
    writeFileSync(path.join(bundles, 'cli-eeeeeeeeeeeeeeee.mjs'), '')
    utimesSync(path.join(bundles, 'cli-eeeeeeeeeeeeeeee.mjs'), earlier, earlier)

    const { stdout } = await promisify(execFile)(process.execPath, [path.join(copy, 'bin/digest.mjs'), '--version'], { cwd: copy })
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
    const left = readdirSync(bundles).sort()
    const made = left.filter((name) => !/^cli-([a-e])\1{15}/.test(name))
    // Kept: the one this (live) test process marked, and the one just made; gone: unmarked, marked by a dead process, the old single-file kind.
    expect(left.filter((name) => !made.includes(name))).toEqual(['cli-aaaaaaaaaaaaaaaa', 'cli-dddddddddddddddd'])
    expect(made).toHaveLength(1)
    // The --version process marked its bundle while it ran, and unmarked it when it exited.
    expect(readdirSync(path.join(bundles, made[0]!)).filter((name) => name.startsWith('.in-use-'))).toEqual([])
    expect(readdirSync(path.join(bundles, made[0]!))).toContain('cli.mjs')
  }, 60_000)
})
