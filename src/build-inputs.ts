/**
 * A digest of everything a build reads: the code (with the installed packages,
 * by the lock file), Node's version, the resolved config, and which content
 * files, templates and public files there are, each with its state on disk (see
 * `file-state.ts`), and the taxonomy's. Equal digests mean a build would read the
 * same things; the digest is taken before a build reads anything, so a file
 * changed while it runs makes the next digest differ.
 */
import { createHash } from 'node:crypto'
import path from 'node:path'
import { buildCodeFingerprint, filesBelow } from './code-fingerprint.ts'
import type { ResolvedConfig } from './config.ts'
import { fileStateSync } from './file-state.ts'
import { listContentFiles } from './ingest/read-content.ts'

/** Bumped when what the digest covers changes. */
const INPUTS_VERSION = 1

/** The digest of what a build of `config` would read now. */
export async function buildInputsDigest(config: ResolvedConfig): Promise<string> {
  const hash = createHash('sha256').update(`research-digest build inputs ${INPUTS_VERSION}\0${process.version}\0${buildCodeFingerprint()}\0${JSON.stringify(config)}\0`)
  const addFiles = (label: string, folder: string, files: readonly string[]) => {
    hash.update(`${label}\0${files.length}\0`)
    for (const file of files) hash.update(`${file}\0${fileStateSync(path.join(folder, file))?.state ?? 'missing'}\n`)
  }
  addFiles('content', config.contentDir, await listContentFiles(config.contentDir).catch(() => []))
  addFiles('topics', path.dirname(config.topicsFile), [path.basename(config.topicsFile)])
  addFiles('templates', config.templatesDir, filesBelow(config.templatesDir))
  addFiles('public', config.publicDir, filesBelow(config.publicDir))
  return hash.digest('hex')
}
