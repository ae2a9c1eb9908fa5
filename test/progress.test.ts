/**
 * Progress: the build reports each stage in order with counts that reach their
 * totals; the terminal reporter redraws one line on a TTY and prints sparse
 * plain lines elsewhere.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { build, type BuildProgress } from '../src/build.ts'
import { resolveConfig } from '../src/config.ts'
import { createProgressReporter, describeProgress, LOG_INTERVAL_MS, progressMode, QUIET_FOR_MS } from '../src/progress.ts'

const ROOT = path.resolve(import.meta.dirname, '..')
const step = (stage: BuildProgress['stage'], done = 0, total = 0, unit = 'files'): BuildProgress => ({ stage, done, total, unit })

describe('build progress', () => {
  it('reports every stage in pipeline order, with summary and page counts reaching their totals', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'digest-progress-'))
    try {
      const content = path.join(work, 'content')
      mkdirSync(content)
      writeFileSync(path.join(content, 'monthly.md'), readFileSync(path.join(ROOT, 'test/fixtures/monthly-digest/input.md'), 'utf8'))
      const events: BuildProgress[] = []
      await build(resolveConfig({ contentDir: content, outDir: path.join(work, 'dist'), cacheDir: false, topicsFile: path.join(ROOT, 'content/topics.yaml') }, ROOT), { onProgress: (event) => events.push(event) })
      const stages = events.map((event) => event.stage).filter((stage, index, all) => all[index - 1] !== stage)
      expect(stages).toEqual(['ingest', 'catalog', 'render', 'search', 'pages', 'output'])
      const render = events.filter((event) => event.stage === 'render')
      expect(render.at(-1)).toMatchObject({ done: 3, total: 3, unit: 'summaries' })
      const pages = events.filter((event) => event.stage === 'output' && event.total > 0)
      expect(pages.length).toBeGreaterThan(10)
      expect(pages.at(-1)!.done).toBe(pages.at(-1)!.total)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  })
})

describe('the terminal reporter', () => {
  it('describes counted and uncounted stages', () => {
    expect(describeProgress(step('render', 1240, 4000, 'summaries'))).toBe('render 1,240/4,000 summaries (31%)')
    expect(describeProgress(step('catalog'))).toBe('catalog')
  })

  it('draws a live line on a terminal, plain lines when CI is set, and nothing in other pipes', () => {
    expect(progressMode({ isTTY: true }, {})).toBe('live')
    expect(progressMode({ isTTY: false }, { CI: 'true' })).toBe('lines')
    expect(progressMode({ isTTY: false }, { CI: '1' })).toBe('lines')
    for (const CI of [undefined, '', '0', 'false']) expect(progressMode({}, { CI })).toBe('off')
    const written: string[] = []
    const off = createProgressReporter({ write: (text: string) => written.push(text) }, 'off', () => 1e9)
    off.update(step('render', 1, 2, 'summaries'))
    off.finish()
    expect(written).toEqual([])
  })

  it('redraws one line on a terminal, at most every 100 ms, and clears it at the end', () => {
    let clock = 0
    const written: string[] = []
    const reporter = createProgressReporter({ write: (text: string) => written.push(text) }, 'live', () => clock)
    reporter.update(step('ingest'))
    clock = QUIET_FOR_MS.live
    reporter.update(step('render', 0, 100, 'summaries'))
    clock += 50
    reporter.update(step('render', 10, 100, 'summaries'))
    clock += 100
    reporter.update(step('render', 20, 100, 'summaries'))
    reporter.update(step('render', 100, 100, 'summaries'))
    reporter.update(step('search'))
    reporter.finish()
    expect(written).toEqual([
      '\r\x1b[2Krender 0/100 summaries (0%)',
      '\r\x1b[2Krender 20/100 summaries (20%)',
      '\r\x1b[2Krender 100/100 summaries (100%)',
      '\r\x1b[2Ksearch',
      '\r\x1b[2K',
    ])
  })

  it('prints nothing for a short build, then a line per stage and one every few seconds in logs', () => {
    let clock = 0
    const written: string[] = []
    const reporter = createProgressReporter({ write: (text: string) => written.push(text) }, 'lines', () => clock)
    reporter.update(step('ingest'))
    reporter.update(step('catalog'))
    expect(written).toEqual([])
    clock = QUIET_FOR_MS.lines
    reporter.update(step('render', 0, 4000, 'summaries'))
    clock += 1000
    reporter.update(step('render', 400, 4000, 'summaries'))
    clock += LOG_INTERVAL_MS
    reporter.update(step('render', 2000, 4000, 'summaries'))
    reporter.update(step('search'))
    reporter.update(step('search'))
    expect(written).toEqual(['render 0/4,000 summaries (0%)\n', 'render 2,000/4,000 summaries (50%)\n', 'search\n'])
  })
})
