/**
 * The search page in the browser: loads the prebuilt indexes (primary first,
 * then review text and excerpts), searches as the reader types, filters by
 * topic, reviewer and year, keeps its state in the URL, and renders results with
 * DOM APIs only — indexed text is never parsed as HTML.
 */
import { openSearchFile, type SearchBase, type SearchFragment } from '../options.ts'
import { queryTerms, SearchEngine, type SearchFilters, type SearchHit } from '../query.ts'

const PAGE_SIZE = 30
const DEBOUNCE_MS = 120

const app = document.getElementById('search-app')
const form = document.querySelector<HTMLFormElement>('form.search-form')
const input = document.querySelector<HTMLInputElement>('#search-q')
const status = document.getElementById('search-status')
const list = document.getElementById('search-results')
const selects = {
  topic: document.querySelector<HTMLSelectElement>('#search-topic'),
  reviewer: document.querySelector<HTMLSelectElement>('#search-reviewer'),
  year: document.querySelector<HTMLSelectElement>('#search-year'),
}
const siteRoot = new URL(app?.dataset.root ?? '/', location.origin)

let engine: SearchEngine | null = null
let topicNames = new Map<string, string>()
const fragments = new Map<number, Promise<SearchFragment | null>>()
let shown = PAGE_SIZE
let timer: ReturnType<typeof setTimeout> | undefined
/** Incremented on every render, so a slow load never paints stale results. */
let generation = 0

if (app && form && input && status && list) {
  restoreFromUrl()
  void start(app)
  input.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(() => update('replace'), DEBOUNCE_MS)
  })
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    clearTimeout(timer)
    update('push')
  })
  for (const select of Object.values(selects)) select?.addEventListener('change', () => update('push'))
  window.addEventListener('popstate', () => {
    restoreFromUrl()
    void render()
  })
  document.addEventListener('keydown', onKeyDown)
}

async function start(root: HTMLElement): Promise<void> {
  setStatus('Loading the search index…')
  try {
    const base = openSearchFile<SearchBase>(await fetchJson(root.dataset.base ?? ''), 'base')
    topicNames = new Map(base.topicSlugs.map((slug, index) => [slug, base.topicNames[index] ?? slug]))
    engine = new SearchEngine(base, (file) => fetchJson(file))
    document.documentElement.classList.add('search-ready')
    await render()
  } catch (error) {
    setStatus(`Search is unavailable: ${error instanceof Error ? error.message : String(error)}`)
  }
}

async function fetchJson(file: string): Promise<unknown> {
  const url = new URL(file, siteRoot).href
  const response = await fetch(url)
  if (!response.ok) throw new Error(`could not load ${url} (HTTP ${response.status})`)
  return response.json()
}

function fragment(hit: SearchHit): Promise<SearchFragment | null> {
  let pending = fragments.get(hit.shortId)
  if (!pending) {
    pending = fetchJson(`${engine?.base.fragments ?? 'search/f/'}${hit.shortId}.json`)
      .then((data) => openSearchFile<SearchFragment>(data, 'fragment'))
      .catch(() => null)
    fragments.set(hit.shortId, pending)
  }
  return pending
}

function currentFilters(): SearchFilters {
  return { topic: selects.topic?.value ?? '', reviewer: selects.reviewer?.value ?? '', year: selects.year?.value ?? '' }
}

/** Put the query and filters of the URL into the form. */
function restoreFromUrl(): void {
  const params = new URLSearchParams(location.search)
  if (input) input.value = params.get('q') ?? ''
  for (const [name, select] of Object.entries(selects)) {
    if (!select) continue
    const value = params.get(name) ?? ''
    select.value = [...select.options].some((option) => option.value === value) ? value : ''
  }
}

/** Run the search and record the state in the URL. */
function update(mode: 'push' | 'replace'): void {
  shown = PAGE_SIZE
  const params = new URLSearchParams()
  const query = input?.value.trim() ?? ''
  if (query) params.set('q', query)
  for (const [name, value] of Object.entries(currentFilters())) if (value) params.set(name, value)
  const next = `${location.pathname}${params.size > 0 ? `?${params}` : ''}`
  if (next !== `${location.pathname}${location.search}`) {
    if (mode === 'push') history.pushState(null, '', next)
    else history.replaceState(null, '', next)
  }
  void render()
}

function setStatus(text: string): void {
  if (status) status.textContent = text
}

/** Search with the title/topic shards first, then again once the review-text shards are in. */
async function render(): Promise<void> {
  if (!engine || !list || !input) return
  const current = ++generation
  const query = input.value.trim()
  const filters = currentFilters()
  if (!query && !filters.topic && !filters.reviewer && !filters.year) {
    list.replaceChildren()
    setStatus(`Type to search ${engine.size} papers by title, topic, reviewer, arXiv id or words in the reviews.`)
    return
  }
  try {
    await engine.load(query, 'primary')
    if (current !== generation) return
    const textPending = !engine.isLoaded(query, 'text')
    await paint(current, query, filters, textPending)
    if (textPending) {
      await engine.load(query, 'text')
      if (current === generation) await paint(current, query, filters, false)
    }
  } catch (error) {
    if (current === generation) setStatus(`Search failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}

async function paint(current: number, query: string, filters: SearchFilters, textPending: boolean): Promise<void> {
  if (!engine || !list) return
  const hits = engine.search(query, filters)
  const visible = hits.slice(0, shown)
  const loaded = await Promise.all(visible.map((hit) => fragment(hit)))
  if (current !== generation) return
  const terms = [...new Set([...queryTerms(query), ...visible.flatMap((hit) => hit.terms)])]
  const items = visible.flatMap((_hit, index) => {
    const data = loaded[index]
    return data ? [resultItem(data, terms)] : []
  })
  if (hits.length > shown) items.push(moreButton(hits.length - shown))
  list.replaceChildren(...items)
  const what = query ? `“${query}”` : 'these filters'
  if (hits.length === 0 && !textPending) {
    setStatus(`No papers match ${what}. Check the spelling, try fewer or shorter words, or remove a filter.`)
  } else {
    const more = textPending ? ' Searching the review text…' : ''
    setStatus(`${hits.length} paper${hits.length === 1 ? '' : 's'} match ${what}.${more}`)
  }
}

function paperUrl(id: string): string {
  return new URL(`papers/${encodeURIComponent(id)}/`, siteRoot).pathname
}

function resultItem(hit: SearchFragment, terms: readonly string[]): HTMLLIElement {
  const item = document.createElement('li')
  item.className = 'result'
  const heading = document.createElement('h2')
  heading.className = 'result__title'
  const link = document.createElement('a')
  link.href = paperUrl(hit.id)
  link.append(...highlighted(hit.title, terms))
  heading.append(link)
  const byline = document.createElement('p')
  byline.className = 'byline'
  const parts = [hit.date ? formatDate(hit.date) : 'Undated']
  if (hit.reviewers.length > 0) parts.push(`by ${hit.reviewers.join(', ')}`)
  byline.textContent = parts.join(' · ')
  item.append(heading, byline)
  const excerpt = hit.excerpt
  if (excerpt) {
    const paragraph = document.createElement('p')
    paragraph.className = 'result__excerpt'
    paragraph.append(...highlighted(excerpt, terms))
    item.append(paragraph)
  }
  if (hit.topics.length > 0) {
    const tags = document.createElement('ul')
    tags.className = 'tags'
    for (const slug of hit.topics) {
      const tag = document.createElement('li')
      const tagLink = document.createElement('a')
      tagLink.className = 'tag'
      tagLink.href = new URL(`topics/${slug}/`, siteRoot).pathname
      tagLink.textContent = topicNames.get(slug) ?? slug
      tag.append(tagLink)
      tags.append(tag)
    }
    item.append(tags)
  }
  return item
}

function moreButton(remaining: number): HTMLLIElement {
  const item = document.createElement('li')
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'result__more'
  button.textContent = `Show ${Math.min(remaining, PAGE_SIZE)} more`
  button.addEventListener('click', () => {
    const firstNew = shown
    shown += PAGE_SIZE
    void render().then(() => list?.querySelectorAll<HTMLAnchorElement>('.result__title a')[firstNew]?.focus())
  })
  item.append(button)
  return item
}

/** Text split into plain text nodes and `<mark>`s around words starting with a matched term. */
function highlighted(text: string, terms: readonly string[]): Node[] {
  const usable = terms.filter((term) => term.length > 1).sort((a, b) => b.length - a.length)
  if (usable.length === 0) return [document.createTextNode(text)]
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${usable.map(escapeRegExp).join('|')})[\\p{L}\\p{N}]*`, 'giu')
  const nodes: Node[] = []
  let last = 0
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) nodes.push(document.createTextNode(text.slice(last, match.index)))
    const mark = document.createElement('mark')
    mark.textContent = match[0]
    nodes.push(mark)
    last = match.index + match[0].length
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)))
  return nodes
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

function formatDate(date: string): string {
  const [year, month, day] = date.split('-')
  return `${Number(day)} ${MONTHS[Number(month) - 1] ?? ''} ${year}`
}

/** `/` focuses the search box; arrow keys move through results; Escape returns to the box. */
function onKeyDown(event: KeyboardEvent): void {
  if (!input || !list) return
  const target = event.target as HTMLElement | null
  const typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement || target?.isContentEditable
  if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault()
    input.focus()
    input.select()
    return
  }
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Escape') return
  const links = [...list.querySelectorAll<HTMLAnchorElement>('.result__title a')]
  const index = links.indexOf(document.activeElement as HTMLAnchorElement)
  if (event.key === 'Escape' && index !== -1) {
    event.preventDefault()
    input.focus()
  } else if (event.key === 'ArrowDown' && (target === input || index !== -1)) {
    const next = links[index + 1]
    if (next) {
      event.preventDefault()
      next.focus()
    }
  } else if (event.key === 'ArrowUp' && index !== -1) {
    event.preventDefault()
    if (index === 0) input.focus()
    else links[index - 1]?.focus()
  }
}
