/**
 * End-to-end checks of in-browser search in real headless Chromium, on the seed
 * site (content/) built once: ranking of titles, typos and arXiv ids, search as
 * you type, filters and state in the URL (reload, back/forward), result markup,
 * keyboard use, the header search box with and without JavaScript, no script
 * injection through indexed text or the query (on test/fixtures/xss-content),
 * and the size/time budget of the first results (printed as `SEARCH BUDGET: …`).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../../src/build.ts'
import { resolveConfig } from '../../src/config.ts'
import { hasBrowser, launchBrowser } from '../support/browser.ts'
import { serveStatic, type StaticServer } from '../support/static-server.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const MAGIKARP = 'Fishing for Magikarp: Automatically detecting under-trained tokens in large language models'
const MAMBA = 'Mamba: Linear-Time Sequence Modeling with Selective State Spaces'
const BUDGET_BYTES = 300_000
const LOADS = 5

/** One rendered result, as the reader sees it. */
interface Result {
  title: string
  href: string
  byline: string
  excerpt: string
  /** Text of the `<mark>`s in the title and excerpt. */
  marks: string[]
  tags: string[]
}

let tmp = ''
let seedOut = ''
let server: StaticServer
let xssServer: StaticServer
let browser: Browser
let context: BrowserContext

const at = (relative: string, origin = server.origin) => `${origin}/${relative}`
const searchUrl = (query: string, origin = server.origin) => at(`search/?q=${encodeURIComponent(query)}`, origin)

/** Wait until the page shows the final results for `query` (both indexes loaded). */
async function settled(page: Page, query: string): Promise<void> {
  await page.waitForFunction((q) => {
    const status = document.getElementById('search-status')?.textContent ?? ''
    return status.includes(`“${q}”`) && !status.includes('Searching the review text')
  }, query)
}

/** The results on the page now. */
function results(page: Page): Promise<Result[]> {
  return page.$$eval('#search-results .result', (items) =>
    items.map((item) => ({
      title: item.querySelector('.result__title')?.textContent ?? '',
      href: item.querySelector<HTMLAnchorElement>('.result__title a')?.getAttribute('href') ?? '',
      byline: item.querySelector('.byline')?.textContent ?? '',
      excerpt: item.querySelector('.result__excerpt')?.textContent ?? '',
      marks: [...item.querySelectorAll('.result__title mark, .result__excerpt mark')].map((mark) => mark.textContent ?? ''),
      tags: [...item.querySelectorAll('.tags .tag')].map((tag) => tag.textContent ?? ''),
    })),
  )
}

const titles = async (page: Page) => (await results(page)).map((result) => result.title)

/** Open the search page for `query` (via the URL) and return its settled results. */
async function searchFor(query: string, origin = server.origin): Promise<{ page: Page; found: Result[] }> {
  const page = await context.newPage()
  await page.goto(searchUrl(query, origin))
  await settled(page, query)
  return { page, found: await results(page) }
}

/** Open the empty search page with its script running. */
async function openSearch(origin = server.origin): Promise<Page> {
  const page = await context.newPage()
  await page.goto(at('search/', origin))
  await page.waitForFunction(() => document.documentElement.classList.contains('search-ready') && (document.getElementById('search-status')?.textContent ?? '').startsWith('Type to search'))
  return page
}

/** Type into the search box like a person (no Enter). */
async function typeQuery(page: Page, query: string): Promise<void> {
  await page.locator('#search-q').pressSequentially(query, { delay: 40 })
}

/** The search page for "magikarp", as the header form submits it. */
const landedOnSearch = (url: URL) => url.pathname === '/search/' && url.searchParams.get('q') === 'magikarp'

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

describe.skipIf(!hasBrowser)('search page in headless Chromium', () => {
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'digest-search-e2e-'))
    seedOut = path.join(tmp, 'seed')
    const xssOut = path.join(tmp, 'xss')
    const launched = launchBrowser()
    launched.catch(() => {})
    await build(resolveConfig({ outDir: seedOut }, ROOT))
    await build(resolveConfig({ outDir: xssOut, contentDir: 'test/fixtures/xss-content', topicsFile: path.join(ROOT, 'content/topics.yaml') }, ROOT))
    ;[server, xssServer, browser] = await Promise.all([serveStatic(seedOut, '/'), serveStatic(xssOut, '/'), launched])
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  })

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await server?.close()
    await xssServer?.close()
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  it('ranks the title match first: "magikarp", and "Mamba" finds several papers', async () => {
    const [magikarp, mamba] = await Promise.all([searchFor('magikarp'), searchFor('Mamba')])
    expect(magikarp.found[0]?.title).toBe(MAGIKARP)
    expect(mamba.found.length).toBeGreaterThanOrEqual(3)
    expect(mamba.found.map((result) => result.title)).toContain(MAMBA)
    await Promise.all([magikarp.page.close(), mamba.page.close()])
  })

  it('tolerates typos: "difusion" and "transfromer"', async () => {
    const [diffusion, transformer] = await Promise.all([searchFor('difusion'), searchFor('transfromer')])
    expect(diffusion.found.length).toBeGreaterThanOrEqual(5)
    const offTopic = diffusion.found.slice(0, 5).filter((result) => !/diffusion/i.test(`${result.title} ${result.excerpt}`))
    expect(offTopic.map((result) => result.title), 'top-5 results for "difusion" mentioning no "diffusion"').toEqual([])
    // The typo highlights the word it matched.
    expect(diffusion.found[0]?.marks.some((mark) => /^diffusion/i.test(mark)), JSON.stringify(diffusion.found[0])).toBe(true)
    expect(transformer.found.length).toBeGreaterThan(0)
    expect(transformer.found[0]?.title).toMatch(/transformer/i)
    expect(transformer.found.slice(0, 5).filter((result) => /transformer/i.test(result.title)).length).toBeGreaterThanOrEqual(3)
    await Promise.all([diffusion.page.close(), transformer.page.close()])
  })

  it('an arXiv id or a pasted arXiv URL finds that paper first', async () => {
    const [id, url] = await Promise.all([searchFor('2405.05417'), searchFor('https://arxiv.org/abs/2405.05417v1')])
    expect(id.found.map((result) => result.title)).toEqual([MAGIKARP])
    expect(url.found[0]?.title).toBe(MAGIKARP)
    await Promise.all([id.page.close(), url.page.close()])
  })

  it('searches as you type, without Enter, and keeps the query in the URL', async () => {
    const page = await openSearch()
    const historyBefore = await page.evaluate(() => history.length)
    await typeQuery(page, 'magikarp')
    await settled(page, 'magikarp')
    expect((await titles(page))[0]).toBe(MAGIKARP)
    const url = new URL(page.url())
    expect(url.pathname).toBe('/search/')
    expect(url.searchParams.get('q')).toBe('magikarp')
    // replaceState, not pushState: typing adds no history entries.
    expect(await page.evaluate(() => history.length)).toBe(historyBefore)
    await page.close()
  })

  it('a topic filter narrows results, lives in the URL, and survives reload and back/forward', async () => {
    const page = await openSearch()
    await typeQuery(page, 'language')
    await settled(page, 'language')
    const all = await titles(page)
    expect(all.length).toBeGreaterThan(0)

    await page.selectOption('#search-topic', 'diffusion')
    await expect.poll(() => new URL(page.url()).search).toBe('?q=language&topic=diffusion')
    // Results update asynchronously (fragments are fetched for the new list).
    await expect.poll(async () => (await results(page)).length).toBeLessThan(all.length)
    const filtered = await results(page)
    expect(filtered.length).toBeGreaterThan(0)
    expect(filtered.length).toBeLessThan(all.length)
    for (const result of filtered) expect(result.tags, result.title).toContain('Diffusion Models')
    const filteredTitles = filtered.map((result) => result.title)

    await page.reload()
    await settled(page, 'language')
    expect(await page.inputValue('#search-q')).toBe('language')
    expect(await page.inputValue('#search-topic')).toBe('diffusion')
    expect(await titles(page)).toEqual(filteredTitles)

    await page.goBack()
    await expect.poll(() => new URL(page.url()).search).toBe('?q=language')
    await settled(page, 'language')
    await expect.poll(() => titles(page)).toEqual(all)
    expect(await page.inputValue('#search-topic')).toBe('')
    expect(await page.inputValue('#search-q')).toBe('language')

    await page.goForward()
    await expect.poll(() => new URL(page.url()).search).toBe('?q=language&topic=diffusion')
    await settled(page, 'language')
    await expect.poll(() => titles(page)).toEqual(filteredTitles)
    expect(await page.inputValue('#search-topic')).toBe('diffusion')
    await page.close()
  })

  it('loading /search/?q=kan shows the same results as typing "kan"', async () => {
    const typed = await openSearch()
    await typeQuery(typed, 'kan')
    await settled(typed, 'kan')
    const byTyping = await titles(typed)
    const loaded = await searchFor('kan')
    expect(byTyping.length).toBeGreaterThan(0)
    expect(loaded.found.map((result) => result.title)).toEqual(byTyping)
    // And reloading the typed page (its URL is now ?q=kan) shows them again.
    await typed.reload()
    await settled(typed, 'kan')
    expect(await titles(typed)).toEqual(byTyping)
    await Promise.all([typed.close(), loaded.page.close()])
  })

  it('every result has a working paper link, a byline, an excerpt with <mark>ed matches, and tags', async () => {
    const { page, found } = await searchFor('diffusion')
    expect(found.length).toBeGreaterThan(5)
    const catalog = JSON.parse(await readFile(path.join(seedOut, 'papers.json'), 'utf8')) as { papers: { id: string; tags: string[] }[] }
    const tagCount = new Map(catalog.papers.map((paper) => [`/papers/${encodeURIComponent(paper.id)}/`, paper.tags.length]))
    const problems: string[] = []
    for (const result of found) {
      if (!/^\/papers\/[^/]+\/$/.test(result.href)) problems.push(`${result.title}: link ${result.href} is not /papers/<id>/`)
      if (!/^(\d{1,2} [A-Z][a-z]+ \d{4}|Undated)( · by .+)?$/.test(result.byline)) problems.push(`${result.title}: byline "${result.byline}"`)
      if (!result.byline.includes(' · by ')) problems.push(`${result.title}: byline "${result.byline}" names no reviewer`)
      if (result.excerpt === '') problems.push(`${result.title}: no excerpt`)
      // Tags: one per topic of the paper (a paper the taxonomy does not tag has none).
      if (result.tags.length !== tagCount.get(result.href)) problems.push(`${result.title}: ${result.tags.length} tags, papers.json has ${String(tagCount.get(result.href))}`)
      if (result.tags.some((tag) => tag.trim() === '')) problems.push(`${result.title}: an empty tag`)
      // Every whole word starting with "diffusion" in the title and excerpt is marked.
      const words = `${result.title} ${result.excerpt}`.match(/(?<![\p{L}\p{N}])diffusion[\p{L}\p{N}]*/giu) ?? []
      const marked = result.marks.filter((mark) => /^diffusion/i.test(mark))
      if (marked.length < words.length) problems.push(`${result.title}: ${words.length} "diffusion" words but ${marked.length} <mark>s`)
    }
    expect(problems).toEqual([])
    expect(found.filter((result) => result.tags.length > 0).length, 'results with tags').toBeGreaterThan(found.length / 2)
    // Papers matched only by topic or deeper in the review text may show an excerpt without the word (the excerpt is
    // the opening of the latest review, not a snippet around the match), so only most results must show a <mark>.
    expect(found.filter((result) => result.marks.length > 0).length, 'results with a <mark> in title or excerpt').toBeGreaterThan(found.length / 2)
    expect(await page.locator('#search-results .result__excerpt mark').count()).toBeGreaterThan(0)
    const statuses = await Promise.all(found.map(async (result) => ({ href: result.href, status: (await fetch(at(result.href.slice(1)))).status })))
    expect(statuses.filter((entry) => entry.status !== 200)).toEqual([])
    await page.close()
  })

  it('keyboard: "/" focuses the box, arrows move through results, Enter opens one', async () => {
    const page = await openSearch()
    await page.keyboard.press('/')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-q')
    // "/" was swallowed, not typed.
    expect(await page.inputValue('#search-q')).toBe('')
    await page.keyboard.type('diffusion', { delay: 20 })
    await settled(page, 'diffusion')
    const hrefs = (await results(page)).map((result) => result.href)
    expect(hrefs.length).toBeGreaterThanOrEqual(2)
    const focused = () => page.evaluate(() => (document.activeElement as HTMLAnchorElement | null)?.getAttribute('href') ?? document.activeElement?.id ?? null)
    await page.keyboard.press('ArrowDown')
    expect(await focused()).toBe(hrefs[0])
    await page.keyboard.press('ArrowDown')
    expect(await focused()).toBe(hrefs[1])
    await page.keyboard.press('ArrowUp')
    expect(await focused()).toBe(hrefs[0])
    await Promise.all([page.waitForURL(at(hrefs[0]!.slice(1))), page.keyboard.press('Enter')])
    expect(new URL(page.url()).pathname).toBe(hrefs[0])
    await page.close()
  })

  it('the header search box works from a paper page, with JavaScript and without', async () => {
    const page = await context.newPage()
    await page.goto(at('papers/2405.05417/'))
    await page.fill('#site-search-q', 'magikarp')
    await Promise.all([page.waitForURL(landedOnSearch), page.press('#site-search-q', 'Enter')])
    await settled(page, 'magikarp')
    expect((await titles(page))[0]).toBe(MAGIKARP)
    await page.close()

    const noJs = await browser.newContext({ javaScriptEnabled: false })
    const plain = await noJs.newPage()
    await plain.goto(at('papers/2405.05417/'))
    await plain.fill('#site-search-q', 'magikarp')
    await Promise.all([plain.waitForURL(landedOnSearch), plain.press('#site-search-q', 'Enter')])
    expect(new URL(plain.url()).pathname).toBe('/search/')
    const notice = plain.locator('main .notice')
    expect(await notice.isVisible()).toBe(true)
    expect(await notice.textContent()).toMatch(/needs JavaScript/)
    const links = await notice.locator('a').evaluateAll((anchors) => anchors.map((anchor) => new URL((anchor as HTMLAnchorElement).href).pathname))
    expect(links).toEqual(['/archive/', '/topics/'])
    for (const link of links) expect((await fetch(at(link.slice(1)))).status, link).toBe(200)
    await noJs.close()
  })

  it('indexed text and the query are never parsed as HTML (xss-content fixture)', async () => {
    const xss = await browser.newContext()
    const dialogs: string[] = []
    xss.on('page', (page) => page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`)
      void dialog.dismiss()
    }))
    await xss.addInitScript(() => {
      const state = window as unknown as { __xss: number }
      state.__xss = 0
      for (const name of ['alert', 'confirm', 'prompt'] as const) {
        const original = window[name].bind(window) as (...args: unknown[]) => unknown
        ;(window as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
          state.__xss += 1
          return original(...args)
        }
      }
    })
    const queries = ['img', '<img src=x onerror=alert(1)>', 'Attack', 'script', '<img src=x onerror=window.__xss=99>']
    const report: Record<string, { titles: string[]; images: number; xss: number }> = {}
    for (const query of queries) {
      const page = await xss.newPage()
      await page.goto(at('search/', xssServer.origin))
      await page.waitForFunction(() => document.documentElement.classList.contains('search-ready'))
      await page.fill('#search-q', query)
      await page.press('#search-q', 'Enter')
      await settled(page, query)
      // Give a would-be <img onerror> time to fail and fire.
      await page.waitForTimeout(150)
      report[query] = {
        titles: await titles(page),
        images: await page.locator('#search-results img, #search-results script, #search-results iframe, #search-results svg').count(),
        xss: await page.evaluate(() => (window as unknown as { __xss: number }).__xss),
      }
      await page.close()
    }
    for (const query of ['img', '<img src=x onerror=alert(1)>', 'Attack']) {
      expect(report[query]!.titles.some((title) => title.includes('Attack <img src=x onerror=alert(1)> Paper')), `"${query}" shows the Attack paper's title as text: ${JSON.stringify(report[query])}`).toBe(true)
    }
    expect(report['script']!.titles.some((title) => title.includes('<script>')), JSON.stringify(report['script'])).toBe(true)
    for (const [query, seen] of Object.entries(report)) {
      expect(seen.images, `elements parsed from text for "${query}"`).toBe(0)
      expect(seen.xss, `scripts run for "${query}"`).toBe(0)
    }
    expect(dialogs).toEqual([])
    await xss.close()
  })

  it('budget: first results need < 300 kB gzipped, and arrive fast', async () => {
    const times: number[] = []
    let transferred: { files: string[]; bytes: number } = { files: [], bytes: 0 }
    for (let load = 0; load < LOADS; load++) {
      // A fresh context each time: a cold cache, as for a first visit.
      const cold = await browser.newContext()
      const page = await cold.newPage()
      const requested: string[] = []
      page.on('request', (request) => requested.push(new URL(request.url()).pathname))
      await page.goto(searchUrl('diffusion'), { waitUntil: 'commit' })
      const handle = await page.waitForFunction(() => (document.querySelector('#search-results .result') ? performance.now() : 0), undefined, { polling: 'raf' })
      times.push(Number(await handle.jsonValue()))
      // What the search needed before its first results: script, base, shards, fragments (gzipped, as a host serves them).
      const searchFiles = requested.filter((file) => file.startsWith('/search/') && file !== '/search/')
      let bytes = 0
      for (const file of searchFiles) bytes += gzipSync(await readFile(path.join(seedOut, file))).length
      transferred = { files: searchFiles, bytes }
      await cold.close()
    }
    const firstResults = median(times)
    const kB = (bytes: number) => (bytes / 1000).toFixed(1)
    console.log(`SEARCH BUDGET: ${transferred.files.length} search files, ${kB(transferred.bytes)} kB gz before first results for "diffusion", first results ${Math.round(firstResults)} ms (median of ${LOADS})`)
    expect(transferred.files.some((file) => /^\/search\/search\.[0-9a-f]{12}\.js$/.test(file))).toBe(true)
    expect(transferred.files.some((file) => /^\/search\/base\.[0-9a-f]{12}\.json$/.test(file))).toBe(true)
    expect(transferred.bytes).toBeLessThan(BUDGET_BYTES)
    expect(firstResults).toBeGreaterThan(0)
    expect(firstResults).toBeLessThan(5_000)
  })
})
