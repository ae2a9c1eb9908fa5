/**
 * Output: the only stage that writes to disk. The whole site is written to a
 * fresh folder beside the target and swapped in only when every file was
 * written, so a failed build leaves the previous site untouched.
 *
 * Incremental: a manifest of content hashes from the previous build tells which
 * files did not change; those are hard-linked from the previous site instead of
 * written, so they keep their modification times (hosts that sync by mtime upload
 * only what changed). Files of removed papers are simply not carried over.
 */
import { createHash } from 'node:crypto'
import { cp, link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'

/** A file's contents, or a file to copy as it is. */
export type SiteFileContents = string | Uint8Array | { readonly copyFrom: string }

/** The site as a map from `/`-separated output paths to contents. */
export type SiteFiles = ReadonlyMap<string, SiteFileContents>

/** What {@link writeSite} did. */
export interface WriteReport {
  /** Files written with new contents. */
  readonly written: number
  /** Files unchanged since the previous build, carried over with their modification times. */
  readonly unchanged: number
  /** Files of the previous build that are gone. */
  readonly removed: number
}

/** Options of {@link writeSite}. */
export interface WriteOptions {
  /** Where the manifest of content hashes is kept between builds; null to write every file. */
  readonly manifestFile?: string | null
}

/** Write `files` to `outDir`, replacing what was there only once all writes succeeded. */
export async function writeSite(outDir: string, files: SiteFiles, options: WriteOptions = {}): Promise<WriteReport> {
  const parent = path.dirname(outDir)
  const base = path.basename(outDir)
  const staging = path.join(parent, `.${base}.staging-${process.pid}`)
  const retired = path.join(parent, `.${base}.retired-${process.pid}`)
  const previous = options.manifestFile ? await readManifest(options.manifestFile) : {}
  const manifest: Record<string, string> = {}
  let written = 0
  let unchanged = 0
  const entries = [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([relative, contents]) => ({ relative, contents, segments: safeSegments(relative) }))
  const identities = new Map<string, { hash: string; size: number }>()
  await forEachLimited(entries, WRITE_CONCURRENCY, async ({ relative, contents }) => {
    identities.set(relative, await contentIdentity(contents))
  })
  // Nothing changed and nothing was removed: leave the site exactly as it is.
  if (options.manifestFile && entries.length === Object.keys(previous).length && (await unchangedOnDisk(outDir, entries, identities, previous))) {
    return { written: 0, unchanged: entries.length, removed: 0 }
  }
  await rm(staging, { recursive: true, force: true })
  await mkdir(staging, { recursive: true })
  try {
    // Every folder once, parents first; then the files, many at a time.
    const folders = [...new Set(entries.map(({ segments }) => path.join(staging, ...segments.slice(0, -1))))].sort()
    for (const folder of folders) await mkdir(folder, { recursive: true })
    await forEachLimited(entries, WRITE_CONCURRENCY, async ({ relative, contents, segments }) => {
      const target = path.join(staging, ...segments)
      const { hash, size } = identities.get(relative)!
      manifest[relative] = hash
      if (previous[relative] === hash && (await carryOver(path.join(outDir, ...segments), target, size))) {
        unchanged++
        return
      }
      if (typeof contents === 'string' || contents instanceof Uint8Array) await writeFile(target, contents)
      else await cp(contents.copyFrom, target)
      written++
    })
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    throw error
  }
  await rm(retired, { recursive: true, force: true })
  let hadPrevious = true
  try {
    await rename(outDir, retired)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      await rm(staging, { recursive: true, force: true })
      throw error
    }
    hadPrevious = false
  }
  try {
    await rename(staging, outDir)
  } catch (error) {
    // Put the previous site back before giving up.
    if (hadPrevious) await rename(retired, outDir)
    await rm(staging, { recursive: true, force: true })
    throw error
  }
  if (hadPrevious) await rm(retired, { recursive: true, force: true })
  if (options.manifestFile) await writeManifest(options.manifestFile, manifest)
  const removed = Object.keys(previous).filter((file) => !(file in manifest)).length
  return { written, unchanged, removed }
}

/** File operations in flight at once: enough to keep the disk busy, few enough for any file-descriptor limit. */
const WRITE_CONCURRENCY = 32

/** Run `task` over `items`, at most `limit` at a time; rejects on the first failure. */
async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await task(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** True when every file matches the previous manifest and is still on disk with the expected size. */
async function unchangedOnDisk(
  outDir: string,
  entries: ReadonlyArray<{ readonly relative: string; readonly segments: readonly string[] }>,
  identities: ReadonlyMap<string, { hash: string; size: number }>,
  previous: Readonly<Record<string, string>>,
): Promise<boolean> {
  if (entries.some(({ relative }) => previous[relative] !== identities.get(relative)!.hash)) return false
  let intact = true
  await forEachLimited(entries, WRITE_CONCURRENCY, async ({ relative, segments }) => {
    if (!intact) return
    const found = await stat(path.join(outDir, ...segments)).catch(() => null)
    if (!found || found.size !== identities.get(relative)!.size) intact = false
  })
  return intact
}

/** A hash of what a file will contain (for copies, of the source's path, size and mtime) and its size. */
async function contentIdentity(contents: SiteFileContents): Promise<{ hash: string; size: number }> {
  const hash = createHash('sha1')
  if (typeof contents === 'string') return { hash: hash.update(contents).digest('hex'), size: Buffer.byteLength(contents) }
  if (contents instanceof Uint8Array) return { hash: hash.update(contents).digest('hex'), size: contents.length }
  const source = await stat(contents.copyFrom)
  return { hash: hash.update(`copy\0${contents.copyFrom}\0${source.size}\0${source.mtimeMs}`).digest('hex'), size: source.size }
}

/**
 * Hard-link the previous build's file into the staging folder; false when that is
 * not possible, or when the file on disk no longer has the expected size (someone
 * edited the output): then it is written again.
 */
async function carryOver(previousFile: string, target: string, size: number): Promise<boolean> {
  try {
    if ((await stat(previousFile)).size !== size) return false
    await link(previousFile, target)
    return true
  } catch {
    return false
  }
}

async function readManifest(file: string): Promise<Record<string, string>> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as unknown
    return data && typeof data === 'object' ? (data as Record<string, string>) : {}
  } catch {
    return {}
  }
}

async function writeManifest(file: string, manifest: Record<string, string>): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true })
    const temporary = `${file}.${process.pid}.tmp`
    await writeFile(temporary, JSON.stringify(manifest))
    await rename(temporary, file)
  } catch {
    // Without a manifest the next build writes every file again: slower, never wrong.
  }
}

/** Split an output path, refusing anything that would escape the output folder. */
function safeSegments(relative: string): string[] {
  const segments = relative.split('/').filter((segment) => segment !== '' && segment !== '.')
  if (segments.length === 0 || segments.includes('..')) {
    throw new Error(`research-digest: refusing to write "${relative}" outside the output folder`)
  }
  return segments
}
