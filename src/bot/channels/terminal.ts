/**
 * `anaplan-bot chat`: the same conversation in a terminal. Tables print with aligned columns, in
 * column groups that fit the terminal's width; choices are numbered (type the number), follow-ups
 * print as they arrive, downloads are saved to a folder. `exit`, `quit`, Ctrl-C or the end of input
 * ends the chat.
 */
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join, parse } from 'node:path'
import { createInterface } from 'node:readline'
import type { Bot, Identity, Message } from '../core/types.ts'
import { type ChoiceOption, lastChoices, matchChoice } from './choices.ts'
import type { DownloadSource } from './download-source.ts'
import { claimFollowUp } from './follow-ups.ts'
import { renderMessages } from './render-text.ts'

export interface TerminalChatOptions {
  input: NodeJS.ReadableStream
  output: NodeJS.WritableStream
  identity: Identity
  sessionId: string
  /** Where file messages are saved; without a download source they are printed as links. */
  downloads?: DownloadSource
  /** @default process.cwd() */
  saveDir?: string
  /** Show a `you>` prompt (on a TTY). @default false */
  prompt?: boolean
  /** Printed once at the start. */
  banner?: string
  /**
   * Characters per line tables must fit. @default the output's `columns` (a TTY's width, read at
   * each reply so a resized window is honoured); none when the output is not a terminal
   */
  columns?: number
}

function uniquePath(dir: string, name: string): string {
  const safe = name.replace(/[/\\:*?"<>|\r\n]/g, '_') || 'download'
  const { name: base, ext } = parse(safe)
  let candidate = join(dir, safe)
  for (let i = 1; existsSync(candidate); i++) candidate = join(dir, `${base} (${i})${ext}`)
  return candidate
}

async function collect(
  stream: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | NodeJS.ReadableStream,
) {
  const chunks: Uint8Array[] = []
  for await (const c of stream as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof c === 'string' ? Buffer.from(c) : c)
  }
  return Buffer.concat(chunks)
}

/** Runs the chat until the user quits or input ends. Resolves when everything pending has printed. */
export async function runTerminalChat(bot: Bot, options: TerminalChatOptions): Promise<void> {
  const out = options.output
  const write = (text: string) => out.write(`${text}\n`)
  const rl = createInterface({ input: options.input, terminal: false })
  let choices: ChoiceOption[] = []
  let closed = false

  async function show(messages: Message[], prefix = ''): Promise<void> {
    const printable: Message[] = []
    for (const m of messages) {
      if (m.type === 'file' && options.downloads) {
        const id = m.url.split('/').pop() ?? ''
        const handle = await options.downloads.open(id)
        if (handle) {
          const path = uniquePath(options.saveDir ?? process.cwd(), handle.name)
          await writeFile(path, await collect(handle.stream))
          printable.push({ type: 'text', text: `Saved ${handle.name} to ${path}` })
          continue
        }
      }
      printable.push(m)
    }
    const next = lastChoices(messages)
    if (next.length > 0) choices = next
    // One write per reply, so a reader never sees half of it.
    const hint = next.length > 0 ? '(type a number to choose)\n' : ''
    const width = options.columns ?? (out as { columns?: number }).columns
    const text = renderMessages(printable, width ? { width } : {})
    if (printable.length > 0 || hint) write(`${prefix}${text}\n${hint}`)
  }

  const unsubscribe = bot.subscribe(async (n) => {
    if (n.sessionId !== options.sessionId || closed) return false
    await show(await claimFollowUp(bot, n), '\n[update] ')
    if (options.prompt) out.write('you> ')
    return true
  })

  // Lines are handled one at a time, in order, even when input arrives all at once (a pipe).
  // The listener is attached before any await so no piped line is missed; lines wait for the banner.
  let queue = (async () => {
    if (options.banner) write(options.banner)
    const pending = await bot.drainPending(options.sessionId)
    if (pending.length > 0) await show(pending)
    if (options.prompt) out.write('you> ')
  })()
  const done = new Promise<void>((resolve) => {
    rl.on('line', (line) => {
      queue = queue.then(async () => {
        if (closed) return
        const text = line.trim()
        if (!text) return
        if (/^(exit|quit|bye)$/i.test(text)) {
          closed = true
          rl.close()
          return
        }
        const choice = choices.length > 0 ? matchChoice(text, choices) : undefined
        choices = []
        try {
          const reply = await bot.process({
            sessionId: options.sessionId,
            identity: options.identity,
            ...(choice !== undefined ? { choice } : { text }),
          })
          await show(reply.messages)
        } catch (err) {
          write(`Sorry, that failed: ${(err as Error).message}`)
        }
        if (options.prompt && !closed) out.write('you> ')
      })
    })
    rl.on('SIGINT', () => rl.close())
    rl.on('close', () => {
      void queue.then(() => {
        closed = true
        resolve()
      })
    })
  })
  await done
  unsubscribe()
}
