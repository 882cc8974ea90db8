/**
 * `upload` and `download`: chunked transfers with byte progress bars. A download without `--out`
 * streams to stdout, one chunk at a time, honouring back-pressure.
 */
import { stat } from 'node:fs/promises'
import type { Command } from 'commander'
import type { ModelScope } from '../../anaplan/index.ts'
import { parseChunkSizeMb } from '../args.ts'
import type { CliContext } from '../context.ts'
import { CliError, ExitCode, UsageError } from '../exit-codes.ts'
import type { Act } from '../program.ts'

/** Registers `upload` and `download`. */
export function registerFileCommands(program: Command, act: Act): void {
  program
    .command('upload')
    .argument('<file>', 'the Anaplan file (name or id), e.g. an import data source')
    .argument('<path>', 'local file to upload')
    .description('upload a local file into an Anaplan file, in gzip-compressed chunks')
    .option('--chunk-size <MB>', 'chunk size in MB, 1-50 (default 10)')
    .option('--no-gzip', 'send chunks uncompressed')
    .action(
      act(async (ctx, [file, path], opts) => {
        const o = opts as { chunkSize?: string; gzip?: boolean }
        const chunkSize = o.chunkSize !== undefined ? parseChunkSizeMb(o.chunkSize) : undefined
        const size = await localFileSize(path as string)
        if (size === undefined) {
          // `upload actuals.csv ./data.csv` is the order; the swapped call names a local file first.
          const swapped = (await localFileSize(file as string)) !== undefined
          throw new UsageError(
            swapped
              ? `${path}: no such local file, but ${file} is one. The order is: anaplan upload <anaplan-file> <local-path>, e.g. anaplan upload "${path}" "${file}"`
              : `${path}: no such local file (anaplan upload <anaplan-file> <local-path>)`,
          )
        }
        const scope = await ctx.scope()
        const bar = ctx.progress.bytes(`upload ${path}`, size)
        let result: Awaited<ReturnType<ModelScope['upload']>>
        try {
          result = await scope.upload(
            file as string,
            { path: path as string },
            {
              ...ctx.request,
              ...(chunkSize ? { chunkSize } : {}),
              gzip: o.gzip !== false,
              onProgress: (sent) => bar.update(sent, size),
            },
          )
        } finally {
          bar.stop()
        }
        ctx.out.result(
          { file: result, bytes: size },
          () =>
            `Uploaded ${path} (${size} bytes) to "${result.name}" (${result.id}), ${result.chunkCount} chunk(s)`,
        )
        return undefined
      }),
    )

  program
    .command('download')
    .argument('<file>', 'the Anaplan file or export (name or id)')
    .description('download a file or an export output, to --out or to stdout')
    .option('-o, --out <path>', 'save here instead of writing to stdout')
    .action(
      act(async (ctx, [file], opts) => {
        const out = (opts as { out?: string }).out
        const scope = await ctx.scope()
        await assertHasContent(ctx, scope, file as string)
        const bytes = await writeDownload(ctx, scope, file as string, out ?? '-', `download ${file}`)
        if (out && out !== '-') {
          ctx.out.result({ file, path: out, bytes }, () => `Saved ${bytes} bytes to ${out}`)
        }
        return undefined
      }),
    )
}

async function localFileSize(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path)
    return s.isFile() ? s.size : undefined
  } catch {
    return undefined
  }
}

/**
 * Anaplan lists an export's output file before the export has ever run, with no chunks: downloading
 * it would save an empty file and report success. Say so instead. A name the listing does not hold
 * is left to the download, whose resolver names close matches.
 */
async function assertHasContent(ctx: CliContext, scope: ModelScope, nameOrId: string): Promise<void> {
  const files = await scope.listFiles(ctx.request)
  const lower = nameOrId.toLowerCase()
  const file =
    files.find((f) => f.id === nameOrId) ??
    files.find((f) => f.name === nameOrId) ??
    files.find((f) => f.name.toLowerCase() === lower)
  if (file?.chunkCount !== 0) return
  // An export's output file carries the export's id (116…).
  const isExport = file.id.startsWith('116')
  throw new CliError(
    isExport
      ? `"${file.name}" has not produced a file yet: run the export first, e.g. anaplan run export "${file.name}" --out out.csv`
      : `"${file.name}" has no content yet: nothing has been uploaded to it`,
    ExitCode.NOT_FOUND,
    'no_content',
  )
}

/**
 * Downloads `file` to `out` (`-` = stdout) with a byte counter; returns the bytes written.
 * @internal shared with `run export --out`.
 */
export async function writeDownload(
  ctx: CliContext,
  scope: ModelScope,
  file: string,
  out: string,
  label: string,
): Promise<number> {
  const bar = ctx.progress.bytes(label)
  const onProgress = (received: number) => bar.update(received)
  try {
    if (out !== '-') return await scope.downloadToFile(file, out, { ...ctx.request, onProgress })
    let written = 0
    const stdout = ctx.io.stdout
    for await (const chunk of scope.download(file, { ...ctx.request, onProgress })) {
      written += chunk.byteLength
      if (!stdout.write(chunk)) await new Promise<void>((resolve) => stdout.once('drain', () => resolve()))
    }
    return written
  } finally {
    bar.stop()
  }
}
