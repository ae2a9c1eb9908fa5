/**
 * Output: the only stage that writes to disk. The whole site is written to a
 * fresh folder beside the target and swapped in only when every file was
 * written, so a failed build leaves the previous site untouched.
 */
import { cp, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'

/** A file's contents, or a file to copy as it is. */
export type SiteFileContents = string | Uint8Array | { readonly copyFrom: string }

/** The site as a map from `/`-separated output paths to contents. */
export type SiteFiles = ReadonlyMap<string, SiteFileContents>

/** Write `files` to `outDir`, replacing what was there only once all writes succeeded. */
export async function writeSite(outDir: string, files: SiteFiles): Promise<void> {
  const parent = path.dirname(outDir)
  const base = path.basename(outDir)
  const staging = path.join(parent, `.${base}.staging-${process.pid}`)
  const retired = path.join(parent, `.${base}.retired-${process.pid}`)
  await rm(staging, { recursive: true, force: true })
  await mkdir(staging, { recursive: true })
  try {
    for (const [relative, contents] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const target = path.join(staging, ...safeSegments(relative))
      await mkdir(path.dirname(target), { recursive: true })
      if (typeof contents === 'string' || contents instanceof Uint8Array) await writeFile(target, contents)
      else await cp(contents.copyFrom, target)
    }
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
}

/** Split an output path, refusing anything that would escape the output folder. */
function safeSegments(relative: string): string[] {
  const segments = relative.split('/').filter((segment) => segment !== '' && segment !== '.')
  if (segments.length === 0 || segments.includes('..')) {
    throw new Error(`research-digest: refusing to write "${relative}" outside the output folder`)
  }
  return segments
}
