/**
 * Output: the only stage that writes to disk.
 *
 * - **First build** (no manifest from a previous build, or no output folder): the
 *   whole site is written to a fresh folder beside the target and swapped in only
 *   when every file was written, so a failed build leaves the previous site as it was.
 * - **Later builds**: a manifest of content hashes from the previous build tells
 *   which files changed. Only those are written, each atomically (to a scratch
 *   folder beside the site, then renamed over the old file); files that are no
 *   longer produced are deleted, and folders they leave empty are removed.
 *   Unchanged files are not touched, so they keep their modification times (hosts
 *   that sync by mtime upload only what changed) and a rebuild costs what changed.
 *
 * Files may be given as {@link DeferredFile}s: contents made only when the file's
 * key differs from the one recorded for it by the previous build. A deferred file
 * may be made in {@link Pieces}, hashed and written piece by piece, so a large
 * file (`papers.json` holds every summary) is never one string in memory.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, statSync } from 'node:fs'
import { cp, mkdir, open, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileStateSync } from '../file-state.ts'

/**
 * A file made only when needed. `key` must change whenever the contents would:
 * a build that finds the same key recorded for the same path by the previous
 * build keeps the file on disk and never calls `render`.
 */
export interface DeferredFile {
  readonly key: string
  readonly render: () => string | Uint8Array | Pieces
}

/**
 * A file's contents as a sequence of strings, made as they are written. Past
 * V8's string limit (about 512 MiB) a file can only be made this way; well below
 * it, it still spares joining, converting and hashing one huge string.
 */
export interface Pieces {
  /** Pieces of text (none may end half-way through a surrogate pair), or of UTF-8. */
  readonly pieces: Iterable<string | Uint8Array>
  /**
   * A digest that stands for the joined pieces (any change to them changes it),
   * recorded in place of a hash of the bytes, which are then not hashed: for a
   * file whose key already is such a digest (`papers.json`, 57 MB at 10k reviews).
   */
  readonly identity?: string
}

/** A file's contents, a file to copy as it is, or contents made on demand. */
export type SiteFileContents = string | Uint8Array | { readonly copyFrom: string } | DeferredFile

/** The site as a map from `/`-separated output paths to contents. */
export type SiteFiles = ReadonlyMap<string, SiteFileContents>

/** What {@link writeSite} did. */
export interface WriteReport {
  /** Files written with new contents. */
  readonly written: number
  /** Files unchanged since the previous build, left as they were. */
  readonly unchanged: number
  /** Files of the previous build that are gone. */
  readonly removed: number
  /** Deferred files made (their key was new), and the time that took, in milliseconds. */
  readonly rendered: number
  readonly renderMilliseconds: number
  /** The site's files as the write left them on disk (made when asked for); null when one of them is gone. */
  readonly fingerprint: () => OutputFingerprint | null
}

/**
 * Every file of a written site, in order, and a digest of their state on disk
 * (device, inode, size, modification and change times, to the nanosecond): while
 * {@link outputFingerprint} gives the same digest, no file was written, replaced,
 * touched or deleted since.
 */
export interface OutputFingerprint {
  readonly files: readonly string[]
  readonly digest: string
}

/** Options of {@link writeSite}. */
export interface WriteOptions {
  /** Where the manifest of content hashes is kept between builds; null to write every file. */
  readonly manifestFile?: string | null
  /** Told how many of the deferred files that must be made are made, as they are. */
  readonly onRendered?: (done: number, total: number) => void
  /**
   * What the previous write of the same site in this process left (see
   * {@link OutputMemory}); none by default, and the manifest file is read.
   */
  readonly memory?: OutputMemory | null
}

/**
 * What one write of a site hands to the next write of the same site in the same
 * process (the builds of a `digest dev` session): the manifest it recorded, kept
 * in memory. Every file it lists was written or found intact on disk by that
 * write, so the next one neither reads the manifest file again nor checks the
 * size of every unchanged file (about 0.5 s for 43,000 files): a session owns
 * its output folder. Nor does it plan a deferred file whose key is the one
 * recorded (see {@link OutputPlan.settled}). A file deleted from the folder by
 * hand comes back with the next `digest build`, or once its page changes; a
 * deleted output folder is written again whole. A write that fails leaves
 * nothing here, and the next one checks everything.
 */
export interface OutputMemory {
  /** @internal the manifest of the last write that succeeded */
  last: Manifest | null
  /**
   * @internal the manifest file a write with this memory did not write yet, and what to write to it: a session's
   * next write reads the memory, not the file, which is for the next process ({@link saveOutputMemory})
   */
  unsaved: { readonly file: string; readonly manifest: Manifest } | null
}

/** An empty {@link OutputMemory}, for the first write of a session. */
export function createOutputMemory(): OutputMemory {
  return { last: null, unsaved: null }
}

/**
 * Write the manifest the writes with `memory` left unwritten (the latest), for
 * the builds of other processes. Until then a build in another process reads the
 * manifest before them: slower (it checks the files they wrote by their bytes),
 * never wrong.
 */
export async function saveOutputMemory(memory: OutputMemory): Promise<void> {
  const unsaved = memory.unsaved
  if (!unsaved) return
  memory.unsaved = null
  await writeManifest(unsaved.file, unsaved.manifest)
}

/** Is `contents` made on demand? */
export function isDeferred(contents: SiteFileContents): contents is DeferredFile {
  return typeof contents === 'object' && 'render' in contents
}

/** A site file's contents, making a deferred file's now (and joining its pieces: for reading small sites, as tests do). */
export function fileContents(contents: SiteFileContents): string | Uint8Array | { readonly copyFrom: string } {
  if (!isDeferred(contents)) return contents
  const made = contents.render()
  return isPieces(made) ? [...made.pieces].map((piece) => (typeof piece === 'string' ? piece : Buffer.from(piece).toString('utf8'))).join('') : made
}

function isPieces(made: string | Uint8Array | Pieces): made is Pieces {
  return typeof made === 'object' && 'pieces' in made
}

/** One file of the site, checked and (unless it must be made first) hashed. */
interface PlannedFile {
  /** Checked by {@link safeSegments}. */
  readonly relative: string
  readonly contents: SiteFileContents
  /** Null for a deferred file whose key is new: made, hashed and written in one go, then dropped. */
  readonly identity: { readonly hash: string; readonly size: number } | null
  readonly key: string | null
}

/** The site checked against the previous build: what {@link writeOutput} writes. */
export interface OutputPlan {
  readonly outDir: string
  readonly manifestFile: string | null
  /** The files to check, make or write, in path order: every file, but those {@link settled} leaves out. */
  readonly files: readonly PlannedFile[]
  /**
   * Deferred files this process's own previous write (see {@link OutputMemory})
   * recorded with the same key: that write made or checked them, and a session
   * owns its output folder, so there is nothing to do for them. They are not in
   * `files` (after an edit at 10k reviews, all but a few hundred of 43,000).
   */
  readonly settled: number
  readonly previous: Manifest | null
  /** Is `previous` a manifest of this process's own last write (from {@link OutputMemory}), whose files need no check on disk? */
  readonly previousIsOwn: boolean
  /** The site's files by path (for telling which of the previous write's files are gone). */
  readonly site: SiteFiles
  readonly memory: OutputMemory | null
  /** Deferred files that must be made (their key is new). */
  readonly toRender: number
  readonly onRendered: (done: number, total: number) => void
}

/**
 * What a write left at each path: the hash and size of the contents, the key
 * (for deferred files), and the file's state on disk (see `file-state.ts`) as
 * the write left or found it.
 */
type ManifestEntry = readonly [hash: string, size: number, key: string | null, state: string | null]

/** Every file the previous build wrote. */
interface Manifest {
  readonly version: typeof MANIFEST_VERSION
  readonly files: Readonly<Record<string, ManifestEntry>>
}

/** Manifests of version 2, whose entries have no state, are read as ones whose files' states are unknown. */
const MANIFEST_VERSION = 3

/**
 * Check every path and hash every file given with its contents; deferred files
 * keep the hash recorded with their key, or are marked to be made. Nothing is
 * written yet; a bad path throws here, before any write.
 */
export async function planOutput(outDir: string, files: SiteFiles, options: WriteOptions = {}): Promise<OutputPlan> {
  const manifestFile = options.manifestFile ?? null
  const memory = options.memory ?? null
  // Without its output folder, a session's memory tells nothing: the site is written again whole.
  const remembered = memory?.last && isFolder(outDir) ? memory.last : null
  const previous = remembered ?? (manifestFile ? await readManifest(manifestFile) : null)
  const planned: PlannedFile[] = []
  let toRender = 0
  if (remembered) {
    // A session's rebuild: only what changed is planned (in the site's order, then sorted: a few hundred paths, not all of them).
    let settled = 0
    for (const [relative, contents] of files) {
      if (isDeferred(contents) && remembered.files[relative]?.[2] === contents.key) {
        settled++
        continue
      }
      planned.push(await plannedFile(relative, contents, remembered))
      if (planned[planned.length - 1]!.identity === null) toRender++
    }
    planned.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0))
    return { outDir, manifestFile, files: planned, settled, previous, previousIsOwn: true, site: files, memory, toRender, onRendered: options.onRendered ?? (() => {}) }
  }
  for (const relative of sortedPaths(files)) {
    const file = await plannedFile(relative, files.get(relative)!, previous)
    if (file.identity === null) toRender++
    planned.push(file)
  }
  return { outDir, manifestFile, files: planned, settled: 0, previous, previousIsOwn: false, site: files, memory, toRender, onRendered: options.onRendered ?? (() => {}) }
}

/** One file checked against the `previous` manifest: hashed if given with its contents, else with the hash recorded with its key, or null (to be made). */
async function plannedFile(relative: string, contents: SiteFileContents, previous: Manifest | null): Promise<PlannedFile> {
  checkSafe(relative)
  if (!isDeferred(contents)) return { relative, contents, key: null, identity: await contentIdentity(contents) }
  const before = previous?.files[relative]
  const known = before && before[2] === contents.key
  return { relative, contents, key: contents.key, identity: known ? { hash: before[0], size: before[1] } : null }
}

/**
 * The paths of `files` in order of their UTF-16 code units: the default sort
 * order of strings, which the engine compares natively (two thirds of the time a
 * comparison function takes, about 20 ms for 43,000 paths).
 */
function sortedPaths(files: SiteFiles): string[] {
  return [...files.keys()].sort()
}

/**
 * Write a planned site: only what changed when the previous build is on disk,
 * else the whole site at once. Deferred files are made here, one at a time, and
 * dropped once written, so the site is never all in memory.
 */
export async function writeOutput(plan: OutputPlan): Promise<WriteReport> {
  const inPlace = plan.previous !== null && isFolder(plan.outDir)
  if (!inPlace && plan.settled > 0) {
    // The output folder went away since the plan left files out as settled: plan every file, to write the site whole.
    if (plan.memory) plan.memory.last = null
    return writeOutput(await planOutput(plan.outDir, plan.site, { manifestFile: plan.manifestFile, memory: plan.memory, onRendered: plan.onRendered }))
  }
  /**
   * A session's write updates the manifest of its previous write (its own) in
   * place, entry by entry as files are kept, written or removed, rather than
   * copy 43,000 entries into a new one (about 30 ms at 10k reviews). Only that
   * write and its unsaved record hold it, and the latter is to be the latest.
   */
  const manifest: Record<string, ManifestEntry> = inPlace && plan.previousIsOwn ? (plan.previous!.files as Record<string, ManifestEntry>) : {}
  // Remembered again only once this write succeeded.
  if (plan.memory) plan.memory.last = null
  const rendering = { count: 0, milliseconds: 0 }
  plan.onRendered(0, plan.toRender)
  /** The file's contents and identity, making a deferred file if need be; pieces are made, hashed and written to `scratchFile()` in one go. */
  const materialize: Materialize = async (file, scratchFile) => {
    if (!isDeferred(file.contents)) return { contents: file.contents, ...file.identity! }
    const started = performance.now()
    const contents = file.contents.render()
    rendering.milliseconds += performance.now() - started
    const made: Made = isPieces(contents)
      ? { contents: null, ...(await writePieces(await scratchFile(), contents, (milliseconds) => (rendering.milliseconds += milliseconds))) }
      : { contents, ...(await contentIdentity(contents)) }
    if (file.identity === null) plan.onRendered(++rendering.count, plan.toRender)
    return made
  }
  const counts = inPlace ? await updateInPlace(plan, plan.previous!, materialize, manifest) : await replaceWhole(plan, materialize, manifest)
  const record: Manifest = { version: MANIFEST_VERSION, files: manifest }
  // A new key is news even when the bytes did not change: record it, or the next build makes the file again.
  const news = counts.written > 0 || counts.removed > 0 || counts.restated > 0 || plan.toRender > 0 || !plan.previous
  if (plan.manifestFile) {
    // A session writes it when saved (its next write starts from the memory); until then the latest record is the one to write.
    if (plan.memory) {
      if (news || plan.memory.unsaved) plan.memory.unsaved = { file: plan.manifestFile, manifest: record }
    } else if (news) {
      await writeManifest(plan.manifestFile, record)
    }
  }
  if (plan.memory) plan.memory.last = record
  // Holds the manifest, not the plan (whose files hold their contents). The manifest lists
  // exactly the site's files; a session's next write updates it in place, but by then
  // this write's fingerprint is no longer asked for (only the latest write is stamped).
  const { outDir } = plan
  const fingerprint = () => fingerprintFiles(outDir, Object.keys(manifest).sort(), (relative) => manifest[relative]?.[3] ?? undefined)
  return { written: counts.written, unchanged: counts.unchanged, removed: counts.removed, rendered: rendering.count, renderMilliseconds: rendering.milliseconds, fingerprint }
}

/**
 * The digest of `files` (relative to `outDir`) as they are on disk now, to
 * compare with an {@link OutputFingerprint}'s; null as soon as one is missing.
 */
export function outputFingerprint(outDir: string, files: readonly string[]): string | null {
  return fingerprintFiles(outDir, files, () => undefined)?.digest ?? null
}

/** {@link outputFingerprint}, taking the state of a file from `known` when it has it. */
function fingerprintFiles(outDir: string, files: readonly string[], known: (relative: string) => string | undefined): OutputFingerprint | null {
  const hash = createHash('sha256')
  for (const relative of files) {
    const state = known(relative) ?? fileStateSync(targetIn(outDir, relative))?.state
    if (state === undefined) return null
    hash.update(relative).update('\0').update(state).update('\n')
  }
  return { files, digest: hash.digest('hex') }
}

/** Write `files` to `outDir`: {@link planOutput}, then {@link writeOutput}. */
export async function writeSite(outDir: string, files: SiteFiles, options: WriteOptions = {}): Promise<WriteReport> {
  return writeOutput(await planOutput(outDir, files, options))
}

/** Contents with their identity; `contents` is null when the file was made in pieces, straight into its scratch file. */
type Made = { contents: string | Uint8Array | { readonly copyFrom: string } | null; hash: string; size: number }
type Materialize = (file: PlannedFile, scratchFile: () => Promise<string>) => Promise<Made>
/** What a write did; `restated`: files kept whose state on disk had changed (their new states must be recorded). */
type Counts = Pick<WriteReport, 'written' | 'unchanged' | 'removed'> & { readonly restated: number }

/** Write only changed files, each atomically; delete files no longer produced. */
async function updateInPlace(plan: OutputPlan, previous: Manifest, materialize: Materialize, manifest: Record<string, ManifestEntry>): Promise<Counts> {
  const { outDir } = plan
  const scratch = path.join(path.dirname(outDir), `.${path.basename(outDir)}.staging-${process.pid}`)
  let scratchReady: Promise<unknown> | null = null
  const folders = new Map<string, Promise<unknown>>()
  let written = 0
  let counter = 0
  let restated = 0
  /**
   * The state on disk of a file the previous write left with `identity`'s
   * contents, when it is still there as it was; else undefined, and the file is
   * written again. A file someone deleted, replaced or edited in the output
   * folder is so found, unless this process wrote or checked it last time (a
   * session owns its output folder). A file whose state changed though (it was
   * touched, or the folder was copied or restored from a CI cache) is kept if
   * its bytes still have the recorded hash.
   */
  const intact = (file: PlannedFile, identity: { hash: string; size: number }): string | null | undefined => {
    const before = previous.files[file.relative]
    if (before === undefined || before[0] !== identity.hash) return undefined
    if (plan.previousIsOwn) return before[1] === identity.size ? (before[3] ?? null) : undefined
    const target = targetIn(outDir, file.relative)
    const found = fileStateSync(target)
    if (found?.size !== identity.size) return undefined
    if (found.state === before[3]) return found.state
    if (!sameBytes(file, identity.hash, target)) return undefined
    restated++
    return found.state
  }
  // Files known unchanged (nearly all, after an edit) are settled here, in one pass without promises.
  const pending: PlannedFile[] = []
  for (const file of plan.files) {
    const state = file.identity ? intact(file, file.identity) : undefined
    if (state === undefined) {
      pending.push(file)
      continue
    }
    const before = previous.files[file.relative]!
    const kept = entryKept(before, file.key, state)
    // (When `manifest` is the previous one, updated in place, an entry kept as it was is there already.)
    if (kept !== before || manifest !== previous.files) manifest[file.relative] = kept
  }
  try {
    await forEachLimited(pending, WRITE_CONCURRENCY, async (file) => {
      const target = targetIn(outDir, file.relative)
      let temporary: string | null = null
      const scratchFile = async () => {
        scratchReady ??= rm(scratch, { recursive: true, force: true }).then(() => mkdir(scratch, { recursive: true }))
        await scratchReady
        return (temporary ??= path.join(scratch, String(counter++)))
      }
      const made = await materialize(file, scratchFile)
      const state = intact(file, made)
      if (state !== undefined) {
        manifest[file.relative] = [made.hash, made.size, file.key, state]
        if (temporary) await unlink(temporary)
        return
      }
      const folder = path.dirname(target)
      if (!folders.has(folder)) folders.set(folder, mkdir(folder, { recursive: true }))
      await folders.get(folder)
      if (made.contents !== null) await writeContents(await scratchFile(), made.contents)
      await rename(await scratchFile(), target)
      manifest[file.relative] = [made.hash, made.size, file.key, fileStateSync(target)?.state ?? null]
      written++
    })
  } finally {
    if (scratchReady) await rm(scratch, { recursive: true, force: true })
  }
  const gone = Object.keys(previous.files).filter((relative) => !plan.site.has(relative))
  const emptied = new Set<string>()
  for (const relative of gone) {
    const segments = relative.split('/')
    await unlink(path.join(outDir, ...segments)).catch(() => {})
    delete manifest[relative]
    for (let depth = segments.length - 1; depth > 0; depth--) emptied.add(segments.slice(0, depth).join('/'))
  }
  // Deepest first, so a folder emptied by removing its sub-folders goes too.
  for (const folder of [...emptied].sort((a, b) => b.split('/').length - a.split('/').length || (a < b ? -1 : 1))) {
    await rmdir(path.join(outDir, ...folder.split('/'))).catch(() => {})
  }
  return { written, unchanged: plan.settled + plan.files.length - written, removed: gone.length, restated }
}

/**
 * The manifest entry of a file kept as the previous write left it (same hash and
 * size): that write's entry itself when nothing else changed, as for nearly every
 * file of a session's rebuild, rather than a copy of it.
 */
function entryKept(before: ManifestEntry, key: string | null, state: string | null): ManifestEntry {
  return before[2] === key && before[3] === state ? before : [before[0], before[1], key, state]
}

/** Write the whole site to a staging folder, then swap it in for the previous one. */
async function replaceWhole(plan: OutputPlan, materialize: Materialize, manifest: Record<string, ManifestEntry>): Promise<Counts> {
  const { outDir } = plan
  const parent = path.dirname(outDir)
  const base = path.basename(outDir)
  const staging = path.join(parent, `.${base}.staging-${process.pid}`)
  const retired = path.join(parent, `.${base}.retired-${process.pid}`)
  await rm(staging, { recursive: true, force: true })
  await mkdir(staging, { recursive: true })
  try {
    // Every folder once, parents first; then the files, many at a time.
    const folders = [...new Set(plan.files.map(({ relative }) => path.dirname(targetIn(staging, relative))))].sort()
    for (const folder of folders) await mkdir(folder, { recursive: true })
    await forEachLimited(plan.files, WRITE_CONCURRENCY, async (file) => {
      const target = targetIn(staging, file.relative)
      const made = await materialize(file, async () => target)
      if (made.contents !== null) await writeContents(target, made.contents)
      // Moving the staging folder into place changes none of its files' states.
      manifest[file.relative] = [made.hash, made.size, file.key, fileStateSync(target)?.state ?? null]
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
  const removed = plan.previous ? Object.keys(plan.previous.files).filter((relative) => !(relative in manifest)).length : 0
  return { written: plan.files.length, unchanged: 0, removed, restated: 0 }
}

async function writeContents(target: string, contents: string | Uint8Array | { readonly copyFrom: string }): Promise<void> {
  if (typeof contents === 'string' || contents instanceof Uint8Array) await writeFile(target, contents)
  else await cp(contents.copyFrom, target)
}

/** How the manifest records a file made in pieces with an identity (not a hash of its bytes): this, then the identity. */
const PIECES_IDENTITY = 'pieces:'

/** Pieces are gathered into writes of about this many bytes. */
const BYTES_PER_WRITE = 1 << 20

/**
 * Make `pieces` into `target`, hashing them as they are written (the identity
 * {@link contentIdentity} gives their joined string), or recording the identity
 * they come with. The time spent making pieces (not writing them) is told to
 * `onMaking`.
 */
async function writePieces(target: string, { pieces, identity }: Pieces, onMaking: (milliseconds: number) => void): Promise<{ hash: string; size: number }> {
  const hash = identity === undefined ? createHash('sha1') : null
  let size = 0
  const handle = await open(target, 'w')
  try {
    let batch: Uint8Array[] = []
    let length = 0
    // Pieces are written as they are, several per call (at 10k reviews, papers.json is 57 MB in 10,000 pieces: copying them into one buffer first took longer than writing them).
    const writeBatch = async () => {
      const [buffers, total] = [batch, length]
      batch = []
      length = 0
      size += total
      const { bytesWritten } = await handle.writev(buffers)
      if (bytesWritten === total) return
      const rest = Buffer.concat(buffers, total).subarray(bytesWritten)
      for (let done = 0; done < rest.length; ) done += (await handle.write(rest, done, rest.length - done)).bytesWritten
    }
    const iterator = pieces[Symbol.iterator]()
    for (;;) {
      const started = performance.now()
      const step = iterator.next()
      onMaking(performance.now() - started)
      if (step.done) break
      const bytes = typeof step.value === 'string' ? Buffer.from(step.value, 'utf8') : step.value
      hash?.update(bytes)
      batch.push(bytes)
      length += bytes.length
      if (length >= BYTES_PER_WRITE) await writeBatch()
    }
    await writeBatch()
  } finally {
    await handle.close()
  }
  return { hash: hash ? hash.digest('hex') : `${PIECES_IDENTITY}${identity}`, size }
}

/** File operations in flight at once: enough to keep the disk busy, few enough for any file-descriptor limit. */
const WRITE_CONCURRENCY = 32

/**
 * Run `task` over `items`, at most `limit` at a time. After a failure no task
 * starts, and once those under way have ended it rejects with the first error:
 * so a caller that then deletes the folder they write to does not race them
 * (which failed with ENOTEMPTY, in place of the error that stopped the build).
 */
async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const errors: unknown[] = []
  const worker = async () => {
    while (errors.length === 0 && next < items.length) {
      try {
        await task(items[next++]!)
      } catch (error) {
        errors.push(error)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  if (errors.length > 0) throw errors[0]
}

function isFolder(folder: string): boolean {
  try {
    return statSync(folder).isDirectory()
  } catch {
    return false
  }
}

/**
 * Does `target` hold the bytes whose hash is `hash`? Only files given as
 * contents have such a hash: a copy's stands for its source's path, size and
 * time, and a file made in pieces may have an identity instead; those count as
 * changed.
 */
function sameBytes(file: PlannedFile, hash: string, target: string): boolean {
  if (hash.startsWith(PIECES_IDENTITY) || (typeof file.contents === 'object' && 'copyFrom' in file.contents)) return false
  try {
    return createHash('sha1').update(readFileSync(target)).digest('hex') === hash
  } catch {
    return false
  }
}

/** A hash of what a file will contain (for copies, of the source's path, size and mtime) and its size. */
async function contentIdentity(contents: string | Uint8Array | { readonly copyFrom: string }): Promise<{ hash: string; size: number }> {
  const hash = createHash('sha1')
  if (typeof contents === 'string') return { hash: hash.update(contents).digest('hex'), size: Buffer.byteLength(contents) }
  if (contents instanceof Uint8Array) return { hash: hash.update(contents).digest('hex'), size: contents.length }
  const source = await stat(contents.copyFrom)
  return { hash: hash.update(`copy\0${contents.copyFrom}\0${source.size}\0${source.mtimeMs}`).digest('hex'), size: source.size }
}

/** The previous build's manifest; null when there is none or it is from another version (see {@link MANIFEST_VERSION}). */
async function readManifest(file: string): Promise<Manifest | null> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as Partial<Manifest> | null
    // Version 2 had no states: its files are checked by their bytes, once.
    return data && (data.version === MANIFEST_VERSION || (data.version as unknown) === 2) && data.files && typeof data.files === 'object' ? (data as Manifest) : null
  } catch {
    return null
  }
}

async function writeManifest(file: string, manifest: Manifest): Promise<void> {
  try {
    mkdirSync(path.dirname(file), { recursive: true })
    const temporary = `${file}.${process.pid}.tmp`
    await writeFile(temporary, JSON.stringify(manifest))
    await rename(temporary, file)
  } catch {
    // Without a manifest the next build writes every file again: slower, never wrong.
  }
}

/** Refuse an output path that would escape the output folder (as {@link safeSegments} does, without splitting the many that plainly cannot). */
function checkSafe(relative: string): void {
  if (relative.includes('..') || /^[./]*$/.test(relative)) safeSegments(relative)
}

/** Where a checked output path goes in `folder`. */
function targetIn(folder: string, relative: string): string {
  return path.join(folder, ...safeSegments(relative))
}

/** Split an output path, refusing anything that would escape the output folder. */
function safeSegments(relative: string): string[] {
  const segments = relative.split('/').filter((segment) => segment !== '' && segment !== '.')
  if (segments.length === 0 || segments.includes('..')) {
    throw new Error(`research-digest: refusing to write "${relative}" outside the output folder`)
  }
  return segments
}
