/**
 * The command-line interface: the only module that reads argv, prints, and
 * sets the exit code. Exit codes: 0 ok, 1 content errors (or warnings with
 * `--strict`), 2 usage or configuration errors.
 */
import path from 'node:path'
import { Command, CommanderError, Option } from 'commander'
import { build } from './build.ts'
import { ConfigError, resolveConfig, type UserConfig } from './config.ts'
import { DigestError } from './errors.ts'
import { formatSummary, formatMessages } from './diagnostics/format-terminal.ts'
import { summarizeMessages } from './diagnostics/report.ts'

interface BuildFlags {
  content?: string
  out?: string
  baseUrl?: string
  strict?: boolean
  verbose?: boolean
  quiet?: boolean
}

function userConfigFrom(flags: BuildFlags): UserConfig {
  const epoch = process.env.SOURCE_DATE_EPOCH
  return {
    ...(flags.content ? { contentDir: flags.content } : {}),
    ...(flags.out ? { outDir: flags.out } : {}),
    ...(flags.baseUrl ? { site: { basePath: flags.baseUrl } } : {}),
    sourceDateEpoch: epoch && /^\d+$/.test(epoch) ? Number(epoch) : null,
  }
}

async function runBuild(flags: BuildFlags): Promise<number> {
  const config = resolveConfig(userConfigFrom(flags), process.cwd())
  const started = performance.now()
  const result = await build(config)
  const elapsed = performance.now() - started
  const summary = summarizeMessages(result.files)
  const colour = process.stdout.isTTY === true && !process.env.NO_COLOR
  if (flags.verbose) process.stderr.write(formatMessages(result.files, { colour, root: process.cwd() }))
  if (!flags.quiet || summary.errors > 0 || (flags.strict && summary.warnings > 0)) {
    const reviews = result.papers.reduce((count, paper) => count + paper.reviews.length, 0)
    process.stdout.write(
      formatSummary(summary, {
        files: result.sources.length,
        reviews,
        papers: result.papers.length,
        outDir: path.relative(process.cwd(), config.outDir) || '.',
        milliseconds: elapsed,
        verbose: flags.verbose === true,
        colour,
      }),
    )
  }
  if (summary.errors > 0) return 1
  if (flags.strict && summary.warnings > 0) return 1
  return 0
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name('digest')
    .description('research-digest: turn a folder of paper-review newsletters into a static site')
    .exitOverride()
  let exitCode = 0
  program
    .command('build')
    .description('read the content folder and write the site')
    .option('--content <dir>', 'folder of newsletter files', 'content')
    .option('--out <dir>', 'output folder', 'dist')
    .option('--base-url <path>', 'path the site is served under, e.g. /digest/')
    .option('--strict', 'exit with code 1 when there are warnings')
    .addOption(new Option('--verbose', 'print every message with file:line').conflicts('quiet'))
    .option('--quiet', 'print nothing unless the build fails')
    .action(async (flags: BuildFlags) => {
      exitCode = await runBuild(flags)
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
    process.stderr.write(`research-digest: build failed: ${error instanceof Error ? error.message : String(error)}\n`)
    if (process.argv.includes('--verbose') && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
    process.exitCode = 1
  },
)
