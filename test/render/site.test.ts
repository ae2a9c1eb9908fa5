/**
 * The built seed site, checked as files: every internal link and asset resolves
 * (at `/` and under `/digest/`), every page is valid HTML, feeds and data files
 * are well-formed, and no page but the search page carries a script.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { HtmlValidate } from 'html-validate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../../src/build.ts'
import { resolveConfig } from '../../src/config.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const work = mkdtempSync(path.join(tmpdir(), 'digest-site-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function listFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort()
}

/** Internal references of an HTML page: href/src/srcset values that are not absolute elsewhere. */
function references(html: string): string[] {
  const found: string[] = []
  for (const match of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) found.push(match[1]!.replace(/&amp;/g, '&'))
  return found
}

/** Check that every internal reference of every page in `outDir` resolves to a file. */
function brokenReferences(outDir: string, basePath: string, origin: string): string[] {
  const broken: string[] = []
  for (const file of listFiles(outDir).filter((name) => name.endsWith('.html'))) {
    const html = readFileSync(path.join(outDir, file), 'utf8')
    for (const reference of references(html)) {
      let target = reference
      if (target.startsWith(origin)) target = target.slice(origin.length)
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue
      if (!target.startsWith(basePath)) {
        broken.push(`${file}: ${reference} is outside the base path ${basePath}`)
        continue
      }
      const relative = decodeURIComponent(target.slice(basePath.length).replace(/[?#].*$/, ''))
      const resolved = relative === '' || relative.endsWith('/') ? `${relative}index.html` : relative
      if (!existsSync(path.join(outDir, resolved))) broken.push(`${file}: ${reference}`)
    }
  }
  return broken
}

describe('the built seed site', () => {
  const outDir = path.join(work, 'root')
  const digestDir = path.join(work, 'digest')
  let files: string[] = []

  beforeAll(async () => {
    await build(resolveConfig({ outDir, site: { origin: 'https://digest.example' } }, ROOT))
    await build(resolveConfig({ outDir: digestDir, site: { origin: 'https://digest.example', basePath: '/digest/' } }, ROOT))
    files = listFiles(outDir)
  }, 120_000)

  it('has the pages of every kind', () => {
    for (const expected of ['index.html', 'page/2/index.html', 'papers/2405.05417/index.html', 'papers/2405.05417/paper.json', 'papers/2405.05417/cite.bib', 'topics/index.html', 'topics/diffusion/index.html', 'topics/diffusion/feed.xml', 'topics/diffusion/feed.json', 'reviewers/index.html', 'reviewers/mike/index.html', 'archive/index.html', 'archive/2025/01/index.html', 'archive/undated/index.html', 'sources/index.html', 'sources/mikes-daily-paper/index.html', 'search/index.html', 'about/index.html', '404.html', 'feed.xml', 'feed.json', 'sitemap.xml', 'robots.txt', 'papers.json', 'assets/site.css', 'assets/katex/katex.min.css']) {
      expect(files).toContain(expected)
    }
    expect(files.filter((file) => /^papers\/[^/]+\/index\.html$/.test(file))).toHaveLength(212)
  })

  it('resolves every internal href and src at /', () => {
    expect(brokenReferences(outDir, '/', 'https://digest.example')).toEqual([])
  })

  it('resolves every internal href and src under /digest/', () => {
    expect(brokenReferences(digestDir, '/digest/', 'https://digest.example')).toEqual([])
    const home = readFileSync(path.join(digestDir, 'index.html'), 'utf8')
    expect(home).toContain('href="/digest/assets/site.css"')
    expect(home).toContain('<link rel="canonical" href="https://digest.example/digest/">')
    expect(readFileSync(path.join(digestDir, 'feed.xml'), 'utf8')).toContain('https://digest.example/digest/papers/')
    expect(readFileSync(path.join(digestDir, 'sitemap.xml'), 'utf8')).toContain('<loc>https://digest.example/digest/papers/2405.05417/</loc>')
  })

  it('ships every KaTeX font its stylesheet asks for', () => {
    const css = readFileSync(path.join(outDir, 'assets/katex/katex.min.css'), 'utf8')
    const fonts = [...css.matchAll(/url\((fonts\/[^)]+)\)/g)].map((match) => match[1]!)
    expect(fonts.length).toBeGreaterThan(10)
    for (const font of fonts) expect(existsSync(path.join(outDir, 'assets/katex', font)), font).toBe(true)
    expect(css).not.toMatch(/\.woff\)|\.ttf\)/)
  })

  it('produces valid HTML on every page', async () => {
    const validator = new HtmlValidate({
      extends: ['html-validate:recommended'],
      rules: {
        // KaTeX positions glyphs with inline styles.
        'no-inline-style': 'off',
        // Reviews are prose written by people: long titles and text are fine.
        'long-title': 'off',
        // KaTeX emits empty spans for struts.
        'empty-heading': 'error',
        'no-trailing-whitespace': 'off',
        'attribute-empty-style': 'off',
        // MathML inside KaTeX output is valid HTML5 but unknown to the validator.
        'element-name': 'off',
        'no-unknown-elements': 'off',
        'attribute-allowed-values': 'error',
        // Newsletter text may contain doubled spaces or characters we keep as written.
        'no-raw-characters': 'off',
      },
    })
    const problems: string[] = []
    for (const file of files.filter((name) => name.endsWith('.html'))) {
      const report = await validator.validateString(readFileSync(path.join(outDir, file), 'utf8'), file)
      for (const result of report.results) {
        for (const message of result.messages) problems.push(`${file}:${message.line}:${message.column} ${message.ruleId} ${message.message}`)
      }
    }
    expect(problems.slice(0, 20)).toEqual([])
  }, 120_000)

  it('runs no script on any page but the search page', () => {
    for (const file of files.filter((name) => name.endsWith('.html') && name !== 'search/index.html')) {
      expect(readFileSync(path.join(outDir, file), 'utf8'), file).not.toMatch(/<script\b/i)
    }
  })

  it('links KaTeX CSS only from pages with math', () => {
    const withMath = files.filter((name) => name.startsWith('papers/') && name.endsWith('index.html')).filter((name) => readFileSync(path.join(outDir, name), 'utf8').includes('class="katex"'))
    expect(withMath.length).toBeGreaterThan(5)
    for (const name of withMath) expect(readFileSync(path.join(outDir, name), 'utf8')).toContain('katex.min.css')
    expect(readFileSync(path.join(outDir, 'papers/2405.03003/index.html'), 'utf8')).toBeTypeOf('string')
    const home = readFileSync(path.join(outDir, 'index.html'), 'utf8')
    expect(home).not.toContain('katex.min.css')
  })

  it('gives paper pages citation and social meta tags', () => {
    const html = readFileSync(path.join(outDir, 'papers/2405.05417/index.html'), 'utf8')
    expect(html).toContain('<meta name="citation_title" content="Fishing for Magikarp: Automatically detecting under-trained tokens in large language models">')
    expect(html).toContain('<meta name="citation_arxiv_id" content="2405.05417">')
    expect(html).toContain('<meta name="citation_pdf_url" content="https://arxiv.org/pdf/2405.05417">')
    expect(html).toContain('<meta property="og:title" content="Fishing for Magikarp: Automatically detecting under-trained tokens in large language models">')
    expect(html).toContain('<link rel="canonical" href="https://digest.example/papers/2405.05417/">')
    expect(html).toContain('<a href="https://arxiv.org/abs/2405.05417" rel="noopener">arXiv:2405.05417</a>')
  })

  it('writes feeds, sitemap and data files that parse', () => {
    const atom = readFileSync(path.join(outDir, 'feed.xml'), 'utf8')
    expect(atom.startsWith('<?xml')).toBe(true)
    expect(atom).toContain('<feed xmlns="http://www.w3.org/2005/Atom">')
    expect((atom.match(/<entry>/g) ?? []).length).toBe(50)
    expect(atom).toContain('<updated>2025-09-05T00:00:00.000Z</updated>')
    const json = JSON.parse(readFileSync(path.join(outDir, 'feed.json'), 'utf8'))
    expect(json.version).toBe('https://jsonfeed.org/version/1')
    expect(json.items[0].url).toBe('https://digest.example/papers/2507.18071/#review-1')
    const paper = JSON.parse(readFileSync(path.join(outDir, 'papers/2501.16496/paper.json'), 'utf8'))
    expect(paper.reviews).toHaveLength(2)
    expect(readFileSync(path.join(outDir, 'papers/2405.05417/cite.bib'), 'utf8')).toBe(
      '@misc{digest:2405.05417,\n  title = {Fishing for Magikarp: Automatically detecting under-trained tokens in large language models},\n  year = {2024},\n  eprint = {2405.05417},\n  archivePrefix = {arXiv},\n  url = {https://arxiv.org/abs/2405.05417}\n}\n',
    )
    expect(readFileSync(path.join(outDir, 'robots.txt'), 'utf8')).toBe('User-agent: *\nAllow: /\n\nSitemap: https://digest.example/sitemap.xml\n')
  })

  it('renders feed math as MathML only', () => {
    const atom = readFileSync(path.join(outDir, 'feed.xml'), 'utf8')
    expect(atom).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML">')
    expect(atom).not.toContain('katex-html')
  })
})
