/** `papers.json` is made in pieces (remembered between builds of a session); joined, they are exactly the pretty-printed document. */
import { describe, expect, it } from 'vitest'
import { paperRecord, papersJsonPieces, PapersJsonMemo } from '../../src/catalog/papers-json.ts'
import { PAPERS_JSON_VERSION, type Paper } from '../../src/model.ts'
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

  it('gives the same document from remembered pieces, as papers come, change and go', () => {
    const memo = new PapersJsonMemo()
    const digests = new Map<Paper, string>()
    const digestOf = (paper: Paper) => digests.get(paper) ?? String(digests.set(paper, `${paper.id}:${JSON.stringify(paper).length}`).get(paper))
    const text = (pieces: Iterable<string | Uint8Array>) => [...pieces].map((piece) => (typeof piece === 'string' ? piece : Buffer.from(piece).toString('utf8'))).join('')
    expect(text(memo.pieces(papers, digestOf))).toBe(whole(papers))
    const edited = papers.map((paper, index) => (index === 3 ? { ...paper, title: `${paper.title}, edited` } : paper))
    expect(text(memo.pieces(edited, digestOf))).toBe(whole(edited))
    const fewer = edited.slice(5)
    expect(text(memo.pieces(fewer, digestOf))).toBe(whole(fewer))
    expect(text(memo.pieces(papers, digestOf))).toBe(whole(papers))
  })

  it('joins to the same document for one paper and for none', () => {
    for (const some of [papers.slice(0, 1), []]) expect([...papersJsonPieces(some)].join('')).toBe(whole(some))
  })
})
