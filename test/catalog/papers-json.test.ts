/** `papers.json` is made in pieces (remembered between builds of a session); joined, they are exactly the pretty-printed document. */
import { describe, expect, it } from 'vitest'
import { paperRecord, papersJsonPieces, papersJsonPiecesFrom } from '../../src/catalog/papers-json.ts'
import { PAPERS_JSON_VERSION, type Paper } from '../../src/model.ts'
import { createHash } from 'node:crypto'
import path from 'node:path'
import { analyzeContent } from '../../src/build.ts'
import { resolveConfig } from '../../src/config.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const { papers } = await analyzeContent(resolveConfig({ cacheDir: false }, ROOT))

describe('papersJsonPieces', () => {
  const whole = (papers: readonly Paper[]) => `${JSON.stringify({ version: PAPERS_JSON_VERSION, papers: papers.map(paperRecord) }, null, 2)}\n`

  it('joins to JSON.stringify of the whole document, for the seed papers', () => {
    expect(papers.length).toBeGreaterThan(10)
    const pieces = [...papersJsonPieces(papers)]
    // Opening, each paper and the separator after it, closing.
    expect(pieces).toHaveLength(2 * papers.length + 2)
    expect(pieces.join('')).toBe(whole(papers))
  })

  it('gives the same document from stored pieces, as papers come, change and go, making only new ones', () => {
    const store = new Map<string, Uint8Array>()
    const made: string[] = []
    const counting = { get: (digest: string) => store.get(digest), set: (digest: string, piece: Uint8Array) => void (made.push(digest), store.set(digest, piece)) }
    const digestOf = (paper: Paper) => createHash('sha1').update(JSON.stringify(paperRecord(paper))).digest('hex')
    const text = (pieces: Iterable<string | Uint8Array>) => [...pieces].map((piece) => (typeof piece === 'string' ? piece : Buffer.from(piece).toString('utf8'))).join('')
    expect(text(papersJsonPiecesFrom(papers, counting, digestOf))).toBe(whole(papers))
    expect(made).toHaveLength(new Set(papers.map(digestOf)).size)
    made.length = 0
    const edited = papers.map((paper, index) => (index === 3 ? { ...paper, title: `${paper.title}, edited` } : paper))
    expect(text(papersJsonPiecesFrom(edited, counting, digestOf))).toBe(whole(edited))
    expect(made).toEqual([digestOf(edited[3]!)])
    const fewer = edited.slice(5)
    expect(text(papersJsonPiecesFrom(fewer, counting, digestOf))).toBe(whole(fewer))
    expect(text(papersJsonPiecesFrom(papers, counting, digestOf))).toBe(whole(papers))
  })

  it('joins to the same document for one paper and for none', () => {
    for (const some of [papers.slice(0, 1), []]) expect([...papersJsonPieces(some)].join('')).toBe(whole(some))
  })
})
