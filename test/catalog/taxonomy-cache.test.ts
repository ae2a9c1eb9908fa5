/**
 * A taxonomy restored from the cache must be exactly a fresh parse: the same
 * topics and phrases, the same tags for every seed review, and the same messages
 * (with their places) for a taxonomy with problems.
 */
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { VFile } from 'vfile'
import { parseTaxonomyCached, type CachedTaxonomy } from '../../src/catalog/taxonomy-cache.ts'
import { parseTaxonomy, phrasesOf, tagPaper, type Taxonomy } from '../../src/catalog/topics.ts'
import { ingestSource } from '../../src/ingest/index.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')

function memoryCache() {
  const entries = new Map<string, string>()
  let sets = 0
  return {
    get sets() {
      return sets
    },
    get: (key: string) => (entries.has(key) ? (JSON.parse(entries.get(key)!) as CachedTaxonomy) : undefined),
    set: (key: string, value: CachedTaxonomy) => void (sets++, entries.set(key, JSON.stringify(value))),
  }
}

const shape = (taxonomy: Taxonomy) => taxonomy.topics.map((topic) => ({ slug: topic.slug, name: topic.name, description: topic.description, weight: topic.weight, phrases: phrasesOf(topic.rules) }))
const messagesOf = (file: VFile) => file.messages.map((message) => ({ reason: message.reason, line: message.line, column: message.column, ruleId: message.ruleId, source: message.source, fatal: message.fatal, place: message.place }))

describe('the taxonomy cache', () => {
  it('restores the real taxonomy, which then tags every seed review exactly as a fresh parse does', () => {
    const text = readFileSync(path.join(ROOT, 'content/topics.yaml'), 'utf8')
    const cache = memoryCache()
    const fresh = parseTaxonomy(text, new VFile())
    parseTaxonomyCached(text, new VFile(), 'code', cache)
    const restored = parseTaxonomyCached(text, new VFile(), 'code', cache)
    expect(cache.sets).toBe(1)
    expect(restored.topics.length).toBeGreaterThan(20)
    const reviews = readdirSync(path.join(ROOT, 'content'))
      .filter((name) => !name.endsWith('.yaml'))
      .flatMap((name) => ingestSource({ path: name, bytes: readFileSync(path.join(ROOT, 'content', name)) }).reviews)
    expect(reviews.length).toBeGreaterThan(200)
    for (const review of reviews) {
      const text = { title: review.title ?? '', summaries: [review.summary] }
      expect(tagPaper(restored, text)).toEqual(tagPaper(fresh, text))
    }
    expect(shape(restored)).toEqual(shape(fresh))
    // Pages are keyed by the topics' JSON: it must not change when the taxonomy comes from the cache.
    expect(JSON.stringify(restored.topics)).toBe(JSON.stringify(fresh.topics))
    // Another code version is another key.
    parseTaxonomyCached(text, new VFile(), 'other code', cache)
    expect(cache.sets).toBe(2)
  })

  it('tags exactly as a fresh parse in a process that never compiled the phrases (they compile topic by topic)', async () => {
    const text = readFileSync(path.join(ROOT, 'content/topics.yaml'), 'utf8')
    const cache = memoryCache()
    const fresh = parseTaxonomy(text, new VFile())
    parseTaxonomyCached(text, new VFile(), 'code', cache)
    // A fresh copy of the tagger's module state, as in a new build process.
    vi.resetModules()
    const topics = await import('../../src/catalog/topics.ts')
    const { parseTaxonomyCached: restore } = await import('../../src/catalog/taxonomy-cache.ts')
    const restored = restore(text, new VFile(), 'code', cache)
    const reviews = readdirSync(path.join(ROOT, 'content'))
      .filter((name) => !name.endsWith('.yaml'))
      .flatMap((name) => ingestSource({ path: name, bytes: readFileSync(path.join(ROOT, 'content', name)) }).reviews)
    let tagged = 0
    for (const review of reviews) {
      const paper = { title: review.title ?? '', summaries: [review.summary] }
      const tags = topics.tagPaper(restored, paper)
      expect(tags).toEqual(tagPaper(fresh, paper))
      if (tags.length > 0) tagged++
    }
    expect(tagged).toBeGreaterThan(100)
  })

  it('reports the messages of a taxonomy with problems again, with their places', () => {
    const text = ['topics:', '  - slug: good', '    name: Good', '    title: [good]', '  - slug: Bad Slug', '    name: Bad', '  - slug: broken', '    name: Broken', '    description: x', '    title: ["(unclosed"]', '  - slug: good', '    name: Again', ''].join('\n')
    const cache = memoryCache()
    const freshFile = new VFile()
    const fresh = parseTaxonomy(text, freshFile)
    expect(freshFile.messages.length).toBeGreaterThanOrEqual(3)
    parseTaxonomyCached(text, new VFile(), 'code', cache)
    const restoredFile = new VFile()
    const restored = parseTaxonomyCached(text, restoredFile, 'code', cache)
    expect(messagesOf(restoredFile)).toEqual(messagesOf(freshFile))
    expect(shape(restored)).toEqual(shape(fresh))
  })
})
