/**
 * Every URL of the site in one place, under the configured base path, so a site
 * served from `/digest/` links correctly everywhere. Page URLs end in `/` and map
 * to `…/index.html` files.
 */

/** URLs of the site and the output files behind them. */
export class SitePaths {
  readonly basePath: string
  readonly origin: string

  constructor(basePath: string, origin: string) {
    this.basePath = basePath
    this.origin = origin
  }

  /** Site-relative path → URL path under the base path (`papers/x/` → `/digest/papers/x/`). */
  url(relative = ''): string {
    return `${this.basePath}${relative.replace(/^\/+/, '')}`
  }

  /** Absolute URL for canonical links and feeds. */
  absolute(relative = ''): string {
    return `${this.origin}${this.url(relative)}`
  }

  home(page = 1): string {
    return page <= 1 ? '' : `page/${page}/`
  }

  paper(id: string): string {
    return `papers/${encodeURIComponent(id)}/`
  }

  topics(): string {
    return 'topics/'
  }

  topic(slug: string, page = 1): string {
    return page <= 1 ? `topics/${slug}/` : `topics/${slug}/page/${page}/`
  }

  reviewers(): string {
    return 'reviewers/'
  }

  reviewer(slug: string, page = 1): string {
    return page <= 1 ? `reviewers/${slug}/` : `reviewers/${slug}/page/${page}/`
  }

  sources(): string {
    return 'sources/'
  }

  source(slug: string, page = 1): string {
    return page <= 1 ? `sources/${slug}/` : `sources/${slug}/page/${page}/`
  }

  archive(): string {
    return 'archive/'
  }

  archiveMonth(month: string): string {
    return `archive/${month.replace('-', '/')}/`
  }

  search(): string {
    return 'search/'
  }

  about(): string {
    return 'about/'
  }

  asset(name: string): string {
    return `assets/${name}`
  }
}

/** The file that serves a site-relative URL: `papers/x/` → `papers/x/index.html`. */
export function fileForUrl(relative: string): string {
  return relative === '' || relative.endsWith('/') ? `${relative}index.html` : relative
}
