/**
 * An in-memory {@link CliIo}: buffers for stdout and stderr, a fixed stdin, and a Ctrl-C you can
 * press from code. Used by the tests to run commands in-process; also handy to embed the CLI.
 */
import { PassThrough, Readable } from 'node:stream'
import type { CliIo } from './context.ts'
import type { Env } from './settings.ts'

/** A CliIo plus accessors for what was written. */
export interface MemoryIo extends CliIo {
  stdoutText(): string
  stdoutBytes(): Buffer
  stderrText(): string
  /** Simulates Ctrl-C. */
  interrupt(): void
}

/** Options of {@link memoryIo}. */
export interface MemoryIoOptions {
  env?: Env
  stdin?: string
  /** Pretend stdin/stdout/stderr are terminals. @default false */
  tty?: boolean
  fetch?: typeof fetch
  confirm?: (question: string) => Promise<boolean>
}

/** Creates an in-memory io. */
export function memoryIo(o: MemoryIoOptions = {}): MemoryIo {
  const controller = new AbortController()
  const capture = () => {
    const chunks: Buffer[] = []
    const stream = new PassThrough() as PassThrough & { isTTY?: boolean }
    stream.on('data', (c: Buffer) => chunks.push(c))
    if (o.tty) stream.isTTY = true
    return { stream, bytes: () => Buffer.concat(chunks) }
  }
  const out = capture()
  const err = capture()
  const stdin = Readable.from(o.stdin === undefined ? [] : [Buffer.from(o.stdin)]) as Readable & {
    isTTY?: boolean
  }
  if (o.tty) stdin.isTTY = true
  return {
    stdout: out.stream,
    stderr: err.stream,
    stdin,
    env: o.env ?? {},
    signal: controller.signal,
    ...(o.fetch ? { fetch: o.fetch } : {}),
    ...(o.confirm ? { confirm: o.confirm } : {}),
    stdoutText: () => out.bytes().toString('utf8'),
    stdoutBytes: () => out.bytes(),
    stderrText: () => err.bytes().toString('utf8'),
    interrupt: () => controller.abort(),
  }
}
