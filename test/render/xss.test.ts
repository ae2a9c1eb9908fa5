/**
 * Untrusted newsletter text with XSS payloads in every format: after a build, no
 * script, event handler, `javascript:`/`data:` URL, iframe, style, form or
 * object survives in any page, feed or data file rendered as HTML.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Element } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { visit } from 'unist-util-visit'
import { afterAll, describe, expect, it } from 'vitest'
import { build } from '../../src/build.ts'
import { resolveConfig } from '../../src/config.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const work = mkdtempSync(path.join(tmpdir(), 'digest-xss-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const outDir = path.join(work, 'dist')
const result = await build(resolveConfig({ contentDir: path.join(ROOT, 'test/fixtures/xss-content'), topicsFile: path.join(ROOT, 'content/topics.yaml'), outDir }, ROOT))
const pages = readdirSync(outDir, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && /\.(html|xml)$/.test(entry.name))
  .map((entry) => path.join(entry.parentPath, entry.name))

const FORBIDDEN_ELEMENTS = new Set(['script', 'iframe', 'style', 'object', 'embed', 'frame', 'frameset', 'applet', 'base', 'svg'])
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formAction', 'data', 'poster', 'xLinkHref'])

/** Everything in a page that could run code, found with a real HTML parser. */
function activeContent(html: string): string[] {
  const found: string[] = []
  visit(fromHtml(html), 'element', (node: Element) => {
    // The search page's own bundled module is the one script allowed.
    const ownScript = node.tagName === 'script' && node.properties.type === 'module' && /^\/search\/search\.[0-9a-f]{12}\.js$/.test(String(node.properties.src))
    if (FORBIDDEN_ELEMENTS.has(node.tagName) && !ownScript) found.push(`<${node.tagName}>`)
    for (const [key, value] of Object.entries(node.properties)) {
      if (/^on/i.test(key)) found.push(`<${node.tagName} ${key}>`)
      if (URL_ATTRIBUTES.has(key) && typeof value === 'string' && /^\s*(?:javascript|data|vbscript):/i.test(value)) found.push(`<${node.tagName} ${key}=${value}>`)
      if (key === 'style' && /position\s*:\s*fixed/i.test(String(value))) found.push(`<${node.tagName} style=${String(value)}>`)
    }
    // The only form on a page is the site's own search box.
    if (node.tagName === 'form' && !/\/search\/$/.test(String(node.properties.action))) found.push(`<form action=${String(node.properties.action)}>`)
  })
  return found
}

describe('XSS payloads in every newsletter format', () => {
  it('reads an entry from each format', () => {
    expect(result.sources.map((source) => [source.file.path, source.format, source.reviews.length])).toEqual([
      ['daily.txt', 'daily-reviews', 1],
      ['generic.md', 'generic', 1],
      ['monthly.md', 'monthly-digest', 2],
      ['notes.md', 'link-notes', 2],
      ['sections.html', 'html-sections', 2],
    ])
  })

  it('leaves no active content in any HTML page', () => {
    expect(pages.length).toBeGreaterThan(10)
    for (const file of pages.filter((name) => name.endsWith('.html'))) {
      const name = path.relative(outDir, file)
      expect(activeContent(readFileSync(file, 'utf8')), name).toEqual([])
    }
  })

  it('keeps payloads in titles as visible text, escaped', () => {
    const daily = readFileSync(path.join(outDir, 'papers/2501.00001/index.html'), 'utf8')
    expect(daily).toContain('<h1>Attack &lt;img src=x onerror=alert(1)&gt; Paper</h1>')
    expect(daily).toContain('<title>Attack &lt;img src=x onerror=alert(1)&gt; Paper · Research Digest</title>')
    const source = readFileSync(path.join(outDir, 'sources/daily/index.html'), 'utf8')
    expect(source).toContain('<h1>Daily &lt;script&gt;alert(&#34;source&#34;)&lt;/script&gt;</h1>')
  })

  it('keeps safe formatting and math', () => {
    const daily = readFileSync(path.join(outDir, 'papers/2501.00001/index.html'), 'utf8')
    expect(daily).toContain('class="katex"')
    expect(daily).toContain('<a>javascript link</a>')
    const monthly = readFileSync(path.join(outDir, 'papers/2501.00003/index.html'), 'utf8')
    expect(monthly).toContain('<h1>Second &#34;quoted&#34; &amp; &lt;b&gt;bold&lt;/b&gt; title</h1>')
  })

  it('escapes feeds: payloads arrive as text inside CDATA, never as markup', () => {
    const atom = readFileSync(path.join(outDir, 'feed.xml'), 'utf8')
    const content = [...atom.matchAll(/<content type="html"><!\[CDATA\[([\s\S]*?)\]\]><\/content>/g)].map((match) => match[1]!)
    // Two reviews were nothing but an iframe: sanitized to nothing, they carry no content.
    expect(content.length).toBe(6)
    for (const html of content) {
      expect(html).not.toMatch(/<script\b|<[^>]*\son[a-z]+\s*=|javascript:|<iframe|<style/i)
    }
  })
})
