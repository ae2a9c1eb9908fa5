/**
 * Summaries GFM cannot change are parsed without it (twice as fast): for every
 * such text, the tree must be exactly the one the GFM parser gives.
 */
import path from 'node:path'
import fc from 'fast-check'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import { describe, expect, it } from 'vitest'
import { analyzeContent } from '../../src/build.ts'
import { resolveConfig } from '../../src/config.ts'
import { needsGfm } from '../../src/render/markdown.ts'

const withGfm = unified().use(remarkParse).use(remarkGfm).use(remarkMath).freeze()
const withoutGfm = unified().use(remarkParse).use(remarkMath).freeze()
const ROOT = path.resolve(import.meta.dirname, '../..')

describe('needsGfm', () => {
  it('is true for every GFM construct', () => {
    for (const text of ['| a | b |\n| - | - |\n| 1 | 2 |', '~~gone~~', 'see www.example.com', 'see https://example.com', 'mail ada@example.com', '- [ ] todo', '- [x] done', 'note[^1]\n\n[^1]: x', 'mailto:ada@x.org', 'xmpp:ada@x.org', 'www\\.example.com', 'a&#64;a.org', 'a&commat;a.org', 'a\n:-', 'one\n-:', 'a\n  :-:']) {
      expect(needsGfm(text), text).toBe(true)
      expect(withGfm.parse(text), text).not.toEqual(withoutGfm.parse(text))
    }
  })

  it('leaves the tree unchanged for every seed summary it says needs no GFM', async () => {
    const { papers } = await analyzeContent(resolveConfig({}, ROOT))
    const summaries = papers.flatMap((paper) => paper.reviews.map((review) => review.summary)).filter((summary) => !needsGfm(summary))
    expect(summaries.length).toBeGreaterThan(150)
    for (const summary of summaries) expect(withoutGfm.parse(summary)).toEqual(withGfm.parse(summary))
  })

  it('leaves the tree unchanged for any text it says needs no GFM', () => {
    const piece = fc.constantFrom('a', 'word ', '*', '_', '[', ']', '(', ')', '<', '>', '\n', '\n\n', '- ', '1. ', '`', '$', '$$', '#', '\\', ':', '.', '/', 'w', 'x', ' ', '!', '^', '&amp;', 'http', 'www', '>', '    ', '<b>', '|', '~', '@', 'www\\.', 'http\\:', '\\/', '&#64;', '&#124;', '&#126;', '&#x40;', '&commat;', '&verbar;', '&#x7c;', 'ww', '.org', 'x@', 'mailto', ':', '-', '[^', '[ ]', '[x]', 'W')
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }).map((pieces) => pieces.join('')), (text) => {
        if (needsGfm(text)) return
        expect(withoutGfm.parse(text)).toEqual(withGfm.parse(text))
      }),
      { numRuns: 20000 },
    )
  })
})
