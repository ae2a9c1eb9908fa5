/**
 * The build cache's pack files: entries survive a reopen, a build that adds
 * nothing writes nothing, entries not used by the build that adds something are
 * dropped, and a damaged pack is only a set of misses.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDiskCache } from '../../src/output/disk-cache.ts'

const work = mkdtempSync(path.join(tmpdir(), 'digest-packs-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('the disk cache', () => {
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
    expect(readdirSync(directory)).toEqual(['things.pack'])
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
    expect(readdirSync(directory)).toEqual(['summaries.pack'])
  })
})
