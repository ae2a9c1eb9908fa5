/**
 * The template engine: LiquidJS over `templates/`, with every `{{ output }}`
 * HTML-escaped by default. Only already-sanitized review HTML, and template
 * output itself, is printed with `| raw`. Templates are parsed once and cached
 * for the whole build.
 *
 * The `card` filter renders `partials/entry-card.liquid` for a listing entry
 * once per build: a review's card appears on many listings (home, archive,
 * topics, reviewers, newsletters), and rendering it again for each is most of
 * what listing pages cost.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Liquid } from 'liquidjs'
import type { ListingEntry } from './view-model.ts'

/** Renders a named page template with data. */
export interface TemplateRenderer {
  render(template: string, data: Readonly<Record<string, unknown>>): string
}

/** Create a renderer for the templates in `templatesDir` (`layouts/`, `partials/`, `pages/`). */
export function createTemplateRenderer(templatesDir: string): TemplateRenderer {
  const engine = new Liquid({
    root: [path.join(templatesDir, 'pages')],
    layouts: [path.join(templatesDir, 'layouts')],
    partials: [path.join(templatesDir, 'partials')],
    extname: '.liquid',
    outputEscape: 'escape',
    strictFilters: true,
    ownPropertyOnly: true,
    cache: true,
    greedy: false,
  })
  const cards = new Map<string, string>()
  let cardTemplate: ReturnType<Liquid['parse']> | null = null
  engine.registerFilter('card', (entry: ListingEntry, level: unknown = 2) => {
    const key = `${entry.paper.id}\0${entry.review.anchor}\0${String(level)}`
    let html = cards.get(key)
    if (html === undefined) {
      const file = path.join(templatesDir, 'partials', 'entry-card.liquid')
      cardTemplate ??= engine.parse(readFileSync(file, 'utf8'), file)
      html = engine.renderSync(cardTemplate, { entry, level }) as string
      cards.set(key, html)
    }
    return html
  })
  return {
    render(template, data) {
      return engine.renderFileSync(template, data)
    },
  }
}
