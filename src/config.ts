/**
 * Configuration: one typed {@link UserConfig} where every field is optional and
 * documents its default, resolved once by {@link resolveConfig} into a frozen
 * {@link ResolvedConfig}. The caller's object is never mutated.
 */
import path from 'node:path'

/** Site identity, used in page titles, feeds and canonical URLs. */
export interface SiteConfig {
  /** Site name. @default 'Research Digest' */
  readonly title?: string
  /** One-sentence description for the home page and feeds. @default 'Reviews of AI/ML papers from the newsletters we read.' */
  readonly description?: string
  /** Public origin without a path, for canonical URLs and feeds, e.g. `https://example.org`. @default 'http://localhost' */
  readonly origin?: string
  /** Path the site is served under, e.g. `/digest/` on GitHub Pages. @default '/' */
  readonly basePath?: string
  /** Language of the pages. @default 'en' */
  readonly language?: string
}

/** Everything a user may set; all optional. */
export interface UserConfig {
  /** Folder of newsletter files, relative to the project root. @default 'content' */
  readonly contentDir?: string
  /** Folder the site is written to. @default 'dist' */
  readonly outDir?: string
  /** Folder of page templates. @default 'templates' */
  readonly templatesDir?: string
  /** Folder of static assets copied as they are. @default 'public' */
  readonly publicDir?: string
  /** Topic taxonomy file. @default '<contentDir>/topics.yaml' */
  readonly topicsFile?: string
  /** Reviews per page on paginated listings. @default 30 */
  readonly pageSize?: number
  /**
   * Folder of the build cache (rendered summaries), safe to delete; `false`
   * turns caching off. @default '.cache'
   */
  readonly cacheDir?: string | false
  readonly site?: SiteConfig
  /**
   * Build time as Unix seconds for feeds' "updated" fields; null keeps output
   * free of timestamps (dates then come from the reviews themselves).
   * @default the `SOURCE_DATE_EPOCH` environment variable when the CLI sets it, else null
   */
  readonly sourceDateEpoch?: number | null
}

/** The configuration every stage reads: absolute paths, all defaults filled, frozen. */
export interface ResolvedConfig {
  readonly root: string
  readonly contentDir: string
  readonly outDir: string
  readonly templatesDir: string
  readonly publicDir: string
  readonly topicsFile: string
  readonly pageSize: number
  /** Absolute cache folder, or null when caching is off. */
  readonly cacheDir: string | null
  readonly site: Readonly<Required<SiteConfig>>
  readonly sourceDateEpoch: number | null
}

/** Documented defaults, merged once. */
export const DEFAULTS = {
  contentDir: 'content',
  outDir: 'dist',
  templatesDir: 'templates',
  publicDir: 'public',
  cacheDir: '.cache',
  pageSize: 30,
  site: {
    title: 'Research Digest',
    description: 'Reviews of AI/ML papers from the newsletters we read.',
    origin: 'http://localhost',
    basePath: '/',
    language: 'en',
  },
} as const

/** Thrown for a configuration that cannot work; the message says which key and why. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

/** Resolve `user` against `root` (the project folder). */
export function resolveConfig(user: UserConfig = {}, root: string = process.cwd()): ResolvedConfig {
  const absolute = (value: string) => path.resolve(root, value)
  const contentDir = absolute(user.contentDir ?? DEFAULTS.contentDir)
  const pageSize = user.pageSize ?? DEFAULTS.pageSize
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new ConfigError(`research-digest: \`pageSize\` must be a whole number of at least 1, got ${String(pageSize)}`)
  }
  const origin = (user.site?.origin ?? DEFAULTS.site.origin).replace(/\/+$/, '')
  if (!/^https?:\/\/[^/]+$/.test(origin)) {
    throw new ConfigError(`research-digest: \`site.origin\` must be a scheme and host such as https://example.org, got "${origin}"`)
  }
  const resolved: ResolvedConfig = {
    root,
    contentDir,
    outDir: absolute(user.outDir ?? DEFAULTS.outDir),
    templatesDir: absolute(user.templatesDir ?? DEFAULTS.templatesDir),
    publicDir: absolute(user.publicDir ?? DEFAULTS.publicDir),
    topicsFile: user.topicsFile ? absolute(user.topicsFile) : path.join(contentDir, 'topics.yaml'),
    pageSize,
    cacheDir: user.cacheDir === false ? null : absolute(user.cacheDir ?? DEFAULTS.cacheDir),
    site: Object.freeze({
      title: user.site?.title ?? DEFAULTS.site.title,
      description: user.site?.description ?? DEFAULTS.site.description,
      origin,
      basePath: normalizeBasePath(user.site?.basePath ?? DEFAULTS.site.basePath),
      language: user.site?.language ?? DEFAULTS.site.language,
    }),
    sourceDateEpoch: user.sourceDateEpoch ?? null,
  }
  return Object.freeze(resolved)
}

/** "digest" → "/digest/", "/" → "/". */
export function normalizeBasePath(basePath: string): string {
  const trimmed = basePath.trim().replace(/^\/+|\/+$/g, '')
  return trimmed === '' ? '/' : `/${trimmed}/`
}
