/** `papers.json` is made in pieces; joined, they are exactly the pretty-printed document. */
import { describe, expect, it } from 'vitest'
import { paperRecord, papersJsonPieces } from '../../src/catalog/papers-json.ts'
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
    expect(pieces).toHaveLength(papers.length + 2)
    expect(pieces.join('')).toBe(whole(papers))
  })

  it('joins to the same document for one paper and for none', () => {
    for (const some of [papers.slice(0, 1), []]) expect([...papersJsonPieces(some)].join('')).toBe(whole(some))
  })
})
