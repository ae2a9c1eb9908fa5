/**
 * Time from navigation to the first search results in headless Chromium, for a
 * built site: serves it on 127.0.0.1, opens `/search/?q=<query>` in a fresh
 * browser context each run (cold cache), and reports the median time and the
 * bytes the page fetched (gzipped, as a host would serve them) before results.
 *
 *   npx tsx scripts/search-first-results.ts --site dist [--query diffusion] [--runs 5]
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { launchBrowser } from '../test/support/browser.ts'
import { serveStatic } from '../test/support/static-server.ts'

const { values } = parseArgs({ options: { site: { type: 'string', default: 'dist' }, query: { type: 'string', default: 'diffusion' }, runs: { type: 'string', default: '5' } } })
const site = path.resolve(values.site!)
const server = await serveStatic(site)
const browser = await launchBrowser()
const times: number[] = []
let bytes = 0
let files = 0
try {
  for (let run = 0; run < Number(values.runs); run++) {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${server.origin}/search/?q=${encodeURIComponent(values.query!)}`, { waitUntil: 'commit' })
    // At the moment the first result is in the page: the time, and what had finished loading by then.
    const handle = await page.waitForFunction(
      () => {
        if (!document.querySelector('#search-results .result')) return null
        const now = performance.now()
        const loaded = performance.getEntriesByType('resource').filter((entry) => (entry as PerformanceResourceTiming).responseEnd <= now)
        return { now, loaded: loaded.map((entry) => new URL(entry.name).pathname) }
      },
      undefined,
      { polling: 'raf', timeout: 60_000 },
    )
    const { now, loaded } = (await handle.jsonValue()) as { now: number; loaded: string[] }
    times.push(now)
    const searchFiles = loaded.filter((file) => file.startsWith('/search/') && file !== '/search/')
    bytes = 0
    for (const file of searchFiles) bytes += gzipSync(await readFile(path.join(site, file))).length
    files = searchFiles.length
    await context.close()
  }
} finally {
  await browser.close()
  await server.close()
}
const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!
console.log(`"${values.query}" on ${path.relative(process.cwd(), site) || '.'}: first results after ${Math.round(median)} ms (median of ${times.length}: ${times.map((time) => Math.round(time)).join(', ')}), ${files} search files, ${(bytes / 1000).toFixed(1)} kB gz fetched before them`)
