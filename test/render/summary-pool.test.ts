/**
 * The worker pool renders exactly what the main thread renders, and asks for a
 * summary's Markdown only when its batch is about to be sent: a cold build at
 * 100k reviews must not hold every summary while they are rendered.
 */
import path from 'node:path'
import { availableParallelism } from 'node:os'
import { describe, expect, it } from 'vitest'
import { analyzeContent } from '../../src/build.ts'
import { resolveConfig } from '../../src/config.ts'
import { createSummaryRenderer, type RenderedSummary } from '../../src/render/markdown.ts'
import { PARALLEL_FROM, renderEach } from '../../src/render/summary-pool.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')

describe('renderEach', () => {
  it('renders many summaries on the workers exactly as the main thread does, reading each one only when it is sent', async () => {
    const { papers } = await analyzeContent(resolveConfig({ cacheDir: false }, ROOT))
    const seeds = papers.flatMap((paper) => paper.reviews.map((review) => review.summary))
    // Enough for the pool: the seed summaries, each made unique.
    const count = Math.max(PARALLEL_FROM + 100, seeds.length)
    const markdownAt = (index: number) => `${seeds[index % seeds.length]!}\n\nCopy ${index}, with $x_${index}$.`

    let asked = 0
    let askedAtFirstResult = -1
    const results = new Map<number, RenderedSummary>()
    const progress: number[] = []
    await renderEach(
      count,
      (index) => {
        asked++
        return markdownAt(index)
      },
      (index, rendered) => {
        if (askedAtFirstResult < 0) askedAtFirstResult = asked
        expect(results.has(index)).toBe(false)
        results.set(index, rendered)
      },
      (done) => progress.push(done),
    )

    expect(asked).toBe(count)
    expect(results.size).toBe(count)
    expect(progress.at(-1)).toBe(count)
    // Only a few batches ahead of the workers (40 summaries a batch, two batches a thread), never all of them.
    if (availableParallelism() >= 2) expect(askedAtFirstResult).toBeLessThanOrEqual(availableParallelism() * 2 * 40)
    expect(askedAtFirstResult).toBeLessThan(count)

    const render = createSummaryRenderer()
    for (let index = 0; index < count; index += 7) expect(results.get(index), `summary ${index}`).toEqual(render(markdownAt(index)))
  }, 120_000)
})
