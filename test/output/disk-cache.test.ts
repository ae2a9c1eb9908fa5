/**
 * The build cache's pack files: entries survive a reopen, a build that adds
 * nothing writes nothing, entries not used by the build that adds something are
 * dropped, and a damaged pack is only a set of misses.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDiskCache } from '../../src/output/disk-cache.ts'

const work = mkdtempSync(path.join(tmpdir(), 'digest-packs-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** The segment files the index of namespace `name` names, in its order. */
const segmentsNaming = (directory: string, name: string): string[] =>
  (JSON.parse(readFileSync(path.join(directory, `${name}.pack`), 'utf8')) as { segments: Array<[string, number]> }).segments.map(([file]) => file)

describe('the disk cache', () => {
  it('reads every entry right in any order: forwards (through read-ahead windows, across their ends), backwards, and entries larger than a window', () => {
    const directory = path.join(work, 'read-ahead')
    // Entries of varied sizes, about 3 MB in all, so reads in order cross several 1 MB windows; one entry is 1.5 MB.
    const value = (index: number) => `${index}:`.padEnd(index === 7 ? 1_500_000 : 1_000 + ((index * 7919) % 60_000), String.fromCharCode(97 + (index % 26)))
    const keys = Array.from({ length: 120 }, (_, index) => `k${index}`)
    const writer = openDiskCache<string>(directory, 'texts')
    keys.forEach((key, index) => writer.set(key, value(index)))
    writer.flush()
    const forwards = openDiskCache<string>(directory, 'texts')
    expect(keys.map((key) => forwards.get(key))).toEqual(keys.map((_, index) => value(index)))
    const backwards = openDiskCache<string>(directory, 'texts')
    expect([...keys].reverse().map((key) => backwards.get(key))).toEqual(keys.map((_, index) => value(index)).reverse())
    const skipping = openDiskCache<string>(directory, 'texts')
    const every = keys.filter((_, index) => index % 3 === 0)
    expect(every.map((key) => skipping.get(key))).toEqual(every.map((key) => value(Number(key.slice(1)))))

    // Raw values are copies: changing one changes no later read.
    const raw = openDiskCache<Uint8Array>(directory, 'bytes', { raw: true })
    raw.set('a', new Uint8Array([1, 2, 3]))
    raw.set('b', new Uint8Array([4, 5, 6]))
    raw.flush()
    const reader = openDiskCache<Uint8Array>(directory, 'bytes', { raw: true })
    const a = reader.get('a')!
    a[0] = 99
    expect([...reader.get('a')!]).toEqual([1, 2, 3])
    expect([...reader.get('b')!]).toEqual([4, 5, 6])
  })

  it('with spill, writes values to disk as they are set, reads them back before the flush, and drops them when closed without one', () => {
    const directory = path.join(work, 'spilled')
    const segments = () => readdirSync(directory).filter((file) => file.endsWith('.seg'))
    const seed = openDiskCache<{ n: number }>(directory, 'things')
    seed.set('old', { n: 0 })
    seed.set('gone', { n: -1 })
    seed.flush()
    expect(segments()).toHaveLength(1)

    const failed = openDiskCache<{ n: number }>(directory, 'things', { spill: true })
    failed.set('a', { n: 1 })
    expect(segments()).toHaveLength(2)
    expect(failed.get('a')).toEqual({ n: 1 })
    failed.close()
    expect(segments()).toHaveLength(1)
    expect(openDiskCache<{ n: number }>(directory, 'things').get('a')).toBeUndefined()

    const cache = openDiskCache<{ n: number }>(directory, 'things', { spill: true })
    cache.set('a', { n: 1 })
    cache.set('b', { n: 2 })
    cache.set('a', { n: 3 })
    expect([cache.get('a'), cache.get('b'), cache.has('b')]).toEqual([{ n: 3 }, { n: 2 }, true])
    expect(cache.get('old')).toEqual({ n: 0 })
    expect(cache.flush()).toBe(2)
    const reopened = openDiskCache<{ n: number }>(directory, 'things')
    expect([reopened.get('a'), reopened.get('b'), reopened.get('old'), reopened.get('gone')]).toEqual([{ n: 3 }, { n: 2 }, { n: 0 }, undefined])
  })

  it('stores raw values as their bytes, byte for byte', () => {
    const directory = path.join(work, 'raw')
    const bytes = Buffer.from('{"ünïcödé": "∑"}\u0000 and not JSON at all', 'utf8')
    const writer = openDiskCache<Uint8Array>(directory, 'pieces', { raw: true })
    writer.set('k', bytes)
    writer.flush()
    const segment = readdirSync(directory).find((file) => file.endsWith('.seg'))!
    expect(statSync(path.join(directory, segment)).size).toBe(bytes.length)
    expect(Buffer.from(openDiskCache<Uint8Array>(directory, 'pieces', { raw: true }).get('k')!).equals(bytes)).toBe(true)
  })

  it('with retain, keeps values in memory across flushes, and forgets those a flush drops', () => {
    const directory = path.join(work, 'retained')
    const seed = openDiskCache<{ n: number }>(directory, 'things')
    seed.set('a', { n: 1 })
    seed.set('b', { n: 2 })
    seed.flush()
    const cache = openDiskCache<{ n: number }>(directory, 'things', { retain: true })
    const a = cache.get('a')
    expect(a).toEqual({ n: 1 })
    cache.keep('b')
    cache.set('c', { n: 3 })
    expect(cache.flush()).toBe(1)
    // Another build deletes the segments: what was read or set is still there, the same value; what was only kept
    // is read from the segment the cache holds open.
    for (const file of readdirSync(directory)) if (file.endsWith('.seg')) rmSync(path.join(directory, file))
    expect(cache.get('a')).toBe(a)
    expect(cache.get('c')).toEqual({ n: 3 })
    expect(cache.has('b')).toBe(true)
    expect(cache.get('b')).toEqual({ n: 2 })
    expect(cache.flush()).toBe(0)
    // A build that uses only `c` lets `a` go, from memory as from the index.
    expect(cache.get('c')).toEqual({ n: 3 })
    cache.set('d', { n: 4 })
    cache.flush()
    expect(cache.get('a')).toBeUndefined()
    expect(cache.get('c')).toEqual({ n: 3 })
    expect(cache.get('d')).toEqual({ n: 4 })
  })

  it('with retain, keeps the index it wrote and its segments open until release(): entries another build adds are misses, entries it deletes stay readable', () => {
    const directory = path.join(work, 'retained-index')
    const first = openDiskCache<{ n: number }>(directory, 'things')
    first.set('a', { n: 1 })
    first.flush()
    const session = openDiskCache<{ n: number }>(directory, 'things', { retain: true })
    session.keep('a')
    session.set('b', { n: 2 })
    session.flush()
    session.close()
    // Another build adds `c` after the session wrote its index, drops `a` (it did not use it) and deletes its segment.
    const other = openDiskCache<{ n: number }>(directory, 'things')
    expect(other.get('b')).toEqual({ n: 2 })
    other.set('c', { n: 3 })
    other.flush()
    expect(segmentsNaming(directory, 'things')).toHaveLength(2)
    expect(session.has('c')).toBe(false)
    expect(session.get('c')).toBeUndefined()
    // The session still holds the segment of `a` open.
    expect(session.has('a')).toBe(true)
    expect(session.get('a')).toEqual({ n: 1 })
    // Released, it reads the index on disk again, which has `c`.
    session.release()
    expect([session.get('b'), session.get('c')]).toEqual([{ n: 2 }, { n: 3 }])
    session.release()
  })

  it('reads every entry has() names while another build compacts the cache and deletes its segments', () => {
    const directory = path.join(work, 'compacted-meanwhile')
    const seed = openDiskCache<string>(directory, 'html')
    for (let i = 0; i < 10; i++) seed.set(`k${i}`, `value ${i}`.repeat(50))
    seed.flush()
    const reading = openDiskCache<string>(directory, 'html')
    expect(reading.has('k3')).toBe(true)
    // Another build uses one entry of ten: it copies it into a new segment and deletes the old one.
    const other = openDiskCache<string>(directory, 'html')
    other.keep('k0')
    other.set('new', 'n')
    other.flush()
    const [segment] = segmentsNaming(directory, 'html')
    expect(segmentsNaming(directory, 'html')).toHaveLength(1)
    expect(readdirSync(directory).filter((file) => file.endsWith('.seg'))).toEqual([segment])
    // The first build reads what its index named, from the segment it opened with the index.
    expect(Array.from({ length: 10 }, (_, i) => reading.get(`k${i}`))).toEqual(Array.from({ length: 10 }, (_, i) => `value ${i}`.repeat(50)))
    expect(reading.get('new')).toBeUndefined()
    reading.close()
    const after = openDiskCache<string>(directory, 'html')
    expect([after.get('k0'), after.get('k3'), after.get('new')]).toEqual(['value 0'.repeat(50), undefined, 'n'])
    after.close()
  })

  it('leaves out the entries of a segment that is gone when the index is read: has() is false and get() a miss', () => {
    const directory = path.join(work, 'segment-gone')
    const one = openDiskCache<string>(directory, 'c')
    one.set('a', 'A')
    one.flush()
    const two = openDiskCache<string>(directory, 'c')
    two.keep('a')
    two.set('b', 'B')
    two.flush()
    const [first] = segmentsNaming(directory, 'c')
    rmSync(path.join(directory, first!))
    const three = openDiskCache<string>(directory, 'c')
    expect([three.has('a'), three.has('b')]).toEqual([false, true])
    expect([three.get('a'), three.get('b')]).toEqual([undefined, 'B'])
    expect(three.stats).toEqual({ hits: 1, misses: 1 })
    // Its next index names only what it can read.
    three.set('c', 'C')
    three.flush()
    expect(segmentsNaming(directory, 'c')).not.toContain(first)
    three.close()
  })

  it('writes nothing when nothing was added, keeps entries that were read, and survives a garbage pack', () => {
    const directory = path.join(work, 'packs')
    const first = openDiskCache<{ n: number }>(directory, 'things')
    first.set('a', { n: 1 })
    first.set('b', { n: 2 })
    expect(first.flush()).toBe(2)
    const pack = path.join(directory, 'things.pack')
    const mtime = statSync(pack).mtimeMs
    const second = openDiskCache<{ n: number }>(directory, 'things')
    expect(second.get('a')).toEqual({ n: 1 })
    expect(second.flush()).toBe(0)
    expect(statSync(pack).mtimeMs).toBe(mtime)
    // Adding `c` after reading only `a`: `b` was not used by this build, so it is dropped.
    const third = openDiskCache<{ n: number }>(directory, 'things')
    expect(third.get('a')).toEqual({ n: 1 })
    third.set('c', { n: 3 })
    expect(third.flush()).toBe(1)
    const fourth = openDiskCache<{ n: number }>(directory, 'things')
    expect([fourth.get('a'), fourth.get('b'), fourth.get('c')]).toEqual([{ n: 1 }, undefined, { n: 3 }])
    fourth.close()
    writeFileSync(pack, 'research-digest-cache 1 99999\n[[')
    const garbage = openDiskCache<{ n: number }>(directory, 'things')
    expect(garbage.get('a')).toBeUndefined()
    garbage.set('a', { n: 4 })
    expect(garbage.flush()).toBe(1)
    expect(openDiskCache<{ n: number }>(directory, 'things').get('a')).toEqual({ n: 4 })
  })

  it('writes only the new entries on a small change, and copies the live ones into one segment once most bytes are dropped ones', () => {
    const directory = path.join(work, 'segments')
    const segments = () => readdirSync(directory).filter((file) => file.endsWith('.seg')).sort()
    const bytesOf = (files: string[]) => files.reduce((sum, file) => sum + statSync(path.join(directory, file)).size, 0)
    const first = openDiskCache<string>(directory, 'html')
    for (let index = 0; index < 10; index++) first.set(`k${index}`, 'x'.repeat(100))
    first.flush()
    const [initial] = segments()
    // One entry edited: a new segment holds just it; the first segment stays as written.
    const second = openDiskCache<string>(directory, 'html')
    for (let index = 1; index < 10; index++) second.keep(`k${index}`)
    second.set('k0', 'y'.repeat(100))
    second.flush()
    expect(segments()).toHaveLength(2)
    expect(segments()).toContain(initial)
    expect(bytesOf(segments().filter((file) => file !== initial))).toBe(102)
    // Six of the ten first entries dropped: more than half of the bytes are dead, so the live ones are copied together.
    const third = openDiskCache<string>(directory, 'html')
    for (const key of ['k0', 'k7', 'k8', 'k9']) third.keep(key)
    third.set('k10', 'z')
    third.flush()
    expect(segments()).toHaveLength(1)
    expect(segments()).not.toContain(initial)
    const fourth = openDiskCache<string>(directory, 'html')
    expect(['k0', 'k1', 'k7', 'k10'].map((key) => fourth.get(key))).toEqual(['y'.repeat(100), undefined, 'x'.repeat(100), 'z'])
    fourth.close()
  })

  it('keeps the entries of two caches that flush one after the other from the same index', () => {
    const directory = path.join(work, 'concurrent')
    const seed = openDiskCache<string>(directory, 'c')
    seed.set('old', 'o')
    seed.flush()
    const one = openDiskCache<string>(directory, 'c')
    const two = openDiskCache<string>(directory, 'c')
    one.keep('old')
    two.keep('old')
    one.set('a', 'A')
    two.set('b', 'B')
    one.flush()
    two.flush()
    // The last index wins: it has its own entries and the ones it kept, all readable.
    const after = openDiskCache<string>(directory, 'c')
    expect([after.get('old'), after.get('b')]).toEqual(['o', 'B'])
    after.close()
  })


  it('keeps entries marked with keep() without reading them, and answers has() from the index', () => {
    const directory = path.join(work, 'keep')
    const first = openDiskCache<string>(directory, 'html')
    first.set('kept', 'k')
    first.set('dropped', 'd')
    first.flush()
    const second = openDiskCache<string>(directory, 'html')
    expect([second.has('kept'), second.has('dropped'), second.has('never')]).toEqual([true, true, false])
    second.keep('kept')
    second.set('new', 'n')
    second.flush()
    expect(second.stats).toEqual({ hits: 0, misses: 0 })
    const third = openDiskCache<string>(directory, 'html')
    expect([third.get('kept'), third.get('dropped'), third.get('new')]).toEqual(['k', undefined, 'n'])
    third.close()
  })

  it('removes the folder of the layout before packs when it writes a pack', () => {
    const directory = path.join(work, 'legacy')
    const legacy = path.join(directory, 'summaries', 'ab')
    mkdirSync(legacy, { recursive: true })
    writeFileSync(path.join(legacy, 'ab00.json'), '{}')
    const cache = openDiskCache<number>(directory, 'summaries')
    cache.set('k', 1)
    cache.flush()
    expect(readdirSync(directory).filter((file) => !file.endsWith('.seg'))).toEqual(['summaries.pack'])
  })
})
