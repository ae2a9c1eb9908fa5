/**
 * `sitemap.xml` and `robots.txt`. The sitemap lists every indexable page with
 * the date of its newest review where one is known.
 */

/** A page in the sitemap. */
export interface SitemapEntry {
  /** Absolute URL. */
  readonly url: string
  /** `YYYY-MM-DD`, or null. */
  readonly lastModified: string | null
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

/** One page's line of the sitemap. */
export function sitemapLine(entry: SitemapEntry): string {
  return `  <url><loc>${escapeXml(entry.url)}</loc>${entry.lastModified ? `<lastmod>${entry.lastModified}</lastmod>` : ''}</url>`
}

/** The sitemap document from its pages' lines ({@link sitemapLine}). */
export function sitemapOfLines(lines: readonly string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${lines.join('\n')}\n</urlset>\n`
}

/** robots.txt allowing everything and pointing at the sitemap. */
export function renderRobots(sitemapUrl: string): string {
  return `User-agent: *\nAllow: /\n\nSitemap: ${sitemapUrl}\n`
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char] ?? char)
}
