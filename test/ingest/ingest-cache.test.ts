/**
 * A content file restored from the ingest cache must be exactly the fresh parse:
 * the same records, text and messages (rule, reason, place, hint, severity).
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { VFile } from 'vfile'
import { ingestSource } from '../../src/ingest/index.ts'
import { createIngestMemory, ingestRemembering, ingestSourceCached, restoreRemembered, type CachedIngest } from '../../src/ingest/ingest-cache.ts'
import { fileState } from '../../src/file-state.ts'
import { summaryDigest } from '../../src/summary-digest.ts'

const CONTENT = path.resolve(import.meta.dirname, '../../content')

const messagesOf = (file: VFile) => file.messages.map((message) => ({ ruleId: message.ruleId, reason: message.reason, line: message.line, column: message.column, note: message.note, fatal: message.fatal, source: message.source }))

const memoryCache = () => {
  const entries = new Map<string, string>()
  return { get: (key: string) => (entries.has(key) ? (JSON.parse(entries.get(key)!) as CachedIngest) : undefined), set: (key: string, value: CachedIngest) => void entries.set(key, JSON.stringify(value)) }
}

describe('the ingest cache', () => {
  const folders: string[] = []
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
  })

  it('reads summaries again from the file when the input says where it is, and stops on a file changed since', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'digest-ingest-'))
    folders.push(folder)
    const name = readdirSync(CONTENT).find((candidate) => candidate.endsWith('.txt'))!
    const location = path.join(folder, name)
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(path.join(CONTENT, name))])
    writeFileSync(location, bytes)
    const fresh = ingestSource({ path: name, bytes })
    const cache = memoryCache()
    for (const candidate of [ingestSourceCached({ path: name, bytes, location }, cache), ingestSourceCached({ path: name, bytes, location }, cache)]) {
      expect(candidate.reviews).toEqual(fresh.reviews)
      expect(candidate.file.value).toBe(fresh.file.value)
    }
    const restored = ingestSourceCached({ path: name, bytes, location }, cache)
    // Every summary stored by place is read from the file; after an edit, reading one is an error, not another text.
    const byPlace = restored.reviews.filter((review) => Object.getOwnPropertyDescriptor(review, 'summary')?.get)
    expect(byPlace.length).toBeGreaterThan(restored.reviews.length / 2)
    writeFileSync(location, Buffer.from(bytes.toString('utf8').replace(/[a-z]/g, (letter) => letter.toUpperCase())))
    for (const review of byPlace) expect(() => review.summary).toThrow(/changed \(or went away\) while the site was being built/)
    expect(() => restored.file.value).toThrow(/changed/)
    rmSync(location)
    expect(() => byPlace[0]!.summary).toThrow(/changed/)
  })

  it('in a session, restores a file whose signature is unchanged without reading it, with the same records; a changed file is read again', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'digest-ingest-'))
    folders.push(folder)
    const name = readdirSync(CONTENT).find((candidate) => candidate.endsWith('.txt'))!
    const location = path.join(folder, name)
    const bytes = readFileSync(path.join(CONTENT, name))
    writeFileSync(location, bytes)
    const cache = memoryCache()
    const memory = createIngestMemory()
    const signature = await fileState(location)
    expect(signature).not.toBeNull()
    expect(restoreRemembered(name, location, signature, cache, memory)).toBeNull()
    const first = ingestRemembering({ path: name, bytes, location }, signature, cache, memory)
    expect(first.reviews).toEqual(ingestSource({ path: name, bytes }).reviews)

    const again = restoreRemembered(name, location, await fileState(location), cache, memory)
    expect(again).not.toBeNull()
    // The very records (what later stages remember by record stays valid), in a new file with the same messages.
    expect(again!.reviews).toBe(first.reviews)
    expect(again!.file).not.toBe(first.file)
    expect(messagesOf(again!.file)).toEqual(messagesOf(first.file))

    // A write changes the signature: the file must be read again.
    writeFileSync(location, Buffer.concat([bytes, Buffer.from('\n')]))
    const changed = await fileState(location)
    expect(changed).not.toBe(signature)
    expect(restoreRemembered(name, location, changed, cache, memory)).toBeNull()
    expect(await fileState(path.join(folder, 'missing.txt'))).toBeNull()
    expect(restoreRemembered(name, location, null, cache, memory)).toBeNull()

    // One review edited (its summary made longer, so every later summary moves in the file): the others keep their records, read from their new places.
    const text = bytes.toString('utf8')
    const edited = first.reviews.find((review, index) => index > 0 && index < first.reviews.length - 1 && review.summary.length > 100 && text.split(review.summary).length === 2)!
    const editedText = text.replace(edited.summary, `${edited.summary} One more sentence, with ünïcödé.`)
    writeFileSync(location, editedText)
    const editedBytes = Buffer.from(editedText, 'utf8')
    const next = ingestRemembering({ path: name, bytes: editedBytes, location }, await fileState(location), cache, memory)
    const fresh = ingestSource({ path: name, bytes: editedBytes })
    expect(next.reviews).toEqual(fresh.reviews)
    expect(messagesOf(next.file)).toEqual(messagesOf(fresh.file))
    expect(next.reviews.length).toBe(first.reviews.length)
    for (const [index, review] of next.reviews.entries()) {
      if (first.reviews[index] === edited) expect(review).not.toBe(edited)
      else expect(review).toBe(first.reviews[index])
      expect(review.summary).toBe(fresh.reviews[index]!.summary)
    }
  })

  it('restores every seed file exactly as a fresh parse gives it, without parsing again', () => {
    const entries = new Map<string, CachedIngest>()
    let sets = 0
    const cache = { get: (key: string) => (entries.has(key) ? JSON.parse(JSON.stringify(entries.get(key))) as CachedIngest : undefined), set: (key: string, value: CachedIngest) => void (sets++, entries.set(key, value)) }
    const seeds = readdirSync(CONTENT).filter((name) => !name.endsWith('.yaml')).map((name) => ({ path: name, bytes: readFileSync(path.join(CONTENT, name)) }))
    // Summaries are stored by their place in the bytes: also with a byte order mark before them (and non-ASCII text, which the seeds have).
    const withBom = seeds.map((input) => ({ path: `bom-${input.path}`, bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), input.bytes]) }))
    expect(seeds.some((input) => input.bytes.some((byte) => byte >= 0x80))).toBe(true)
    const inputs = [...seeds, ...withBom]
    let messages = 0
    for (const input of inputs) {
      const fresh = ingestSource(input)
      const first = ingestSourceCached(input, cache)
      const restored = ingestSourceCached(input, cache)
      for (const candidate of [first, restored]) {
        expect(candidate.settings).toEqual(fresh.settings)
        expect(candidate.format).toBe(fresh.format)
        expect(candidate.reviews).toEqual(fresh.reviews)
        // Same keys in the same order (keys of pages and caches are made from JSON of these records).
        expect(candidate.reviews.map((review) => JSON.stringify(review))).toEqual(fresh.reviews.map((review) => JSON.stringify(review)))
        expect(candidate.file.value).toBe(fresh.file.value)
        // The digest restored with each review is its summary's.
        for (const review of candidate.reviews) expect(summaryDigest(review)).toBe(createHash('sha256').update(review.summary).digest('hex'))
        expect(messagesOf(candidate.file)).toEqual(messagesOf(fresh.file))
      }
      messages += fresh.file.messages.length
    }
    expect(messages).toBeGreaterThan(5)
    // Most summaries are stored as their place in the text, not again.
    const stored = [...entries.values()].flatMap((entry) => entry.reviews)
    expect(stored.filter((review) => review.summaryBytes).length).toBeGreaterThan(stored.length / 2)
    expect(sets).toBe(inputs.length)

    // Other bytes under the same name are parsed again.
    const changed = { path: inputs[0]!.path, bytes: Buffer.concat([inputs[0]!.bytes, Buffer.from('\n')]) }
    ingestSourceCached(changed, cache)
    expect(sets).toBe(inputs.length + 1)
  })
})
