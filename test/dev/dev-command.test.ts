/**
 * `digest dev` as a maintainer uses it: start it on a free port, fetch a page,
 * edit a content file, see the served site change and a live-reload event
 * arrive within seconds, see the session saved once idle, then stop it cleanly
 * with no process left behind.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createHash } from 'node:crypto'
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../..')
const work = mkdtempSync(path.join(tmpdir(), 'digest-dev-'))
const content = path.join(work, 'content')
mkdirSync(content)
cpSync(path.join(ROOT, 'test/fixtures/monthly-digest/input.md'), path.join(content, 'monthly.md'))
cpSync(path.join(ROOT, 'content/topics.yaml'), path.join(content, 'topics.yaml'))

let child: ChildProcessWithoutNullStreams | null = null
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL')
  rmSync(work, { recursive: true, force: true })
})

async function waitFor<T>(probe: () => Promise<T | null> | T | null, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== null) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('digest dev', () => {
  it('serves the site, rebuilds on edit, reloads pages, and stops cleanly', async () => {
    child = spawn(process.execPath, [path.join(ROOT, 'bin/digest.mjs'), 'dev', '--port', '0', '--content', content, '--out', path.join(work, 'dist')], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)))

    const url = await waitFor(() => /Serving \S+ at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1] ?? null, 30_000, 'the dev server to start')
    const home = await fetch(url)
    expect(home.status).toBe(200)
    const homeHtml = await home.text()
    expect(homeHtml).toContain('Chunk-Distilled Language Modeling')
    // Live reload is injected when serving, never written into the built site.
    expect(homeHtml).toContain('/__digest/events')
    expect((await fetch(`${url}papers/2501.99999/`)).status).toBe(404)

    // Listen for the reload event the rebuild sends.
    const events = await fetch(`${url}__digest/events`)
    const reader = events.body!.getReader()
    let received = ''
    const reloaded = (async () => {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return false
        received += new TextDecoder().decode(value)
        if (received.includes('event: reload')) return true
      }
    })()

    const edited = Date.now()
    appendFileSync(path.join(content, 'monthly.md'), '# A Paper Added While Serving\nhttps://arxiv.org/abs/2501.99999\nWritten during the test.\n')
    const page = await waitFor(async () => {
      const response = await fetch(`${url}papers/2501.99999/`)
      return response.status === 200 ? response.text() : null
    }, 15_000, 'the edited content to be served')
    expect(page).toContain('A Paper Added While Serving')
    expect(await reloaded).toBe(true)
    const seconds = (Date.now() - edited) / 1000
    expect(seconds).toBeLessThan(15)
    // Idle a moment after the rebuild, the server saves the session: the output manifest on disk lists the new page.
    const manifest = path.join(ROOT, '.cache/output', `${createHash('sha1').update(path.join(work, 'dist')).digest('hex').slice(0, 16)}.json`)
    await waitFor(() => (existsSync(manifest) && readFileSync(manifest, 'utf8').includes('"papers/2501.99999/index.html"') ? true : null), 15_000, 'the session to be saved')

    // A content error is reported in the terminal; the server keeps serving.
    writeFileSync(path.join(content, 'broken.md'), '---\ntitle: [unclosed\n---\n# Still builds\nhttps://arxiv.org/abs/2501.99998\n')
    await waitFor(() => (/front-matter/.test(output) ? true : null), 15_000, 'the content error to be reported')
    expect((await fetch(url)).status).toBe(200)

    await reader.cancel()
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(output).toContain('Stopped.')
  }, 90_000)
})
