/**
 * Property tests: ingest never throws, whatever the bytes, and every review it
 * returns points at a real line of its file.
 */
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ingestSource } from '../../src/ingest/index.ts'
import { FORMATS } from '../../src/ingest/formats/registry.ts'

const CONTENT = path.resolve(import.meta.dirname, '../../content')
const seeds = readdirSync(CONTENT)
  .filter((name) => !name.endsWith('.yaml'))
  .map((name) => readFileSync(path.join(CONTENT, name), 'utf8'))

/** Fragments that trip parsers: headers, links, front matter, HTML. */
const tricky = fc.constantFrom(
  "Mike's Daily Paper - 28.11.24:", '**Mike\'s Daily Paper - 03.01.25:', "Yaniv's and Mike's Daily Paper: 31.02.25",
  '<https://arxiv.org/abs/2405.05417>', '[Paper link](#)', '# Title', '## [T](https://arxiv.org/abs/2212.05153)',
  '<section><h4>x</h4>', '</section>', '---', 'format: daily-reviews', '- ', '$$x', '<!-- tags: +diffusion -->',
  'Here is the English translation:', 'https://arxiv.org/pdf/2412.0498', '\u0000', '\r', '\t', 'ðŸ”—',
)
const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), tricky, fc.constant('\n')), { maxLength: 60 }).map((parts) => parts.join(''))

function assertWellFormed(bytes: Uint8Array): void {
  const result = ingestSource({ path: 'fuzz.txt', bytes })
  const lineCount = Buffer.from(bytes).toString('utf8').split('\n').length
  for (const review of result.reviews) {
    expect(review.line).toBeGreaterThanOrEqual(1)
    expect(review.line).toBeLessThanOrEqual(lineCount)
    expect(review.date === null || /^\d{4}-\d{2}-\d{2}$/.test(review.date)).toBe(true)
  }
  for (const message of result.file.messages) expect(message.ruleId).toBeTruthy()
}

describe('ingest robustness', () => {
  it('never throws on arbitrary text built from tricky fragments', () => {
    fc.assert(fc.property(text, (value) => assertWellFormed(new TextEncoder().encode(value))), { numRuns: 400 })
  })

  it('never throws on binary junk', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => assertWellFormed(bytes)), { numRuns: 300 })
  })

  it('never throws on truncated seeds, cut at any point', () => {
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (index, fraction) => {
        const seed = seeds[index]!
        assertWellFormed(new TextEncoder().encode(seed.slice(0, Math.floor(seed.length * fraction))))
      }),
      { numRuns: 60 },
    )
  })

  it('never throws when any format is forced on any seed', () => {
    for (const format of FORMATS) {
      for (const seed of seeds) {
        const body = seed.replace(/^---[\s\S]*?\n---\n/, '')
        expect(() => format.parse(body, { report: () => {} })).not.toThrow()
      }
    }
  })
})
