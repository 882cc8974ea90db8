/**
 * What `npm start` and `anaplan-bot serve` tell the person who started them: where the audit trail
 * goes by default, the one banner printed once everything listens, and a one-line reason when the
 * port cannot be opened.
 */
import { isAbsolute, join, relative } from 'node:path'

/** Folder for files the bot keeps between runs. @default `./data` */
export function dataDir(env: NodeJS.ProcessEnv, cwd: string): string {
  return env.BOT_DATA_DIR ? join(cwd, env.BOT_DATA_DIR) : join(cwd, 'data')
}

/**
 * The audit trail's JSONL file: `--audit`, else `BOT_AUDIT_FILE`, else `audit.jsonl` in the data
 * folder, so that changes made through a local start are not lost when it stops.
 */
export function auditFileFor(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const chosen = flag ?? env.BOT_AUDIT_FILE
  if (chosen) return isAbsolute(chosen) ? chosen : join(cwd, chosen)
  return join(dataDir(env, cwd), 'audit.jsonl')
}

export interface BannerFacts {
  webUrl: string
  /** The simulator's URL when the embedded simulator runs. */
  simulatorUrl?: string
  anaplanUrl: string
  auditFile: string
  /** Whether sessions are shared through Redis. */
  sharedSessions: boolean
  cwd: string
  /** How the port is changed for this command. */
  portHint: string
}

/** The start banner: a few aligned lines, no JSON. */
export function startBanner(f: BannerFacts): string {
  const shown = (p: string) => {
    const rel = relative(f.cwd, p)
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p
  }
  const anaplan = f.simulatorUrl
    ? `demo simulator at ${f.simulatorUrl}, signed in as analyst@example.com (set ANAPLAN_* for your tenant)`
    : f.anaplanUrl
  const lines: [string, string][] = [
    ['Web chat', `${f.webUrl}   (${f.portHint})`],
    ['Anaplan', anaplan],
    ['Audit trail', `${shown(f.auditFile)} (BOT_AUDIT_FILE to change)`],
    ['Sessions', f.sharedSessions ? 'shared through Redis' : 'in this process (REDIS_URL to share them)'],
  ]
  const width = Math.max(...lines.map(([k]) => k.length)) + 1
  return [
    'Anaplan Chat Bot is running.',
    ...lines.map(([k, v]) => `  ${`${k}:`.padEnd(width)} ${v}`),
    'Press Ctrl-C to stop.',
    '',
  ].join('\n')
}

/** One line for a listen failure people cause themselves (port taken, not allowed); else undefined. */
export function listenFailureLine(err: unknown, port: number, portHint: string): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  if (code === 'EADDRINUSE') return `port ${port} is already in use; ${portHint}.`
  if (code === 'EACCES') return `not allowed to listen on port ${port}; ${portHint} (1024 or above).`
  return undefined
}
