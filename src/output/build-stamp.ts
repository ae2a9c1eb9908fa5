/**
 * The build stamp: what the last `digest build` of a site read (a digest of its
 * inputs, see `build-inputs.ts`), what it wrote (an {@link OutputFingerprint})
 * and what it reported. While both are unchanged, a build would write the same
 * site again (builds are deterministic), so the CLI reports the stamped build
 * instead of repeating it: a rebuild with nothing changed costs a look at the
 * state of each file, not a build. Kept in the build cache beside the output
 * manifest; deleting it (or the cache) only makes the next build a full one.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { StoredMessage } from '../diagnostics/stored-messages.ts'
import type { OutputFingerprint } from './write-site.ts'

/** Bumped when the stamp's shape changes; a stamp of another version is ignored. */
const STAMP_VERSION = 1

/** What a build read, wrote and reported. */
export interface BuildStamp {
  readonly version: typeof STAMP_VERSION
  /** The digest of the build's inputs, taken before it read them. */
  readonly inputs: string
  readonly output: OutputFingerprint
  /** What the build's summary line counts. */
  readonly counts: { readonly contentFiles: number; readonly reviews: number; readonly papers: number }
  /** Each file the build reported on (content files and the taxonomy), with its messages. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly messages: readonly StoredMessage[] }>
}

/** The stamp in `file`; null when there is none, or it is unreadable or of another version. */
export async function readBuildStamp(file: string): Promise<BuildStamp | null> {
  try {
    const stamp = JSON.parse(await readFile(file, 'utf8')) as Partial<BuildStamp> | null
    return stamp?.version === STAMP_VERSION && typeof stamp.inputs === 'string' && Array.isArray(stamp.output?.files) && Array.isArray(stamp.files) && stamp.counts ? (stamp as BuildStamp) : null
  } catch {
    return null
  }
}

/** Write `stamp` to `file` atomically. A stamp that cannot be written is no failure: the next build is a full one. */
export async function writeBuildStamp(file: string, stamp: Omit<BuildStamp, 'version'>): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true })
    const temporary = `${file}.${process.pid}.tmp`
    await writeFile(temporary, JSON.stringify({ version: STAMP_VERSION, ...stamp }))
    await rename(temporary, file)
  } catch {
    // Without a stamp the next build checks every file itself: slower, never wrong.
  }
}
