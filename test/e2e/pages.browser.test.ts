/**
 * End-to-end checks of the built pages in real headless Chromium: accessibility
 * (axe-core, light and dark, plus the math page at 320 px), typeset math, no JavaScript outside the search
 * page, no layout shift, no horizontal overflow on a 320 px phone, and no
 * missing files — at the site root and under a base path. Screenshots for
 * humans go to `.tmp/screenshots/` (not asserted).
 */
import { fileContents } from '../../src/output/write-site.ts'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Browser, Page } from 'playwright-core'
import { VFile } from 'vfile'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type BuildResult } from '../../src/build.ts'
import { parseTaxonomy } from '../../src/catalog/topics.ts'
import { resolveConfig, type UserConfig } from '../../src/config.ts'
import { hasBrowser, launchBrowser } from '../support/browser.ts'
import { serveStatic, type StaticServer } from '../support/static-server.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const AXE_SCRIPT = path.join(ROOT, 'node_modules/axe-core/axe.min.js')
const SCREENSHOTS = path.join(ROOT, '.tmp/screenshots')
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']
const SCHEMES = ['light', 'dark'] as const
const RAW_TEX = /\$[^$\s][^$]*\$/

/** The pages under test, as site-relative URLs ('' is home). */
interface Targets {
  home: string
  math: string
  topic: string
  search: string
}

/** What one page load did. */
interface Visit {
  page: Page
  url: string
  status: number | null
  /** Every URL the page requested. */
  requests: string[]
  /** Responses from our server with status ≥ 400, and failed requests. */
  failures: string[]
  fontResponses: { url: string; status: number }[]
}

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  helpUrl: string
  nodes: { target: string[]; summary: string }[]
}

let tmp = ''
let server: StaticServer
let baseServer: StaticServer
let browser: Browser
let targets: Targets

/**
 * Run `build(resolveConfig(user, ROOT))` in a worker thread (loaded with tsx), so
 * the second build runs on another core while this thread does the first.
 */
function buildInWorker(user: UserConfig): Promise<void> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads')
    import(workerData.tsx)
      .then(({ tsImport }) => Promise.all([tsImport(workerData.build, workerData.from), tsImport(workerData.config, workerData.from)]))
      .then(([{ build }, { resolveConfig }]) => build(resolveConfig(workerData.user, workerData.root)))
      .then(() => parentPort.postMessage('built'))`
  const workerData = {
    tsx: import.meta.resolve('tsx/esm/api'),
    build: path.join(ROOT, 'src/build.ts'),
    config: path.join(ROOT, 'src/config.ts'),
    from: import.meta.url,
    user,
    root: ROOT,
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData })
    worker.once('message', () => {
      resolve()
      void worker.terminate()
    })
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the build worker exited with code ${code} before finishing`)))
  })
}

/** Site-relative URLs of the pages, picked from the build. */
async function pickTargets(result: BuildResult): Promise<Targets> {
  const html = (file: string) => {
    const contents = result.site.get(file)
    const made = contents === undefined ? '' : fileContents(contents)
    return typeof made === 'string' ? made : ''
  }
  // The paper page with the most formulas.
  const math = [...result.site.keys()]
    .filter((file) => /^papers\/[^/]+\/index\.html$/.test(file))
    .sort()
    .map((file) => ({ file, count: html(file).split('class="katex"').length - 1 }))
    .filter((entry) => entry.count > 0)
    .sort((a, b) => b.count - a.count)[0]
  if (!math) throw new Error('no paper page contains typeset math (class="katex"); add a review with $…$ to content/')
  const config = resolveConfig({}, ROOT)
  const taxonomy = parseTaxonomy(await readFile(config.topicsFile, 'utf8'), new VFile({ path: config.topicsFile }))
  const topic = taxonomy.topics.find((candidate) => result.site.has(`topics/${candidate.slug}/index.html`))
  if (!topic) throw new Error('no topic page was built')
  return { home: '', math: math.file.replace(/index\.html$/, ''), topic: `topics/${topic.slug}/`, search: 'search/' }
}

/** Open `url` in a fresh context and wait until it and its fonts have settled. */
async function visit(url: string, options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {}): Promise<Visit> {
  const page = await browser.newPage({ colorScheme: options.colorScheme ?? 'light', viewport: options.viewport ?? { width: 1280, height: 900 } })
  const origin = new URL(url).origin
  const requests: string[] = []
  const failures: string[] = []
  const fontResponses: Visit['fontResponses'] = []
  page.on('request', (request) => requests.push(request.url()))
  page.on('requestfailed', (request) => failures.push(`${request.url()} failed: ${request.failure()?.errorText ?? '?'}`))
  page.on('response', (response) => {
    if (!response.url().startsWith(origin)) return
    if (response.status() >= 400) failures.push(`${response.url()} → ${response.status()}`)
    if (response.url().endsWith('.woff2')) fontResponses.push({ url: response.url(), status: response.status() })
  })
  // Sum layout shifts from the very first paint (buffered), as Core Web Vitals' CLS does.
  await page.addInitScript(() => {
    const state = window as unknown as { __layoutShift: number }
    state.__layoutShift = 0
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (!entry.hadRecentInput) state.__layoutShift += entry.value
      }
    }).observe({ type: 'layout-shift', buffered: true })
  })
  const response = await page.goto(url, { waitUntil: 'load' })
  await page.evaluate(async () => {
    await document.fonts.ready
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
  })
  return { page, url, status: response?.status() ?? null, requests, failures, fontResponses }
}

/** Run axe-core on the page as it is now. */
async function runAxe(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SCRIPT })
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe
    const results = await axe.run(document, { runOnly: tags })
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({ target: node.target.map(String), summary: node.failureSummary ?? '' })),
    }))
  }, AXE_TAGS)
}

function describeViolation(where: string, violation: AxeViolation): string {
  const nodes = violation.nodes
    .slice(0, 3)
    .map((node) => `      ${node.target.join(' ')}\n        ${node.summary.replace(/\n\s*/g, '\n        ')}`)
    .join('\n')
  const more = violation.nodes.length > 3 ? `\n      … and ${violation.nodes.length - 3} more` : ''
  return `${where}: ${violation.id} (${violation.impact ?? 'n/a'}) — ${violation.help}\n    ${violation.helpUrl}\n${nodes}${more}`
}

/** Site-relative URLs of all pages, for checks that apply to every one. */
const allPages = () => [targets.home, targets.math, targets.topic, targets.search]
const noScriptPages = () => [targets.home, targets.math, targets.topic]
const at = (relative: string, origin = server.origin, basePath = '/') => `${origin}${basePath}${relative}`

describe.skipIf(!hasBrowser)('built pages in headless Chromium', () => {
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'digest-e2e-'))
    const rootOut = path.join(tmp, 'root')
    const baseOut = path.join(tmp, 'digest')
    const baseBuilt = buildInWorker({ outDir: baseOut, site: { basePath: '/digest/' } })
    const launched = launchBrowser()
    // Handled below; this only keeps an early failure from counting as unhandled meanwhile.
    for (const pending of [baseBuilt, launched]) pending.catch(() => {})
    const rootBuild = await build(resolveConfig({ outDir: rootOut }, ROOT))
    targets = await pickTargets(rootBuild)
    ;[server, baseServer, browser] = await Promise.all([serveStatic(rootOut, '/'), baseBuilt.then(() => serveStatic(baseOut, '/digest/')), launched])
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await baseServer?.close()
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  it('every page returns 200 and nothing it loads or links to is missing, at / and under /digest/', async () => {
    const sites = [
      { origin: server.origin, basePath: '/' },
      { origin: baseServer.origin, basePath: '/digest/' },
    ]
    const problems = await Promise.all(
      sites.flatMap(({ origin, basePath }) =>
        allPages().map(async (relative) => {
          const result = await visit(at(relative, origin, basePath))
          const found: string[] = []
          if (result.status !== 200) found.push(`${result.url} → ${result.status}`)
          found.push(...result.failures.map((failure) => `${result.url} loads ${failure}`))
          // Links to our own pages must resolve too: a link that ignores the base path 404s here.
          const links = await result.page.evaluate((own) => {
            const hrefs = [...document.querySelectorAll<HTMLAnchorElement | HTMLLinkElement>('a[href], link[href]')].map((element) => element.href.split('#')[0] ?? '')
            return [...new Set(hrefs.filter((href) => href.startsWith(own)))]
          }, origin)
          await result.page.close()
          const statuses = await Promise.all(links.map(async (link) => ({ link, status: (await fetch(link)).status })))
          for (const { link, status } of statuses) if (status !== 200) found.push(`${result.url} links to ${link} → ${status}`)
          return found
        }),
      ),
    )
    expect(problems.flat()).toEqual([])
  })

  it('axe-core finds no accessibility violations, in light and dark (and on a phone for the math page)', async () => {
    const perPage = await Promise.all(
      allPages().map(async (relative) => {
        const { page, url } = await visit(at(relative))
        const found: string[] = []
        for (const colorScheme of SCHEMES) {
          await page.emulateMedia({ colorScheme })
          for (const violation of await runAxe(page)) found.push(describeViolation(`${url} [${colorScheme}]`, violation))
        }
        if (relative === targets.math) {
          // Formulas wider than a phone become scroll regions, which must be reachable by keyboard.
          await page.emulateMedia({ colorScheme: 'light' })
          await page.setViewportSize({ width: 320, height: 640 })
          for (const violation of await runAxe(page)) found.push(describeViolation(`${url} [light, 320 px]`, violation))
        }
        await page.close()
        return found
      }),
    )
    const problems = perPage.flat()
    expect(problems, problems.join('\n\n')).toEqual([])
  })

  it('the math paper page shows typeset KaTeX with its fonts, and no raw TeX', async () => {
    const { page, url, fontResponses } = await visit(at(targets.math))
    const math = await page.evaluate((rawTex) => {
      const formulas = [...document.querySelectorAll<HTMLElement>('.prose .katex')]
      const invisible = formulas
        .filter((element) => {
          const box = element.getBoundingClientRect()
          return !(box.width > 0 && box.height > 0 && element.checkVisibility({ visibilityProperty: true, opacityProperty: true }))
        })
        .map((element) => element.textContent ?? '')
      // Prose text outside formulas and code, where a `$…$` pair means math left unrendered.
      const raw = [...document.querySelectorAll<HTMLElement>('.prose')].flatMap((prose) => {
        const copy = prose.cloneNode(true) as HTMLElement
        for (const element of copy.querySelectorAll('.katex, code, pre')) element.remove()
        return (copy.textContent ?? '').match(new RegExp(rawTex, 'g')) ?? []
      })
      const katexFaces = [...document.fonts].filter((face) => face.family.replace(/["']/g, '').startsWith('KaTeX_'))
      return {
        count: formulas.length,
        invisible,
        raw,
        errors: [...document.querySelectorAll('.katex-error')].map((element) => element.textContent ?? ''),
        loadedFaces: katexFaces.filter((face) => face.status === 'loaded').map((face) => `${face.family} ${face.style} ${face.weight}`),
        mainReady: document.fonts.check('16px KaTeX_Main'),
        mainStylesheet: [...document.styleSheets].some((sheet) => sheet.href?.endsWith('katex.min.css')),
      }
    }, RAW_TEX.source)
    await page.close()
    expect(math.count, `${url} has no .katex in .prose`).toBeGreaterThan(0)
    expect(math.invisible, `${url}: formulas with no size or hidden`).toEqual([])
    expect(math.raw, `${url}: TeX left between $ delimiters`).toEqual([])
    expect(math.errors, `${url}: KaTeX errors`).toEqual([])
    expect(math.mainStylesheet, `${url} does not load katex.min.css`).toBe(true)
    expect(math.loadedFaces.length, `${url}: no KaTeX font face loaded`).toBeGreaterThan(0)
    expect(math.mainReady, `${url}: document.fonts.check('16px KaTeX_Main') is false`).toBe(true)
    expect(fontResponses.length, `${url} requested no .woff2`).toBeGreaterThan(0)
    expect(fontResponses.filter((response) => response.status !== 200)).toEqual([])
  })

  it('no page but search has a script or requests JavaScript', async () => {
    const problems = await Promise.all(
      noScriptPages().map(async (relative) => {
        const { page, url, requests } = await visit(at(relative))
        const scripts = await page.evaluate(() => [...document.scripts].map((script) => script.src || `inline: ${script.text.slice(0, 60)}`))
        await page.close()
        return [
          ...scripts.map((script) => `${url} has <script> ${script}`),
          ...requests.filter((request) => /\.m?js$/.test(new URL(request).pathname)).map((request) => `${url} requests ${request}`),
        ]
      }),
    )
    expect(problems.flat()).toEqual([])
  })

  it('home and the math page do not shift their layout while loading', async () => {
    const shifts: Record<string, number> = {}
    for (const relative of [targets.home, targets.math]) {
      const { page, url } = await visit(at(relative))
      // Layout-shift entries are delivered asynchronously: give them a moment.
      await page.waitForTimeout(200)
      shifts[url] = await page.evaluate(() => (window as unknown as { __layoutShift: number }).__layoutShift)
      await page.close()
    }
    for (const [url, total] of Object.entries(shifts)) expect(total, `cumulative layout shift of ${url}`).toBeLessThan(0.01)
  })

  it('no page scrolls sideways on a 320 px wide phone', async () => {
    const problems = await Promise.all(
      allPages().map(async (relative) => {
        const { page, url } = await visit(at(relative), { viewport: { width: 320, height: 640 } })
        const overflow = await page.evaluate(() => {
          const width = document.documentElement.clientWidth
          const describe = (element: Element) => `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).trim().split(/\s+/).join('.')}` : ''}`
          // The outermost elements sticking out, not counting content that scrolls or is clipped inside its own box.
          const clipped = (element: Element) => {
            for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
              if (getComputedStyle(parent).overflowX !== 'visible') return true
            }
            return false
          }
          const out = new Set([...document.querySelectorAll('body *')].filter((element) => element.getBoundingClientRect().right > width + 0.5 && !clipped(element)))
          const culprits = [...out]
            .filter((element) => !(element.parentElement && out.has(element.parentElement)))
            .slice(0, 5)
            .map((element) => `${describe(element)} (right edge ${Math.round(element.getBoundingClientRect().right)})`)
          return { scrollWidth: document.documentElement.scrollWidth, culprits }
        })
        await page.close()
        return overflow.scrollWidth > 320 ? [`${url}: scrollWidth ${overflow.scrollWidth} > 320; sticking out: ${overflow.culprits.join(', ')}`] : []
      }),
    )
    expect(problems.flat()).toEqual([])
  })

  it('takes screenshots of home and the math page for humans (.tmp/screenshots/)', async () => {
    await mkdir(SCREENSHOTS, { recursive: true })
    for (const [name, relative] of [
      ['home', targets.home],
      ['math-paper', targets.math],
    ] as const) {
      const { page } = await visit(at(relative))
      for (const viewport of [
        { width: 375, height: 800 },
        { width: 1280, height: 900 },
      ]) {
        await page.setViewportSize(viewport)
        await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${viewport.width}x${viewport.height}.png`), fullPage: true })
      }
      await page.close()
    }
  })
})
