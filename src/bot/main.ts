/**
 * `anaplan-bot`: the bot server, a terminal chat, and the Dialogflow ES agent export.
 *
 *   anaplan-bot serve [--port 8080] [--host 127.0.0.1] [--policy F] [--audit F] [--downloads-dir D] [--simulator]
 *   anaplan-bot chat [--user NAME] [--policy F] [--simulator]
 *   anaplan-bot agent export --format dialogflow-es --out agent.zip [--model NAME] [--workspace W] [--webhook-url URL]
 *
 * Anaplan comes from `ANAPLAN_*` (see src/shared/config.ts); without credentials the embedded
 * simulator starts with the demo model and the bot acts as the demo analyst.
 */
import { writeFile } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { Command, InvalidArgumentError, Option } from 'commander'
import { createLogger, redactSecrets } from '../shared/logger.ts'
import { exportDialogflowEsAgent } from './channels/agent-export.ts'
import {
  type BotRuntimeOptions,
  connectAnaplan,
  startBotRuntime,
  startBotService,
} from './channels/runtime.ts'
import { runTerminalChat } from './channels/terminal.ts'
import { MetadataCache } from './core/metadata.ts'
import { auditFileFor, listenFailureLine, startBanner } from './start-info.ts'

function port(raw: string): number {
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || n > 65535)
    throw new InvalidArgumentError('The port must be an integer from 0 to 65535.')
  return n
}

interface CommonFlags {
  policy?: string
  audit?: string
  downloadsDir?: string
  simulator?: boolean
}

function runtimeOptions(flags: CommonFlags): BotRuntimeOptions {
  return {
    ...(flags.policy ? { policyFile: flags.policy } : {}),
    ...(flags.audit ? { auditFile: flags.audit } : {}),
    ...(flags.downloadsDir ? { downloadsDir: flags.downloadsDir } : {}),
    ...(flags.simulator ? { forceSimulator: true } : {}),
  }
}

function onSignals(stop: () => Promise<void>): void {
  let stopping = false
  const handler = () => {
    if (stopping) process.exit(130)
    stopping = true
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', handler)
  process.once('SIGTERM', handler)
}

const program = new Command('anaplan-bot')
  .description('Talk to Anaplan models: web chat, Slack and Dialogflow webhooks, terminal chat')
  .showHelpAfterError(false)
  .configureOutput({ outputError: (text, write) => write(`${text.split('\n')[0]}\n`) })

program
  .command('serve')
  .description('start the bot server (web chat at /, webhooks, Slack events)')
  .addOption(new Option('--port <port>', 'TCP port').argParser(port).default(8080).env('PORT'))
  .addOption(new Option('--host <host>', 'interface to listen on').default('127.0.0.1').env('HOST'))
  .option('--policy <file>', 'bot policy file (YAML/JSON); env BOT_POLICY_FILE')
  .option(
    '--audit <file>',
    'append the audit trail to this JSONL file; env BOT_AUDIT_FILE, else data/audit.jsonl',
  )
  .option('--downloads-dir <dir>', 'where export downloads are kept; env BOT_DOWNLOADS_DIR')
  .option('--simulator', 'use the embedded simulator even if ANAPLAN_* credentials are set')
  .action(async (flags: CommonFlags & { port: number; host: string }) => {
    const logger = createLogger({ name: 'anaplan-bot' })
    const auditFile = auditFileFor(flags.audit, process.env, process.cwd())
    let service: Awaited<ReturnType<typeof startBotService>>
    try {
      service = await startBotService({
        ...runtimeOptions(flags),
        auditFile,
        port: flags.port,
        host: flags.host,
        logger,
      })
    } catch (err) {
      const line = listenFailureLine(err, flags.port, 'choose another with --port or PORT')
      if (!line) throw err
      process.stderr.write(`error: ${line}\n`)
      process.exit(1)
    }
    process.stdout.write(
      startBanner({
        webUrl: service.url,
        ...(service.runtime.simulator ? { simulatorUrl: service.runtime.simulator.url } : {}),
        anaplanUrl: service.runtime.anaplanUrl,
        auditFile,
        sharedSessions: Boolean(process.env.REDIS_URL),
        cwd: process.cwd(),
        portHint: '--port or PORT to change',
      }),
    )
    onSignals(() => service.close())
  })

program
  .command('chat')
  .description('chat with the bot in this terminal')
  .option('--user <name>', 'your identity for the bot policy', userInfo().username)
  .option('--policy <file>', 'bot policy file (YAML/JSON); env BOT_POLICY_FILE')
  .option(
    '--audit <file>',
    'append the audit trail to this JSONL file; env BOT_AUDIT_FILE, else data/audit.jsonl',
  )
  .option('--simulator', 'use the embedded simulator even if ANAPLAN_* credentials are set')
  .action(async (flags: CommonFlags & { user: string }) => {
    // Log lines would interleave with the conversation: only errors, unless LOG_LEVEL says otherwise.
    const logger = createLogger({ name: 'anaplan-bot', level: process.env.LOG_LEVEL ?? 'error' })
    const runtime = await startBotRuntime({
      ...runtimeOptions(flags),
      auditFile: auditFileFor(flags.audit, process.env, process.cwd()),
      logger,
      simulatorTaskMs: 1500,
    })
    onSignals(() => runtime.close())
    const tty = Boolean(process.stdin.isTTY)
    await runTerminalChat(runtime.bot, {
      input: process.stdin,
      output: process.stdout,
      identity: { channel: 'terminal', userId: flags.user },
      sessionId: `terminal:${flags.user.replace(/[^A-Za-z0-9._@-]/g, '_')}:${process.pid}`,
      downloads: runtime.downloads,
      prompt: tty,
      // A TTY's width is read at each reply; through a pipe, COLUMNS says how wide the reader is.
      ...(!process.stdout.isTTY && Number(process.env.COLUMNS) > 0
        ? { columns: Number(process.env.COLUMNS) }
        : {}),
      banner: `Anaplan bot (${runtime.simulator ? 'demo simulator' : runtime.anaplanUrl}). Type "help", or "exit" to quit.`,
    })
    await runtime.close()
  })

const agent = program.command('agent').description('Dialogflow agent generated from the intent catalog')
agent
  .command('export')
  .description('write an importable Dialogflow ES agent zip')
  .addOption(
    new Option('--format <format>', 'agent format').choices(['dialogflow-es']).default('dialogflow-es'),
  )
  .requiredOption('--out <file>', 'zip file to write')
  .option('--model <name>', 'fill model-dependent entities (views, actions, lists, items...) from this model')
  .option('--workspace <name>', 'workspace of --model (name or id)')
  .option('--webhook-url <url>', 'fulfillment URL, e.g. https://bot.example.com/dialogflow/es')
  .option('--simulator', 'read --model from the embedded simulator even if ANAPLAN_* credentials are set')
  .action(
    async (flags: {
      out: string
      model?: string
      workspace?: string
      webhookUrl?: string
      simulator?: boolean
    }) => {
      let vocabulary: Awaited<ReturnType<MetadataCache['model']>> | undefined
      if (flags.model) {
        const access = await connectAnaplan(flags.simulator ? { forceSimulator: true } : {})
        try {
          const scope = await access.client.model({
            model: flags.model,
            ...(flags.workspace ? { workspace: flags.workspace } : {}),
          })
          vocabulary = await new MetadataCache().model('export', access.client, scope)
        } finally {
          await access.client.close()
          await access.simulator?.close()
        }
      }
      const zip = await exportDialogflowEsAgent({
        ...(vocabulary ? { vocabulary } : {}),
        ...(flags.webhookUrl ? { webhookUrl: flags.webhookUrl } : {}),
      })
      await writeFile(flags.out, zip)
      const source = vocabulary ? `entities from ${flags.model}` : 'entities from the catalog examples'
      process.stdout.write(`Wrote Dialogflow ES agent to ${flags.out} (${zip.byteLength} bytes, ${source})\n`)
    },
  )

try {
  await program.parseAsync()
} catch (err) {
  process.stderr.write(`error: ${redactSecrets((err as Error).message)}\n`)
  process.exit(1)
}
