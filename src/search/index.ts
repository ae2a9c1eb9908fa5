/**
 * Search: papers → the files of in-browser search. Builds the primary and text
 * MiniSearch indexes with the shared options, a map of excerpts, and the client
 * script bundled with esbuild; every file gets a content-hashed name so it can be
 * cached forever.
 */
import { createHash } from 'node:crypto'
import path from 'node:path'
import { build as esbuild } from 'esbuild'
import MiniSearch from 'minisearch'
import type { Topic } from '../catalog/topics.ts'
import type { Paper, Review } from '../model.ts'
import { excerptOf } from '../render/view-model.ts'
import { PRIMARY_INDEX_OPTIONS, SEARCH_FORMAT, SEARCH_FORMAT_VERSION, TEXT_INDEX_OPTIONS, type PrimaryDocument, type SearchFile, type TextDocument } from './options.ts'

/** What search needs from earlier stages. */
export interface SearchInput {
  readonly papers: readonly Paper[]
  /** Plain text of every review. */
  readonly textOf: (review: Review) => string
  readonly topics: readonly Topic[]
}

/** Site-relative paths of the search files, for the search page. */
export interface SearchAssets {
  readonly primary: string
  readonly text: string
  readonly excerpts: string
  readonly script: string
}

/** Files and their names. */
export interface SearchOutput {
  readonly files: ReadonlyMap<string, string | Uint8Array>
  readonly assets: SearchAssets
}

/** The documents of the primary index. */
export function primaryDocuments(papers: readonly Paper[], topics: readonly Topic[]): PrimaryDocument[] {
  const topicNames = new Map(topics.map((topic) => [topic.slug, topic.name]))
  return papers.map((paper) => {
    const reviewers = [...new Set(paper.reviews.flatMap((review) => review.reviewers))]
    const dates = paper.reviews.map((review) => review.date).filter((date): date is string => date !== null).sort()
    return {
      id: paper.id,
      title: paper.title,
      topics: paper.tags.map((slug) => `${topicNames.get(slug) ?? slug} ${slug}`).join(' '),
      reviewers: reviewers.join(' '),
      arxiv: paper.arxivId ?? '',
      t: paper.title,
      d: dates[dates.length - 1] ?? '',
      r: reviewers,
      g: paper.tags,
    }
  })
}

/** The documents of the text index. */
export function textDocuments(papers: readonly Paper[], textOf: (review: Review) => string): TextDocument[] {
  return papers.map((paper) => ({ id: paper.id, text: paper.reviews.map(textOf).join('\n') }))
}

/** Build the search files. */
export async function buildSearch(input: SearchInput): Promise<SearchOutput> {
  const primary = new MiniSearch(PRIMARY_INDEX_OPTIONS)
  primary.addAll(primaryDocuments(input.papers, input.topics))
  const text = new MiniSearch(TEXT_INDEX_OPTIONS)
  text.addAll(textDocuments(input.papers, input.textOf))
  const excerpts: Record<string, string> = {}
  for (const paper of input.papers) {
    const latest = [...paper.reviews].reverse().find((review) => input.textOf(review) !== '')
    excerpts[paper.id] = latest ? excerptOf(input.textOf(latest)) : ''
  }
  const topicNames = Object.fromEntries(input.topics.map((topic) => [topic.slug, topic.name]))
  const files = new Map<string, string | Uint8Array>()
  const add = (name: string, extension: string, contents: string | Uint8Array): string => {
    const hash = createHash('sha256').update(contents).digest('hex').slice(0, 12)
    const file = `search/${name}.${hash}.${extension}`
    files.set(file, contents)
    return file
  }
  const envelope = <T>(kind: SearchFile<T>['kind'], data: T): string => JSON.stringify({ format: SEARCH_FORMAT, version: SEARCH_FORMAT_VERSION, kind, data } satisfies SearchFile<T>)
  const assets: SearchAssets = {
    primary: add('primary', 'json', envelope('primary', { index: primary.toJSON(), topics: topicNames })),
    text: add('text', 'json', envelope('text', { index: text.toJSON() })),
    excerpts: add('excerpts', 'json', envelope('excerpts', excerpts)),
    script: add('search', 'js', await bundleClient()),
  }
  return { files, assets }
}

let bundled: Promise<Uint8Array> | null = null

/** The search page script: TypeScript bundled with MiniSearch, minified. Built once per process. */
export function bundleClient(): Promise<Uint8Array> {
  bundled ??= esbuild({
    entryPoints: [path.join(import.meta.dirname, 'client/search-page.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020'],
    platform: 'browser',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.contents)
  return bundled
}
