/**
 * The template engine: LiquidJS over `templates/`, with every `{{ output }}`
 * HTML-escaped by default. Only already-sanitized review HTML is printed with
 * `| raw`. Templates are parsed once and cached for the whole build.
 */
import path from 'node:path'
import { Liquid } from 'liquidjs'

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
  return {
    render(template, data) {
      return engine.renderFileSync(template, data)
    },
  }
}
