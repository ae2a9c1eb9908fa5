/**
 * Is the site up to date? A build that writes the site with a cache folder
 * leaves a stamp (see `output/build-stamp.ts`) of what it read, wrote and
 * reported, and so does a build session (`digest dev`) when it ends;
 * {@link findUpToDateBuild} finds that build again while nothing it read changed
 * and every file it wrote is as it left it. This module loads none of the
 * pipeline, so the CLI answers "nothing changed" without loading it.
 */
import { createHash } from 'node:crypto'
import path from 'node:path'
import { VFile } from 'vfile'
import type { BuildResult } from './build.ts'
import { buildInputsDigest } from './build-inputs.ts'
import type { ResolvedConfig } from './config.ts'
import { restoreMessages, storeMessages, type StoredMessage } from './diagnostics/stored-messages.ts'
import { readBuildStamp, writeBuildStamp } from './output/build-stamp.ts'
import { outputFingerprint, type OutputFingerprint } from './output/write-site.ts'

/** What a build's summary line counts. */
export interface SummaryCounts {
  readonly contentFiles: number
  readonly reviews: number
  readonly papers: number
}

/** The counts of a build's summary line. */
export function summaryCounts(result: Pick<BuildResult, 'sources' | 'papers'>): SummaryCounts {
  return { contentFiles: result.sources.length, reviews: result.papers.reduce((count, paper) => count + paper.reviews.length, 0), papers: result.papers.length }
}

/** A build found up to date: what the build that wrote the site reported. */
export interface UpToDateBuild extends SummaryCounts {
  /** The files it reported on, each with its messages again. */
  readonly files: readonly VFile[]
  /** The site's files, each found as that build left it. */
  readonly outputFiles: number
}

/**
 * The last build of `config`'s site, when nothing it read has changed since
 * (code, config, content, taxonomy, templates, public files: see
 * `build-inputs.ts`) and every file it wrote is still as it left it: a build now
 * would write the same site. Null otherwise, or without a cache folder (where
 * the stamp is kept). Costs a look at the state of each input and output file.
 */
export async function findUpToDateBuild(config: ResolvedConfig): Promise<UpToDateBuild | null> {
  const stampFile = outputRecordFile(config, 'stamp.json')
  const stamp = stampFile ? await readBuildStamp(stampFile) : null
  if (!stamp || stamp.inputs !== (await buildInputsDigest(config)) || outputFingerprint(config.outDir, stamp.output.files) !== stamp.output.digest) return null
  const files = stamp.files.map(({ path: filePath, messages }) => {
    const file = new VFile({ path: filePath })
    restoreMessages(file, messages)
    return file
  })
  return { ...stamp.counts, files, outputFiles: stamp.output.files.length }
}

/** What a build read, taken before it reads it (see {@link takeInputs}). */
export interface BuildInputs {
  readonly stampFile: string
  readonly digest: string
}

/** The digest of what a build of `config` is about to read, to stamp it with; null without a cache folder. */
export async function takeInputs(config: ResolvedConfig): Promise<BuildInputs | null> {
  const stampFile = outputRecordFile(config, 'stamp.json')
  return stampFile ? { stampFile, digest: await buildInputsDigest(config) } : null
}

/** A build's stamp, but for the state of its output files, which is taken when the stamp is written. */
export interface PendingStamp {
  readonly inputs: BuildInputs
  readonly counts: SummaryCounts
  readonly files: ReadonlyArray<{ readonly path: string; readonly messages: readonly StoredMessage[] }>
  readonly output: () => OutputFingerprint | null
}

/** What to stamp the site a build wrote with, having read `inputs`; null for a build that wrote nothing (`write: false`). */
export function prepareStamp(inputs: BuildInputs, result: BuildResult): PendingStamp | null {
  if (!result.output) return null
  return {
    inputs,
    counts: summaryCounts(result),
    files: result.files.map((file) => ({ path: file.path, messages: storeMessages(file.messages) })),
    output: result.output.fingerprint,
  }
}

/** Write the stamp `pending` stands for (none when an output file is gone already). */
export async function writeStamp(pending: PendingStamp): Promise<void> {
  const output = pending.output()
  if (!output) return
  await writeBuildStamp(pending.inputs.stampFile, { inputs: pending.inputs.digest, output, counts: pending.counts, files: pending.files })
}

/** Stamp the site a build wrote, having read `inputs`. */
export async function stampBuild(inputs: BuildInputs, result: BuildResult): Promise<void> {
  const pending = prepareStamp(inputs, result)
  if (pending) await writeStamp(pending)
}

/** Where the output stage keeps a record of a site's last write (its manifest, its stamp) in the cache folder; null without one. */
export function outputRecordFile(config: ResolvedConfig, suffix: string): string | null {
  return config.cacheDir ? path.join(config.cacheDir, 'output', `${createHash('sha1').update(config.outDir).digest('hex').slice(0, 16)}.${suffix}`) : null
}
