/**
 * Bad content files — broken front matter, binary, empty, unknown format — each
 * give a clear message naming the file, and the rest of the site still builds.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { build } from '../../src/build.ts'
import { resolveConfig } from '../../src/config.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const work = mkdtempSync(path.join(tmpdir(), 'digest-bad-input-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const content = path.join(work, 'content')
const out = path.join(work, 'dist')

function setUp(): void {
  rmSync(content, { recursive: true, force: true })
  const monthly = readFileSync(path.join(ROOT, 'test/fixtures/monthly-digest/input.md'))
  mkdirSync(content, { recursive: true })
  writeFileSync(path.join(content, 'good.md'), monthly)
  writeFileSync(path.join(content, 'broken-front-matter.md'), `---\ntitle: [unclosed\nreviewers: Mike\n---\n${monthly}`)
  writeFileSync(path.join(content, 'bad-key.md'), `---\ndate: next tuesday\n---\n${monthly}`)
  writeFileSync(path.join(content, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]))
  writeFileSync(path.join(content, 'empty.txt'), '')
  writeFileSync(path.join(content, 'shopping-list.txt'), 'eggs\nmilk\nflour\n')
  copyFileSync(path.join(ROOT, 'content/topics.yaml'), path.join(content, 'topics.yaml'))
}


describe('bad content files', async () => {
  setUp()
  const result = await build(resolveConfig({ contentDir: content, outDir: out, templatesDir: path.join(ROOT, 'templates'), publicDir: path.join(ROOT, 'public') }, work))
  const messages = result.files.flatMap((file) =>
    file.messages.map((message) => ({ file: file.path, line: message.line, ruleId: message.ruleId, fatal: message.fatal, reason: message.reason })),
  )

  it('reports broken YAML front matter as an error where the YAML parser stopped and still reads the entries', () => {
    expect(messages).toContainEqual(expect.objectContaining({ file: 'broken-front-matter.md', ruleId: 'front-matter', fatal: true, line: 4 }))
    const source = result.sources.find((candidate) => candidate.file.path === 'broken-front-matter.md')!
    expect(source.reviews).toHaveLength(3)
  })

  it('names the bad front-matter key', () => {
    const message = messages.find((candidate) => candidate.file === 'bad-key.md' && candidate.ruleId === 'front-matter')
    expect(message?.reason).toBe('Front matter key `date`: "next tuesday" is not a date; write YYYY-MM-DD')
    expect(message?.line).toBe(2)
  })

  it('skips a binary file with an error', () => {
    expect(messages).toContainEqual(expect.objectContaining({ file: 'image.png', ruleId: 'binary-file', fatal: true, line: 1 }))
  })

  it('warns about an empty file', () => {
    expect(messages).toContainEqual(expect.objectContaining({ file: 'empty.txt', ruleId: 'empty-file', fatal: false }))
  })

  it('says when no format fits', () => {
    expect(messages).toContainEqual(expect.objectContaining({ file: 'shopping-list.txt', ruleId: 'unknown-format', line: 1 }))
  })

  it('builds every good entry: three papers, each reviewed in three files', () => {
    expect(result.papers.map((paper) => paper.id)).toEqual(['1611.02731', '2501.00343', '2501.16302'])
    expect(result.papers.every((paper) => paper.reviews.length === 3)).toBe(true)
    expect(JSON.parse(readFileSync(path.join(out, 'papers.json'), 'utf8')).papers).toHaveLength(3)
  })
})
