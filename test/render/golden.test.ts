/**
 * Golden HTML: one paper page with math, rendered from
 * `test/fixtures/render-paper-math/input.txt` and compared with `expected.html`
 * byte for byte. Rewritten only with UPDATE_FIXTURES=1.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { build } from '../../src/build.ts'
import { resolveConfig } from '../../src/config.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const FIXTURE = path.join(ROOT, 'test/fixtures/render-paper-math')
const work = mkdtempSync(path.join(tmpdir(), 'digest-golden-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('golden paper page with math', () => {
  it('renders exactly as expected.html', async () => {
    const content = path.join(work, 'content')
    mkdirSync(content)
    copyFileSync(path.join(FIXTURE, 'input.txt'), path.join(content, 'daily.txt'))
    const outDir = path.join(work, 'dist')
    const result = await build(
      resolveConfig({ contentDir: content, outDir, topicsFile: path.join(ROOT, 'content/topics.yaml'), site: { origin: 'https://digest.example', title: 'Golden Digest' } }, ROOT),
    )
    const html = readFileSync(path.join(outDir, 'papers/2403.17887/index.html'), 'utf8')
    const expectedPath = path.join(FIXTURE, 'expected.html')
    if (process.env.UPDATE_FIXTURES === '1') writeFileSync(expectedPath, html)
    if (!existsSync(expectedPath)) throw new Error(`${expectedPath} is missing; run with UPDATE_FIXTURES=1 to create it`)
    expect(html).toBe(readFileSync(expectedPath, 'utf8'))
    // The broken formula is reported at the review's line, and shown as written.
    const messages = result.files.flatMap((file) => file.messages).filter((message) => message.ruleId === 'invalid-math')
    expect(messages.map((message) => [message.line, message.reason])).toEqual([
      [27, 'Could not render math with KaTeX in the review of "The Unreasonable Ineffectiveness of the Deeper Layers"; the formula is shown as written'],
    ])
    expect(html).toContain('<span class="katex-error"')
  })
})
