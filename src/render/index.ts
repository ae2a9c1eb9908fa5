/**
 * Render: papers → the files of the site (HTML pages, feeds, sitemap, per-paper
 * JSON and BibTeX, assets), as an in-memory map for the output stage. Summaries
 * are rendered once each; KaTeX problems become messages on the review's file.
 */
import { hash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { VFile } from 'vfile'
import { paperRecord, papersJsonPiecesFrom, type PaperPieceStore } from '../catalog/papers-json.ts'
import { slugify } from '../catalog/slug.ts'
import type { Taxonomy } from '../catalog/topics.ts'
import type { ResolvedConfig } from '../config.ts'
import { report } from '../diagnostics/report.ts'
import type { Paper, Review } from '../model.ts'
import type { DeferredFile, SiteFileContents } from '../output/write-site.ts'
import { paperBibtex } from './bibtex.ts'
import { FEED_SIZE, renderFeeds } from './feeds.ts'
import { createKeyMemory, PageKeys, type KeyMemory } from './page-keys.ts'
import type { RenderedSummary } from './markdown.ts'
import { renderEach } from './summary-pool.ts'
import { NO_SUMMARY_CACHE, summaryCacheKey, type SummaryCache } from './summary-cache.ts'
import { createPaperPlanMemory, groupBy, planPages, type PagePlan, type PaperPlanMemory } from './pages.ts'
import { renderRobots, sitemapLine, sitemapOfLines } from './sitemap.ts'
import { fileForUrl, SitePaths } from './site-paths.ts'
import { createTemplateRenderer } from './templates.ts'
import type { SearchAssets } from '../search/index.ts'
import { buildPaperViews, createViewMemory, listingEntries, type ListingEntry, type PaperView, type SourceInfo, type ViewMemory } from './view-model.ts'
import { sourcePath } from '../source-root.ts'

/** What render needs from the earlier stages. */
export interface RenderInput {
  readonly config: ResolvedConfig
  readonly papers: readonly Paper[]
  /** Every review's rendered summary, from {@link renderSummaries}. */
  readonly rendered: ReadonlyMap<Review, RenderedSummary>
  readonly taxonomy: Taxonomy
  readonly sources: readonly SourceInfo[]
  /** Site-relative paths of the search files, from the search stage; null builds a search page without search. */
  readonly search: SearchAssets | null
  /** Papers' pieces of `papers.json` made by earlier builds (the build cache); none by default. */
  readonly paperPieces?: PaperPieceStore | null
  /** A session's memory of its previous build's views and keys (`digest dev`); none by default. */
  readonly memory?: RenderMemory | null
}

/** What a session's builds remember of the views and keys of the one before. */
export interface RenderMemory {
  readonly views: ViewMemory
  readonly keys: KeyMemory
  readonly paperPages: PaperPlanMemory
  /** The previous build's sitemap: its lines (each remembered by plan, so unchanged ones are the same strings) and its file. */
  sitemap: { readonly lines: readonly string[]; readonly file: DeferredFile } | null
}

/** Make an empty {@link RenderMemory}. */
export function createRenderMemory(): RenderMemory {
  return { views: createViewMemory(), keys: createKeyMemory(), paperPages: createPaperPlanMemory(), sitemap: null }
}

/** The rendered site and the views it was built from. */
export interface RenderResult {
  readonly files: Map<string, SiteFileContents>
  readonly papers: readonly PaperView[]
}

const require = createRequire(sourcePath('render', 'index.ts'))

/**
 * Render every review summary (Markdown → sanitized HTML with KaTeX, plain text),
 * or take it from `cache` when the same Markdown was rendered by the same renderer
 * before. KaTeX problems become messages on the review's content file either way.
 */
export async function renderSummaries(
  papers: readonly Paper[],
  files: ReadonlyMap<string, VFile>,
  cache: SummaryCache = NO_SUMMARY_CACHE,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<Map<Review, RenderedSummary>> {
  const plan = planSummaries(
    papers.flatMap((paper) => paper.reviews),
    cache,
  )
  const rendered = await renderPlannedSummaries(plan, cache, onProgress)
  reportSummaryProblems(papers, rendered, files)
  return rendered
}

/** Reviews' summaries as far as the cache has them, and those still to render. */
export interface SummaryPlan {
  /** Summaries from the cache. */
  readonly cached: ReadonlyMap<Review, RenderedSummary>
  /** The reviews whose summaries must be rendered, by summary key (reviews with the same summary share one). */
  readonly missing: ReadonlyMap<string, readonly Review[]>
}

/**
 * Which of `reviews`' summaries the cache has, and which must be rendered: the
 * first half of {@link renderSummaries}, for a build that decides from it when
 * to render (alongside the catalog, when on worker threads).
 */
export function planSummaries(reviews: readonly Review[], cache: SummaryCache = NO_SUMMARY_CACHE): SummaryPlan {
  const cached = new Map<Review, RenderedSummary>()
  const missing = new Map<string, Review[]>()
  for (const review of reviews) {
    const key = summaryCacheKey(review)
    const waiting = missing.get(key)
    if (waiting) {
      waiting.push(review)
      continue
    }
    const found = cache.get(key)
    if (found) cached.set(review, found)
    else missing.set(key, [review])
  }
  return { cached, missing }
}

/**
 * Render the summaries `plan` is missing, storing each in `cache`: every review's
 * summary, without messages (see {@link reportSummaryProblems}). `onRendered` is
 * told of each review as its summary is rendered. Each summary is read (from its
 * file) only when it is sent to be rendered.
 */
export async function renderPlannedSummaries(
  plan: SummaryPlan,
  cache: SummaryCache = NO_SUMMARY_CACHE,
  onProgress: (done: number, total: number) => void = () => {},
  onRendered: (review: Review, summary: RenderedSummary) => void = () => {},
): Promise<Map<Review, RenderedSummary>> {
  const rendered = new Map(plan.cached)
  const keys = [...plan.missing.keys()]
  onProgress(0, keys.length)
  await renderEach(
    keys.length,
    (index) => plan.missing.get(keys[index]!)![0]!.summary,
    (index, summary) => {
      const key = keys[index]!
      cache.set(key, summary)
      // Taken back from the cache when it can give it: its HTML and text then wait on disk until a file needs them.
      const kept = cache.get(key) ?? summary
      for (const review of plan.missing.get(key)!) {
        rendered.set(review, kept)
        onRendered(review, kept)
      }
    },
    (done) => onProgress(done, keys.length),
  )
  return rendered
}

/** Report the KaTeX problems of every paper's rendered summaries on their content files. */
export function reportSummaryProblems(papers: readonly Paper[], rendered: ReadonlyMap<Review, RenderedSummary>, files: ReadonlyMap<string, VFile>): void {
  for (const paper of papers) {
    for (const review of paper.reviews) {
      const { problems } = rendered.get(review)!
      if (problems.length === 0) continue
      const file = files.get(review.source)
      for (const problem of problems) {
        if (file) report(file, 'invalid-math', `${problem.reason} in the review of "${paper.title}"; the formula is shown as written`, { line: review.line })
      }
    }
  }
}

/** Render every file of the site. */
export function renderSite(input: RenderInput): RenderResult {
  const { config, papers, rendered } = input
  const paths = new SitePaths(config.site.basePath, config.site.origin)
  const files = new Map<string, SiteFileContents>()

  const sourceMap = new Map(input.sources.map((source) => [source.path, source]))
  const views = buildPaperViews(papers, rendered, input.taxonomy.topics, sourceMap, paths, input.memory?.views ?? null)
  const entries = listingEntries(views)
  const plans = planPages({ papers: views, entries, topics: input.taxonomy.topics, sources: input.sources, paths, pageSize: config.pageSize, siteDescription: config.site.description, memory: input.memory?.paperPages ?? null })

  const templates = createTemplateRenderer(config.templatesDir)
  const globals = {
    site: config.site,
    links: {
      home: paths.url(),
      topics: paths.url(paths.topics()),
      reviewers: paths.url(paths.reviewers()),
      archive: paths.url(paths.archive()),
      sources: paths.url(paths.sources()),
      search: paths.url(paths.search()),
      about: paths.url(paths.about()),
      atom: paths.url('feed.xml'),
      jsonFeed: paths.url('feed.json'),
      papersJson: paths.url('papers.json'),
      opensearch: paths.url('opensearch.xml'),
    },
    assets: {
      css: paths.url(paths.asset('site.css')),
      katexCss: paths.url(paths.asset('katex/katex.min.css')),
      icon: paths.url(paths.asset('icon.svg')),
    },
  }
  // Only the search page names the search files (which change with every edit), so only it depends on them.
  const search = input.search
    ? {
        script: paths.url(input.search.script),
        // Relative to the site root (data-root): the client resolves every search file against it.
        base: input.search.base,
      }
    : null
  const dataOf = (plan: PagePlan) => (plan.template === 'search' ? { ...plan.data, search } : plan.data)

  // Pages and per-paper files are deferred: the output stage makes only those whose key changed.
  const keys = new PageKeys(config.templatesDir, { globals, topics: input.taxonomy.topics, sources: input.sources, pageSize: config.pageSize, epoch: config.sourceDateEpoch }, views, input.memory?.keys ?? null)
  for (const plan of plans) {
    const data = dataOf(plan)
    // A plan a session made before (an unchanged paper's page) has its file and key; a listing is keyed by its inputs.
    const { file, key } = keys.remembered(plan, () => {
      const file = fileForUrl(plan.url)
      const parts = () => [plan.template, plan.url, data]
      return { file, key: plan.inputs ? keys.memoized(file, plan.inputs, parts) : keys.of(...parts()) }
    })
    files.set(file, { key, render: () => templates.render(plan.template, { ...globals, ...data }) })
  }
  for (const view of views) {
    // A function of the view alone: a session's unchanged papers keep theirs.
    const perPaper = keys.remembered(view, () => {
      const base = paths.paper(view.id)
      return [
        [`${base}paper.json`, { key: keys.of('paper.json', view), render: () => `${JSON.stringify(paperRecord(view.paper), null, 2)}\n` }],
        [`${base}cite.bib`, { key: keys.of('cite.bib', view), render: () => paperBibtex(view.paper) }],
      ] as const
    })
    for (const [file, contents] of perPaper) files.set(file, contents)
  }
  const pieceStore = input.paperPieces ?? new Map<string, Uint8Array>()
  // The key stands for the bytes: it covers the code that writes them and each paper's record, in order.
  const papersJsonKey = keys.of('papers.json', views)
  files.set('papers.json', { key: papersJsonKey, render: () => ({ pieces: papersJsonPiecesFrom(papers, pieceStore, (paper) => keys.digestOf(paper)), identity: papersJsonKey }) })

  addFeeds(files, entries, input, paths, keys)
  files.set('sitemap.xml', sitemapFile(sitemapLines(plans, paths), input.memory ?? null))
  files.set('robots.txt', renderRobots(paths.absolute('sitemap.xml')))
  files.set('opensearch.xml', openSearchDescription(config, paths))
  addAssets(files, config)
  return { files, papers: views }
}

function addFeeds(files: Map<string, SiteFileContents>, all: readonly ListingEntry[], input: RenderInput, paths: SitePaths, keys: PageKeys): void {
  const { config } = input
  const contentOf = (entry: ListingEntry) => entry.review.feedHtml
  const absolute = (urlPath: string) => `${config.site.origin}${urlPath}`
  const feedPair = (entries: readonly ListingEntry[], render: () => { atom: string; json: string }, name: string) => {
    let made: { atom: string; json: string } | null = null
    const once = () => (made ??= render())
    const key = keys.of('feeds', name, entries.slice(0, FEED_SIZE))
    return { atom: { key, render: () => once().atom }, json: { key, render: () => once().json } }
  }
  const site = feedPair(all, () => renderFeeds(
    {
      title: config.site.title,
      description: config.site.description,
      pageUrl: paths.absolute(),
      atomUrl: paths.absolute('feed.xml'),
      jsonUrl: paths.absolute('feed.json'),
      language: config.site.language,
      sourceDateEpoch: config.sourceDateEpoch,
    },
    all,
    contentOf,
    absolute,
  ), 'site')
  files.set('feed.xml', site.atom)
  files.set('feed.json', site.json)
  // Each topic's entries, newest first as `all` is.
  const byTopic = groupBy(all, (entry) => new Set(entry.paper.tagSlugs))
  for (const topic of input.taxonomy.topics) {
    const entries = byTopic.get(topic.slug)
    if (!entries) continue
    const base = paths.topic(topic.slug)
    const feeds = feedPair(entries, () => renderFeeds(
      {
        title: `${topic.name} · ${config.site.title}`,
        description: topic.description,
        pageUrl: paths.absolute(base),
        atomUrl: paths.absolute(`${base}feed.xml`),
        jsonUrl: paths.absolute(`${base}feed.json`),
        language: config.site.language,
        sourceDateEpoch: config.sourceDateEpoch,
      },
      entries,
      contentOf,
      absolute,
    ), topic.slug)
    files.set(`${base}feed.xml`, feeds.atom)
    files.set(`${base}feed.json`, feeds.json)
  }
}

/**
 * Each plan's line of the sitemap, by plan: a plan is immutable and made for one
 * site's paths, and a `digest dev` session plans an unchanged paper's page as
 * the very object it planned before.
 */
const linesOfPlans = new WeakMap<PagePlan, string>()

/** The sitemap's lines: every page that may be indexed, paper pages with the date of their newest review. */
function sitemapLines(plans: readonly PagePlan[], paths: SitePaths): string[] {
  const lines: string[] = []
  for (const plan of plans) {
    if ((plan.data.page as { noindex?: boolean }).noindex) continue
    let line = linesOfPlans.get(plan)
    if (line === undefined) {
      const lastModified = plan.template === 'paper' ? (plan.data.paper as PaperView).latestDate : null
      line = sitemapLine({ url: paths.absolute(plan.url), lastModified })
      linesOfPlans.set(plan, line)
    }
    lines.push(line)
  }
  return lines
}

/**
 * The sitemap, keyed by a digest of its text. A session's build whose lines are
 * the very ones of its previous build takes that build's file over, rather than
 * join and hash its megabyte again (at 10k reviews, about 20 ms a rebuild).
 */
function sitemapFile(lines: readonly string[], memory: RenderMemory | null): DeferredFile {
  const previous = memory?.sitemap
  if (previous && previous.lines.length === lines.length && previous.lines.every((line, index) => line === lines[index])) return previous.file
  const text = sitemapOfLines(lines)
  const file: DeferredFile = { key: hash('sha1', text), render: () => text }
  if (memory) memory.sitemap = { lines, file }
  return file
}

function openSearchDescription(config: ResolvedConfig, paths: SitePaths): string {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
  return `<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>${escape(config.site.title.slice(0, 16))}</ShortName>
  <Description>${escape(config.site.description)}</Description>
  <Url type="text/html" method="get" template="${escape(paths.absolute(paths.search()))}?q={searchTerms}"/>
  <InputEncoding>UTF-8</InputEncoding>
</OpenSearchDescription>
`
}

/** Files from `public/` as they are, and KaTeX's stylesheet with its WOFF2 fonts. */
function addAssets(files: Map<string, SiteFileContents>, config: ResolvedConfig): void {
  for (const relative of listFiles(config.publicDir)) files.set(relative, { copyFrom: path.join(config.publicDir, relative) })
  const katexCss = require.resolve('katex/dist/katex.min.css')
  const katexDir = path.dirname(katexCss)
  // Every browser that runs this site reads WOFF2: keep only those fonts.
  const css = readFileSync(katexCss, 'utf8').replace(/,url\(fonts\/[^)]+\.woff\) format\("woff"\),url\(fonts\/[^)]+\.ttf\) format\("truetype"\)/g, '')
  files.set('assets/katex/katex.min.css', css)
  for (const font of readdirSync(path.join(katexDir, 'fonts')).filter((name) => name.endsWith('.woff2')).sort()) {
    files.set(`assets/katex/fonts/${font}`, { copyFrom: path.join(katexDir, 'fonts', font) })
  }
}

function listFiles(directory: string): string[] {
  try {
    return readdirSync(directory, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
      .sort()
  } catch {
    return []
  }
}

/** Source descriptions for render, from ingest's settings. */
export function sourceInfo(sourcePath: string, name: string, description: string | null): SourceInfo {
  return { path: sourcePath, name, description, slug: slugify(sourcePath.replace(/\.[^./]+$/, '')) }
}
