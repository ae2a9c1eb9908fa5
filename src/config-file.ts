/**
 * The project's config file, `digest.config.json` at the project root: read,
 * validated with zod (unknown keys are errors that name the key), and returned
 * as a {@link UserConfig}. CLI flags are applied on top by the caller.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { ConfigError, type UserConfig } from './config.ts'

/** File name looked up at the project root. */
export const CONFIG_FILE_NAME = 'digest.config.json'

const siteSchema = z
  .object({
    title: z.string().min(1),
    description: z.string(),
    origin: z.string().regex(/^https?:\/\/[^/]+\/?$/, 'must be a scheme and host such as https://example.org'),
    basePath: z.string(),
    language: z.string().min(2),
  })
  .partial()
  .strict()

const configSchema = z
  .object({
    $schema: z.string(),
    contentDir: z.string().min(1),
    outDir: z.string().min(1),
    templatesDir: z.string().min(1),
    publicDir: z.string().min(1),
    topicsFile: z.string().min(1),
    pageSize: z.number().int().min(1).max(1000),
    cacheDir: z.union([z.string().min(1), z.literal(false)]),
    site: siteSchema,
  })
  .partial()
  .strict()

/** Read `digest.config.json` in `root`; null when there is none. Throws {@link ConfigError} for a bad file. */
export async function loadConfigFile(root: string): Promise<{ config: UserConfig; path: string } | null> {
  const file = path.join(root, CONFIG_FILE_NAME)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new ConfigError(`research-digest: could not read ${CONFIG_FILE_NAME}: ${(error as Error).message}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(`research-digest: ${CONFIG_FILE_NAME} is not valid JSON: ${(error as Error).message}`)
  }
  const parsed = configSchema.safeParse(data)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const where = issue.path.length > 0 ? `${issue.path.join('.')}.` : ''
        return `unknown key ${issue.keys.map((key) => `\`${where}${key}\``).join(', ')}`
      }
      return `\`${issue.path.join('.') || '(root)'}\`: ${issue.message}`
    })
    throw new ConfigError(`research-digest: ${CONFIG_FILE_NAME} is invalid: ${problems.join('; ')}. See "Configuration" in the README for the keys and their defaults.`)
  }
  const { $schema: _schema, ...config } = parsed.data
  return { config, path: file }
}

/** Merge CLI overrides onto the file's config without mutating either. */
export function mergeConfig(fromFile: UserConfig, overrides: UserConfig): UserConfig {
  return { ...fromFile, ...overrides, site: { ...fromFile.site, ...overrides.site } }
}
