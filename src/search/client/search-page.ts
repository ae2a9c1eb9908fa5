/**
 * The search page in the browser: loads the prebuilt indexes (primary first,
 * then review text and excerpts), searches as the reader types, filters by
 * topic, reviewer and year, keeps its state in the URL, and renders results with
 * DOM APIs only — indexed text is never parsed as HTML.
 */
import { openSearchFile } from '../options.ts'
import { loadIndexes, queryTerms, searchPapers, type SearchFilters, type SearchHit, type SearchIndexes } from '../query.ts'

interface PrimaryData {
  readonly index: unknown
  readonly topics: Record<string, string>
}

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

let indexes: SearchIndexes | null = null
let topicNames: Record<string, string> = {}
let excerpts: Record<string, string> = {}
let shown = PAGE_SIZE
let timer: ReturnType<typeof setTimeout> | undefined

if (app && form && input && status && list) {
  document.documentElement.classList.add('search-ready')
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
    render()
  })
  document.addEventListener('keydown', onKeyDown)
}

async function start(root: HTMLElement): Promise<void> {
  const url = (name: string) => new URL(root.dataset[name] ?? '', document.baseURI).href
  setStatus('Loading the search index…')
  try {
    const primaryFile = await fetchJson(url('primary'))
    const primary = openSearchFile<PrimaryData>(primaryFile, 'primary')
    topicNames = primary.topics
    indexes = await loadIndexes(primary.index, null)
    render()
    const [textFile, excerptFile] = await Promise.all([fetchJson(url('text')), fetchJson(url('excerpts'))])
    const text = openSearchFile<{ index: unknown }>(textFile, 'text')
    excerpts = openSearchFile<Record<string, string>>(excerptFile, 'excerpts')
    indexes = await loadIndexes(primary.index, text.index)
    render()
  } catch (error) {
    setStatus(`Search is unavailable: ${error instanceof Error ? error.message : String(error)}`)
  }
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`could not load ${url} (HTTP ${response.status})`)
  return response.json()
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
  render()
}

function setStatus(text: string): void {
  if (status) status.textContent = text
}

function render(): void {
  if (!indexes || !list || !input) return
  const query = input.value.trim()
  const filters = currentFilters()
  const filtered = Boolean(filters.topic || filters.reviewer || filters.year)
  if (!query && !filtered) {
    list.replaceChildren()
    setStatus(`Type to search ${indexes.primary.documentCount} papers by title, topic, reviewer, arXiv id or words in the reviews.`)
    return
  }
  const hits = searchPapers(indexes, query, filters)
  const terms = [...new Set([...queryTerms(query), ...hits.slice(0, shown).flatMap((hit) => hit.terms)])]
  const items = hits.slice(0, shown).map((hit) => resultItem(hit, terms))
  if (hits.length > shown) items.push(moreButton(hits.length - shown))
  list.replaceChildren(...items)
  const what = query ? `“${query}”` : 'these filters'
  if (hits.length === 0) {
    setStatus(`No papers match ${what}. Check the spelling, try fewer or shorter words, or remove a filter.`)
  } else {
    const loadingText = indexes.text ? '' : ' Review text is still loading; more results may follow.'
    setStatus(`${hits.length} paper${hits.length === 1 ? '' : 's'} match ${what}.${loadingText}`)
  }
}

function paperUrl(id: string): string {
  return new URL(`papers/${encodeURIComponent(id)}/`, new URL(app?.dataset.base ?? '/', location.origin)).pathname
}

function resultItem(hit: SearchHit, terms: readonly string[]): HTMLLIElement {
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
  const excerpt = excerpts[hit.id]
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
      tagLink.href = new URL(`topics/${slug}/`, new URL(app?.dataset.base ?? '/', location.origin)).pathname
      tagLink.textContent = topicNames[slug] ?? slug
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
    render()
    list?.querySelectorAll<HTMLAnchorElement>('.result__title a')[firstNew]?.focus()
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
