/**
 * The command-line interface: the only module that reads argv, prints, and
 * sets the exit code. Commands: `build`, `dev`, `check`, `new`.
 * Exit codes: 0 ok, 1 content errors (or warnings with `--strict`), 2 usage or
 * configuration errors. Colour only on a terminal, never with NO_COLOR.
 */
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import type { BuildOptions, BuildResult, BuildSession } from './build.ts'
import { findUpToDateBuild, summaryCounts, type SummaryCounts } from './up-to-date.ts'
import type { VFile } from 'vfile'
import { ConfigError, resolveConfig, type ResolvedConfig, type UserConfig } from './config.ts'
import { CONFIG_FILE_NAME, loadConfigFile, mergeConfig } from './config-file.ts'
import { formatMessages, formatSummary } from './diagnostics/format-terminal.ts'
import { summarizeMessages } from './diagnostics/report.ts'
import { DigestError } from './errors.ts'
import { FORMATS } from './ingest/formats/registry.ts'
import { slugify } from './catalog/slug.ts'
import { createProgressReporter, progressMode } from './progress.ts'
import { SOURCE_ROOT } from './source-root.ts'

interface SiteFlags {
  cache?: boolean
  content?: string
  out?: string
  baseUrl?: string
  strict?: boolean
  verbose?: boolean
  quiet?: boolean
  progress?: boolean
}

interface DevFlags extends SiteFlags {
  port: number
  host: string
}

const version = (JSON.parse(readFileSync(path.join(SOURCE_ROOT, '..', 'package.json'), 'utf8')) as { version: string }).version
/**
 * The pipeline, loaded by the commands that run it: `--help`, `new`, and a
 * `build` that finds nothing changed start without it (about 0.3 s less).
 */
const pipeline = () => import('./build.ts')

const colour = () => process.stdout.isTTY === true && !process.env.NO_COLOR

/** Config file + flags → the resolved config. */
async function configFrom(flags: SiteFlags): Promise<ResolvedConfig> {
  const root = process.cwd()
  const fromFile = (await loadConfigFile(root))?.config ?? {}
  const epoch = process.env.SOURCE_DATE_EPOCH
  const overrides: UserConfig = {
    ...(flags.content ? { contentDir: flags.content } : {}),
    ...(flags.out ? { outDir: flags.out } : {}),
    ...(flags.baseUrl ? { site: { basePath: flags.baseUrl } } : {}),
    ...(flags.cache === false ? { cacheDir: false as const } : {}),
    sourceDateEpoch: epoch && /^\d+$/.test(epoch) ? Number(epoch) : null,
  }
  return resolveConfig(mergeConfig(fromFile, overrides), root)
}

/** Print the outcome of a build; return its exit code. */
function report(result: SummaryCounts & { files: readonly VFile[] }, flags: SiteFlags, milliseconds: number, outDir: string | null, messagesPrinted = false): number {
  const summary = summarizeMessages(result.files)
  if (flags.verbose && !messagesPrinted) process.stderr.write(formatMessages(result.files, { colour: colour(), root: process.cwd() }))
  const failed = summary.errors > 0 || (flags.strict === true && summary.warnings > 0)
  if (!flags.quiet || failed) {
    process.stdout.write(
      formatSummary(summary, {
        files: result.contentFiles,
        reviews: result.reviews,
        papers: result.papers,
        outDir,
        milliseconds,
        verbose: flags.verbose === true || messagesPrinted,
        colour: colour(),
      }),
    )
  }
  return failed ? 1 : 0
}

/** Build (once, or in `session`), showing progress on stderr unless `--quiet` or `--no-progress`. */
async function buildShowingProgress(config: ResolvedConfig, flags: SiteFlags, session?: BuildSession): Promise<BuildResult> {
  const { build } = await pipeline()
  const run = (options: BuildOptions) => (session ? session.build(options) : build(config, options))
  if (flags.quiet || flags.progress === false) return run({})
  const progress = createProgressReporter(process.stderr, progressMode(process.stderr, process.env))
  return run({ onProgress: (step) => progress.update(step) }).finally(() => progress.finish())
}

async function runBuild(flags: SiteFlags): Promise<number> {
  const config = await configFrom(flags)
  const started = performance.now()
  const outDir = path.relative(process.cwd(), config.outDir) || '.'
  // Nothing read has changed and the site is as the last build left it: that build's report stands.
  const upToDate = await findUpToDateBuild(config)
  if (upToDate) {
    const code = report(upToDate, flags, performance.now() - started, outDir)
    if (!flags.quiet) process.stdout.write(`Nothing changed since the last build: its ${upToDate.outputFiles} files are as it wrote them (--no-cache builds again).\n`)
    return code
  }
  const result = await buildShowingProgress(config, flags)
  const code = report({ files: result.files, ...summaryCounts(result) }, flags, performance.now() - started, outDir)
  if (!flags.quiet) process.stdout.write(`${timingLine(result)}\n`)
  return code
}

/** "ingest 0.05 s · catalog 0.31 s · … · 12 files written, 790 unchanged, 0 removed". */
function timingLine(result: BuildResult): string {
  const stages = Object.entries(result.timings).map(([stage, milliseconds]) => `${stage} ${(milliseconds / 1000).toFixed(2)} s`)
  const output = result.output ? `${result.output.written} files written, ${result.output.unchanged} unchanged, ${result.output.removed} removed` : ''
  return [...stages, output].filter(Boolean).join(' · ')
}

async function runCheck(flags: SiteFlags): Promise<number> {
  const config = await configFrom(flags)
  const started = performance.now()
  const { checkContent } = await pipeline()
  const result = await checkContent(config)
  process.stdout.write(formatMessages(result.files, { colour: colour(), root: process.cwd() }))
  return report({ files: result.files, ...summaryCounts(result) }, flags, performance.now() - started, null, true)
}

/** How long `digest dev` waits after a rebuild, with no change coming, before it saves the session (see BuildSession.save). */
const SAVE_AFTER_IDLE_MS = 1000

async function runDev(flags: DevFlags): Promise<number> {
  const config = await configFrom(flags)
  // One session for the server's life: a rebuild reads from the build cache only what the edit changed.
  const [{ openBuildSession }, { startDevServer }, { watchProject }] = await Promise.all([pipeline(), import('./dev/dev-server.ts'), import('./dev/watch-project.ts')])
  const session = openBuildSession(config)
  const rebuild = async (): Promise<string | null> => {
    const started = performance.now()
    try {
      const result = await buildShowingProgress(config, flags, session)
      report({ files: result.files, ...summaryCounts(result) }, { ...flags, strict: false }, performance.now() - started, path.relative(process.cwd(), config.outDir) || '.')
      if (!flags.quiet) process.stdout.write(`${timingLine(result)}\n`)
      return null
    } catch (error) {
      const message = error instanceof DigestError ? `${error.message}\n  hint: ${error.hint}` : error instanceof Error ? (flags.verbose && error.stack ? error.stack : error.message) : String(error)
      process.stderr.write(`research-digest: build failed: ${message}\n`)
      return message
    }
  }
  const firstError = await rebuild()
  const server = await startDevServer({ root: config.outDir, basePath: config.site.basePath, host: flags.host, port: flags.port })
  process.stdout.write(`Serving ${path.relative(process.cwd(), config.outDir) || '.'}/ at ${server.url} — watching for changes (Ctrl+C to stop)\n`)
  if (firstError) server.showError(firstError)
  // While the first change is awaited; should it fail, the rebuild that needs it reports why.
  session.prepare().catch(() => {})
  let running: Promise<void> | null = null
  let again = false
  // The cache and manifest are saved once no rebuild came for a moment, so a rebuild does not wait for them.
  let saveTimer: NodeJS.Timeout | null = null
  const saveWhenIdle = () => {
    if (saveTimer) clearTimeout(saveTimer)
    saveTimer = setTimeout(() => {
      saveTimer = null
      if (!running) session.save().catch((error: unknown) => process.stderr.write(`research-digest: could not save the build cache: ${error instanceof Error ? error.message : String(error)}\n`))
    }, SAVE_AFTER_IDLE_MS)
  }
  saveWhenIdle()
  const onChange = (changed: string[]) => {
    if (saveTimer) clearTimeout(saveTimer)
    if (running) {
      again = true
      return
    }
    process.stdout.write(`Changed: ${changed.map((file) => path.relative(process.cwd(), file)).join(', ')}\n`)
    running = (async () => {
      do {
        again = false
        const error = await rebuild()
        if (error) server.showError(error)
        else server.reload()
      } while (again)
      running = null
      saveWhenIdle()
    })()
  }
  const watched = [config.contentDir, config.templatesDir, config.publicDir, path.join(config.root, CONFIG_FILE_NAME)].filter((file) => existsSync(file) || file.endsWith(CONFIG_FILE_NAME))
  const watcher = watchProject(watched, onChange)
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  if (saveTimer) clearTimeout(saveTimer)
  await watcher.close()
  await server.close()
  await running
  // Saves; and a `digest build` next finds the site up to date if nothing changed since the last rebuild.
  await session.close()
  process.stdout.write('Stopped.\n')
  return 0
}

async function runNew(name: string, flags: { format: string; title?: string; reviewer?: string[]; content?: string }): Promise<number> {
  const config = await configFrom({ ...(flags.content ? { content: flags.content } : {}) })
  const slug = slugify(name)
  if (!slug) throw new InvalidArgumentError(`"${name}" has no letters or digits to make a file name from`)
  const extension = flags.format === 'html-sections' || flags.format === 'daily-reviews' ? 'txt' : 'md'
  const file = path.join(config.contentDir, `${slug}.${extension}`)
  if (existsSync(file)) throw new DigestError('ContentFileExists', 'File exists', `research-digest: ${path.relative(process.cwd(), file)} already exists.`, 'Choose another name, or edit the existing file.')
  const reviewers = flags.reviewer && flags.reviewer.length > 0 ? flags.reviewer : []
  const today = new Date().toISOString().slice(0, 10)
  const title = flags.title ?? name
  const examples: Record<string, string> = {
    'daily-reviews': `${reviewers[0] ?? 'Name'}'s Daily Paper: ${today.split('-').reverse().join('.').replace(/^(\d\d)\.(\d\d)\.\d\d(\d\d)$/, '$1.$2.$3')} Title of the paper\n\nYour review, in Markdown. Math works: $E = mc^2$.\n\n<https://arxiv.org/abs/2405.05417>\n`,
    'monthly-digest': `# Title of the paper\nhttps://arxiv.org/abs/2405.05417\nYour review, one paragraph per line.\n`,
    'link-notes': `## [Title of the paper](https://arxiv.org/abs/2405.05417)\nYour notes, in Markdown.\n`,
    'html-sections': `<section>\n  <h4>Title of the paper</h4>\n  <p>Your review.</p>\n  <p><a href="https://arxiv.org/abs/2405.05417">Title of the paper</a></p>\n</section>\n`,
    generic: `## [Title of the paper](https://arxiv.org/abs/2405.05417)\n\nYour review, in Markdown.\n`,
  }
  const frontMatter = [
    '---',
    `title: ${JSON.stringify(title)}`,
    `reviewers: [${reviewers.map((reviewer) => JSON.stringify(reviewer)).join(', ')}]`,
    ...(flags.format === 'monthly-digest' || flags.format === 'link-notes' || flags.format === 'html-sections' ? [`date: ${today}`] : []),
    `format: ${flags.format}`,
    '---',
  ].join('\n')
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, `${frontMatter}\n${examples[flags.format] ?? ''}`, { flag: 'wx' })
  process.stdout.write(`Created ${path.relative(process.cwd(), file)} (${flags.format}). Edit it, then run \`digest dev\` to see it.\n`)
  return 0
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535 (0 picks a free port)')
  return port
}

function siteOptions(command: Command): Command {
  return command
    .option('--content <dir>', 'folder of newsletter files (default: "content", or contentDir in digest.config.json)')
    .option('--out <dir>', 'output folder (default: "dist", or outDir in digest.config.json)')
    .option('--base-url <path>', 'path the site is served under, e.g. /digest/ (default: "/")')
    .option('--strict', 'exit with code 1 when there are warnings')
    .option('--no-cache', 'build everything again, reusing nothing from .cache/ (not even the check that nothing changed)')
    .addOption(new Option('--verbose', 'print every message with file:line, and stack traces of failures').conflicts('quiet'))
    .option('--quiet', 'print nothing unless something fails')
    .option('--no-progress', 'show no progress (shown on a terminal, and as plain lines when CI is set, once a build takes a moment)')
}

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0
  const program = new Command()
    .name('digest')
    .description('research-digest: turn a folder of paper-review newsletters into a fast static site.\n\nConfiguration is read from digest.config.json in the current folder (see the README); flags override it.')
    .version(version, '-v, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })

  siteOptions(program.command('build').description('read the content folder and write the site')).action(async (flags: SiteFlags) => {
    exitCode = await runBuild(flags)
  })
  siteOptions(program.command('dev').description('build, serve the site on localhost, rebuild on changes and reload open pages'))
    .option('--port <n>', 'port to listen on (0 picks a free port)', parsePort, 8080)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (flags: DevFlags) => {
      exitCode = await runDev(flags)
    })
  program
    .command('check')
    .description('parse and validate all content, print every problem as file:line:col, write nothing')
    .option('--content <dir>', 'folder of newsletter files (default: "content")')
    .option('--strict', 'exit with code 1 when there are warnings')
    .action(async (flags: SiteFlags) => {
      exitCode = await runCheck(flags)
    })
  program
    .command('new')
    .description('create a newsletter file in the content folder, with front matter and an example entry')
    .argument('<name>', 'name of the newsletter (the file name is made from it)')
    .addOption(new Option('--format <format>', 'newsletter format').choices(FORMATS.map((format) => format.name)).default('daily-reviews'))
    .option('--title <title>', 'display name of the newsletter (default: <name>)')
    .option('--reviewer <name...>', 'default reviewer(s)')
    .option('--content <dir>', 'folder of newsletter files (default: "content")')
    .action(async (name: string, flags: { format: string; title?: string; reviewer?: string[]; content?: string }) => {
      exitCode = await runNew(name, flags)
    })

  try {
    await program.parseAsync(argv as string[], { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      return 2
    }
    if (error instanceof DigestError) {
      process.stderr.write(`${error.message}\n  hint: ${error.hint}\n`)
      return 2
    }
    throw error
  }
  return exitCode
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`research-digest: failed: ${error instanceof Error ? error.message : String(error)}\n`)
    if (process.argv.includes('--verbose') && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
    else process.stderr.write('Run again with --verbose for the stack trace.\n')
    process.exitCode = 1
  },
)
