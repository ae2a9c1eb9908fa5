#!/usr/bin/env node
// The `digest` command. It runs the CLI from a JavaScript bundle of `src/` made by
// esbuild and kept in `node_modules/.cache/research-digest/` under a hash of the
// sources and the lock file, so an edit to `src/` makes a new bundle on the next run
// (about 0.3 s, once). Loading the bundle takes about a third of the time that
// loading the TypeScript through tsx's loader does; the pipeline is a chunk loaded
// only by commands that run it (`--version` takes 0.31 s instead of 0.49 s). Should
// bundling fail, or with DIGEST_NO_BUNDLE=1, the sources run through tsx as they are.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import v8 from 'node:v8'

// Let the heap grow by half of what is live after each full collection, not by up
// to four times: a build allocates mostly short-lived data, and V8's default lets
// garbage fill the heap, so peak memory was two to three times the live set. At
// 10k reviews this takes the peak RSS of a cold build from about 940 MB to 570 MB
// at the same build time (npm run bench, BENCHMARKS.md). An explicit
// --heap-growing-percent on the command line (or in NODE_OPTIONS) wins.
if (!process.execArgv.some((flag) => flag.startsWith('--heap-growing-percent')) && !/--heap-growing-percent/.test(process.env.NODE_OPTIONS ?? '')) {
  v8.setFlagsFromString('--heap-growing-percent=50')
}

const root = path.resolve(import.meta.dirname, '..')
const sources = path.join(root, 'src')
const entry = path.join(sources, 'cli.ts')

/**
 * A bundle of other sources is deleted when a new one is made, unless a process
 * running it may still load chunks from it: one that marked it in use and is
 * alive, or (in the moment before a process marks it) one made this recently.
 */
const NEW_BUNDLE_MS = 60 * 1000

const bundle = process.env.DIGEST_NO_BUNDLE === '1' ? null : bundledCli()
if (bundle) {
  markInUse(path.dirname(bundle))
  await import(pathToFileURL(bundle).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import(pathToFileURL(entry).href)
}

/** The bundle's entry for the current sources, made if missing; null when it cannot be made. */
function bundledCli() {
  try {
    const hash = createHash('sha256').update(root).update('\0')
    const files = readdirSync(sources, { recursive: true, withFileTypes: true })
      .filter((file) => file.isFile())
      .map((file) => path.join(file.parentPath, file.name))
      .sort()
    for (const file of files) hash.update(path.relative(sources, file)).update('\0').update(readFileSync(file))
    const lockFile = path.join(root, 'package-lock.json')
    if (existsSync(lockFile)) hash.update(readFileSync(lockFile))
    const name = `cli-${hash.digest('hex').slice(0, 16)}`
    for (const folder of [path.join(root, 'node_modules', '.cache', 'research-digest'), path.join(tmpdir(), 'research-digest')]) {
      const entryFile = path.join(folder, name, 'cli.mjs')
      if (existsSync(entryFile)) return entryFile
      try {
        return writeBundle(folder, name)
      } catch {
        // Not writable here: try the next folder.
      }
    }
  } catch {
    // Fall back to tsx.
  }
  return null
}

/** Mark the bundle in `folder` as used by this process, until it exits (a `digest dev` session loads chunks for its whole life). */
function markInUse(folder) {
  const marker = path.join(folder, `.in-use-${process.pid}`)
  try {
    writeFileSync(marker, '')
    process.on('exit', () => rmSync(marker, { force: true }))
  } catch {
    // A bundle that cannot be marked is only at risk of being deleted while in use.
  }
}

/** Does a live process run the bundle in `folder`? (Markers of processes that died without removing them do not count.) */
function inUse(folder) {
  for (const name of readdirSync(folder)) {
    const pid = /^\.in-use-(\d+)$/.exec(name)?.[1]
    if (pid === undefined) continue
    try {
      process.kill(Number(pid), 0)
      return true
    } catch (error) {
      if (error.code === 'EPERM') return true
    }
  }
  return false
}

/**
 * Bundle the CLI into the folder `name` in `folder`: its entry `cli.mjs`, and
 * chunks it imports when needed (the pipeline is loaded only by commands that
 * run it, so `--help` or a build that finds nothing changed start sooner).
 * Written to a scratch folder, then renamed into place.
 */
function writeBundle(folder, name) {
  const { buildSync } = createRequire(path.join(root, 'package.json'))('esbuild')
  const scratch = path.join(folder, `.${name}.${process.pid}.tmp`)
  const result = buildSync({
    entryPoints: { cli: entry },
    bundle: true,
    splitting: true,
    outdir: scratch,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    platform: 'node',
    format: 'esm',
    target: ['node20'],
    write: false,
    logLevel: 'silent',
    // esbuild runs a native binary and tinypool starts workers from its own files: both stay packages.
    external: ['esbuild', 'tinypool', 'chokidar', 'fsevents'],
    define: { __DIGEST_SOURCE_ROOT__: JSON.stringify(sources) },
    // Some dependencies still call require(); give each ES module of the bundle one.
    banner: { js: "import { createRequire as __digestCreateRequire } from 'node:module'; const require = __digestCreateRequire(import.meta.url);" },
  })
  rmSync(scratch, { recursive: true, force: true })
  mkdirSync(scratch, { recursive: true })
  for (const file of result.outputFiles) writeFileSync(file.path, file.contents)
  const target = path.join(folder, name)
  try {
    renameSync(scratch, target)
  } catch (error) {
    // Another process made the same bundle meanwhile: use it.
    rmSync(scratch, { recursive: true, force: true })
    if (!existsSync(path.join(target, 'cli.mjs'))) throw error
  }
  // Bundles of earlier sources are of no more use, once no process can still be loading chunks from them.
  for (const other of readdirSync(folder)) {
    if (!/^cli-[0-9a-f]{16}(?:\.mjs)?$/.test(other) || other === name) continue
    const location = path.join(folder, other)
    try {
      const found = statSync(location)
      if (Date.now() - found.mtimeMs > NEW_BUNDLE_MS && !(found.isDirectory() && inUse(location))) rmSync(location, { recursive: true, force: true })
    } catch {
      // Gone already.
    }
  }
  return path.join(target, 'cli.mjs')
}
