/**
 * The render cache: a second build renders nothing again and writes the same
 * bytes; a changed review is rendered anew; a corrupt entry is only a miss; and
 * the key depends on the renderer, not just the Markdown.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { build } from '../../src/build.ts'
import { resolveConfig } from '../../src/config.ts'
import { openDiskCache } from '../../src/output/disk-cache.ts'
import { rendererFingerprint, summaryCacheKey, summaryCacheOn, type CachedSummaryHtml, type CachedSummaryMeta, type CachedSummaryText } from '../../src/render/summary-cache.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const work = mkdtempSync(path.join(tmpdir(), 'digest-cache-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function files(directory: string): Map<string, string> {
  return new Map(
    readdirSync(directory, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const file = path.join(entry.parentPath, entry.name)
        return [path.relative(directory, file), readFileSync(file, 'latin1')] as const
      }),
  )
}

describe('the summary render cache', () => {
  it('renders each review once across builds, with identical output', async () => {
    const content = path.join(work, 'content')
    mkdirSync(content)
    writeFileSync(path.join(content, 'daily.txt'), readFileSync(path.join(ROOT, 'test/fixtures/render-paper-math/input.txt')))
    const cacheDir = path.join(work, 'cache')
    const config = (outDir: string) => resolveConfig({ contentDir: content, outDir, cacheDir, topicsFile: path.join(ROOT, 'content/topics.yaml') }, ROOT)

    const first = await build(config(path.join(work, 'first')))
    const keys = first.papers.flatMap((paper) => paper.reviews.map((review) => summaryCacheKey(review)))
    expect(new Set(keys).size).toBe(2)
    const stored = openDiskCache(cacheDir, 'summaries')
    for (const key of keys) expect(stored.get(key)).toBeDefined()
    stored.close()

    const second = await build(config(path.join(work, 'second')))
    expect(files(path.join(work, 'second'))).toEqual(files(path.join(work, 'first')))
    // Math errors are still reported from cached renders.
    expect(second.files.flatMap((file) => file.messages).filter((message) => message.ruleId === 'invalid-math')).toHaveLength(1)

    // Editing one review renders just that one; its old render is dropped from the cache.
    writeFileSync(path.join(content, 'daily.txt'), readFileSync(path.join(content, 'daily.txt'), 'utf8').replace('stays visible.', 'stays visible, still.'))
    const third = await build(config(path.join(work, 'third')))
    const newKeys = third.papers.flatMap((paper) => paper.reviews.map((review) => summaryCacheKey(review)))
    const gone = keys.filter((key) => !newKeys.includes(key))
    expect(gone).toHaveLength(1)
    const after = openDiskCache(cacheDir, 'summaries')
    for (const key of newKeys) expect(after.get(key)).toBeDefined()
    expect(after.get(gone[0]!)).toBeUndefined()
    expect(after.stats).toEqual({ hits: 2, misses: 1 })
    after.close()
  })

  it('treats a corrupt entry as a miss', () => {
    const key = 'ab'.padEnd(64, '0')
    mkdirSync(path.join(work, 'corrupt'), { recursive: true })
    writeFileSync(path.join(work, 'corrupt/summaries.1.seg'), '{not json')
    writeFileSync(path.join(work, 'corrupt/summaries.pack'), JSON.stringify({ format: 'research-digest-cache', version: 2, segments: [['summaries.1.seg', 9]], entries: [[key, 0, 0, 9]] }))
    const cache = openDiskCache<{ html: string }>(path.join(work, 'corrupt'), 'summaries')
    expect(cache.get(key)).toBeUndefined()
    expect(cache.stats).toEqual({ hits: 0, misses: 1 })
    cache.set(key, { html: '<p>x</p>' })
    expect(cache.flush()).toBe(1)
    expect(openDiskCache<{ html: string }>(path.join(work, 'corrupt'), 'summaries').get(key)).toEqual({ html: '<p>x</p>' })
  })

  it('keys entries by the renderer as well as the Markdown', () => {
    expect(rendererFingerprint()).toMatch(/^[0-9a-f]{16}$/)
    expect(summaryCacheKey({ summary: 'same text' })).toBe(summaryCacheKey({ summary: 'same text' }))
    expect(summaryCacheKey({ summary: 'same text' })).not.toBe(summaryCacheKey({ summary: 'same text!' }))
  })
})

describe('cache entries', () => {
  const memoryStore = <T>() => {
    const entries = new Map<string, T>()
    const reads: string[] = []
    return {
      entries,
      reads,
      get: (key: string) => (reads.push(key), entries.get(key)),
      set: (key: string, value: T) => void entries.set(key, value),
      has: (key: string) => entries.has(key),
      keep: () => {},
    }
  }

  it('keep the text and HTML apart, read only when asked for, and the feed HTML only when it differs from the page HTML', () => {
    const meta = memoryStore<CachedSummaryMeta>()
    const text = memoryStore<CachedSummaryText>()
    const html = memoryStore<CachedSummaryHtml>()
    const cache = summaryCacheOn(meta, text, html)
    const plain = { html: '<p>x</p>', feedHtml: '<p>x</p>', text: 'x', excerpt: 'x', hasMath: false, problems: [] }
    const math = { html: '<p><span class="katex">…</span></p>', feedHtml: '<p><math></math></p>', text: 'x', excerpt: 'x', hasMath: true, problems: [] }
    cache.set('plain', plain)
    cache.set('math', math)
    expect(html.entries.get('plain')).toEqual({ html: '<p>x</p>' })
    expect(meta.entries.get('plain')).toEqual({ excerpt: 'x', hasMath: false, problems: [] })
    const restored = cache.get('plain')!
    expect(restored.hasMath).toBe(false)
    expect([text.reads, html.reads]).toEqual([[], []])
    expect(restored.text).toBe('x')
    expect([text.reads, html.reads]).toEqual([['plain'], []])
    expect({ ...restored }).toEqual(plain)
    expect({ ...cache.get('math')! }).toEqual(math)
    expect(html.reads).toEqual(['plain', 'math'])
    // Without its HTML or its text, an entry is a miss.
    html.entries.delete('plain')
    expect(cache.get('plain')).toBeUndefined()
    text.entries.delete('math')
    expect(cache.get('math')).toBeUndefined()
  })

  it('give the same summary for an entry read again (still counting it as used), and a new one once the entry is replaced', () => {
    const kept: string[] = []
    const meta = memoryStore<CachedSummaryMeta>()
    const text = { ...memoryStore<CachedSummaryText>(), keep: (key: string) => void kept.push(`text ${key}`) }
    const html = { ...memoryStore<CachedSummaryHtml>(), keep: (key: string) => void kept.push(`html ${key}`) }
    const cache = summaryCacheOn(meta, text, html)
    cache.set('a', { html: '<p>a</p>', feedHtml: '<p>a</p>', text: 'a', excerpt: 'a', hasMath: false, problems: [] })
    const first = cache.get('a')
    expect(cache.get('a')).toBe(first)
    expect(kept).toEqual(['html a', 'text a', 'html a', 'text a'])
    cache.set('a', { html: '<p>b</p>', feedHtml: '<p>b</p>', text: 'b', excerpt: 'b', hasMath: false, problems: [] })
    const second = cache.get('a')!
    expect(second).not.toBe(first)
    expect([second.excerpt, second.html, first!.excerpt]).toEqual(['b', '<p>b</p>', 'a'])
  })
})
