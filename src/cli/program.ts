/**
 * The `anaplan` command line: the commander program, the global options, and {@link runCli}, which
 * runs one invocation and returns its exit code instead of exiting (so tests call it in-process).
 */
import { Command, CommanderError, Option } from 'commander'
import { registerDataCommands } from './commands/data.ts'
import { registerFileCommands } from './commands/files.ts'
import { registerInfoCommands } from './commands/info.ts'
import { registerRunCommands } from './commands/run.ts'
import { CliContext, type CliIo } from './context.ts'
import { classifyError, EXIT_CODES_HELP, ExitCode } from './exit-codes.ts'
import { Output } from './output.ts'
import type { GlobalOptions } from './settings.ts'

/** A command body: positional arguments, the command's own options; returns an exit code (default 0). */
export type CommandBody = (
  ctx: CliContext,
  args: (string | string[] | undefined)[],
  opts: object,
) => Promise<number | undefined>

/** Wraps a {@link CommandBody} as a commander action. */
export type Act = (body: CommandBody) => (...args: unknown[]) => Promise<void>

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/** The CLI's version, printed by `anaplan --version`. */
export const VERSION = '0.1.0'

interface RunState {
  ctx?: CliContext
  exitCode: number
}

/** Builds the program; command actions record their context and exit code in `state`. */
export function createProgram(io: CliIo, state: RunState = { exitCode: 0 }): Command {
  const program = new Command('anaplan')
  program
    .description(
      'Anaplan from the command line: list, run imports/exports/processes/actions, move files, read views, ' +
        'write cells and list items. Works against real Anaplan or the project simulator.',
    )
    .option('--auth-url <url>', 'auth service base URL (env ANAPLAN_AUTH_URL)')
    .option('--api-url <url>', 'Integration API base URL (env ANAPLAN_API_URL)')
    .option(
      '-u, --user <email>',
      'user for basic auth (env ANAPLAN_USERNAME); password from ANAPLAN_PASSWORD',
    )
    .option('--password-stdin', 'read the password from stdin instead of ANAPLAN_PASSWORD')
    .option('--cert <file>', 'CA certificate (PEM file) for certificate auth')
    .option('--key <file>', 'private key (PEM file) for certificate auth')
    .addOption(new Option('--cert-format <format>', 'certificate auth data format').choices(['v1', 'v2']))
    .option('-w, --workspace <name|id>', 'workspace (env ANAPLAN_WORKSPACE)')
    .option('-m, --model <name|id>', 'model (env ANAPLAN_MODEL)')
    .option('--json', 'machine-readable JSON on stdout (errors as JSON on stderr)')
    .option('-q, --quiet', 'print results only, no notes')
    .option('--timeout <seconds>', 'timeout of each HTTP request (default 60)')
    .option('--no-progress', 'no progress bars (they only appear on a terminal anyway)')
    .option('-y, --yes', 'do not ask before writing (required when stdin is not a terminal)')
    .addHelpText(
      'after',
      `\nanaplan --version prints the version.\nSelectors (--workspace, --model, and every <name|id>) take a name or an id.\n\n${EXIT_CODES_HELP}\n`,
    )
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Errors are printed by runCli, in one line or as JSON.
      outputError: () => {},
    })

  const act: Act =
    (body) =>
    async (...args: unknown[]) => {
      const cmd = args.at(-1) as Command
      const positional = args.slice(0, -2) as (string | string[] | undefined)[]
      const ctx = await CliContext.create(io, cmd.optsWithGlobals<GlobalOptions>())
      state.ctx = ctx
      state.exitCode = (await body(ctx, positional, cmd.opts())) ?? ExitCode.OK
    }

  registerInfoCommands(program, act)
  registerRunCommands(program, act)
  registerFileCommands(program, act)
  registerDataCommands(program, act)
  return program
}

/**
 * Runs one invocation (`argv` without the node and script paths) and returns the exit code.
 * Never throws: every error becomes one line on stderr (or JSON with `--json`) and an exit code.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const state: RunState = { exitCode: ExitCode.OK }
  // Not commander's .version(): a program-level --version would swallow `write-cells --version Forecast`.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout.write(`${VERSION}\n`)
    return ExitCode.OK
  }
  const program = createProgram(io, state)
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return state.exitCode
  } catch (error) {
    const out = state.ctx?.out ?? fallbackOutput(argv, io)
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return ExitCode.OK
      // No command given: commander has already printed the help on stderr.
      if (error.code === 'commander.help') return ExitCode.USAGE
      out.error({
        exitCode: ExitCode.USAGE,
        code: 'usage',
        message: error.message
          .replace(/^error:\s*/i, '')
          .replace(/\s*\n\s*/g, ' ')
          .trim(),
      })
      return ExitCode.USAGE
    }
    const model = state.ctx?.settings.model
    const report = classifyError(error, model ? { model } : {})
    out.error(report)
    if (io.env.DEBUG?.split(',').includes('anaplan') && error instanceof Error && error.stack) {
      io.stderr.write(`${error.stack}\n`)
    }
    return report.exitCode
  } finally {
    await state.ctx?.close()
  }
}

function fallbackOutput(argv: readonly string[], io: CliIo): Output {
  return new Output({ json: argv.includes('--json'), quiet: false, stdout: io.stdout, stderr: io.stderr })
}
