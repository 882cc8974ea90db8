/** `model.files`: import data sources and export outputs, moved in chunks by `../files.ts`. */
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import type {
  AnaplanFile,
  DownloadOptions,
  RequestOptions,
  Selector,
  UploadOptions,
  UploadSource,
} from '../../api.ts'
import { resolveName } from '../../core/names.ts'
import { AnaplanError, NameResolutionError } from '../../errors.ts'
import { path } from '../../internal/path.ts'
import { listAll } from '../envelope.ts'
import { downloadFile, uploadFile } from '../files.ts'
import { ModelResource, requestOptions } from '../resource.ts'

/** Bytes `downloadToFile` queues for the disk before it waits for a drain. */
const WRITE_BUFFER = 1024 * 1024

export class FilesResource extends ModelResource {
  /** A fresh listing. @example await model.files.list() */
  list(options?: RequestOptions): Promise<AnaplanFile[]> {
    return listAll<AnaplanFile>(
      this._host,
      { path: `${this._model.ws}/files` },
      'files',
      requestOptions(options),
    )
  }

  /** A file's id by name or id; an export's output has the export's id, listed or not. */
  async id(file: Selector, options?: RequestOptions): Promise<string> {
    if (typeof file !== 'string') return file.id
    const ro = requestOptions(options)
    try {
      return resolveName('file', await this._catalog.files(ro), file).id
    } catch (error) {
      // An export's output file has the export's id; it may not be listed before the first run.
      if (!(error instanceof NameResolutionError) || error.reason !== 'not_found') throw error
      const q = file.trim()
      const exports = await this._catalog.actions('export', ro)
      const hit = exports.find((e) => e.id === q || e.name.toLowerCase() === q.toLowerCase())
      if (hit) return hit.id
      if (/^11[36]\d{9}$/.test(q)) return q
      throw error
    }
  }

  /**
   * Uploads into a file (by name or id) in chunks of `chunkSize` (1–50 MB), gzip by default.
   * @example await model.files.upload('actuals.csv', { path: './actuals.csv' })
   */
  async upload(file: Selector, source: UploadSource, options: UploadOptions = {}): Promise<AnaplanFile> {
    const id = await this.id(file, options)
    const uploaded = await uploadFile(this._host, this._model.ws, id, source, options)
    this._catalog.invalidateFiles()
    return uploaded
  }

  /**
   * Streams a file's bytes as they arrive, chunk after chunk (an export's output has the export's id
   * or name). Pieces are socket-sized, not chunk-sized; a chunk whose body fails midway is re-fetched
   * and resumed where it stopped, so no byte is yielded twice.
   * @example for await (const bytes of model.files.download('Revenue Export')) out.write(bytes)
   */
  async *download(file: Selector, options: DownloadOptions = {}): AsyncIterable<Uint8Array> {
    const id = await this.id(file, options)
    yield* downloadFile(this._host, this._model.ws, id, options)
  }

  /**
   * Downloads to `filePath`, writing each piece as it arrives (memory stays at the write buffer and
   * the sockets' buffers, whatever the chunk size); returns the bytes written. A partial file is
   * removed on failure or abort.
   * @example const n = await model.files.downloadToFile('Revenue Export', '/tmp/revenue.csv')
   */
  async downloadToFile(file: Selector, filePath: string, options: DownloadOptions = {}): Promise<number> {
    // A write buffer larger than the 16 KiB default lets the disk write overlap the next network read.
    const out = createWriteStream(filePath, { highWaterMark: WRITE_BUFFER })
    let written = 0
    try {
      for await (const chunk of this.download(file, options)) {
        written += chunk.byteLength
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve))
      }
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())))
      return written
    } catch (error) {
      // The file is opened asynchronously: removing it before the stream has closed could race its
      // open and leave the partial file behind.
      const closed = out.closed ? Promise.resolve() : once(out, 'close')
      out.destroy()
      await closed.catch(() => undefined)
      await rm(filePath, { force: true })
      if (error instanceof AnaplanError) throw error
      throw new AnaplanError(`Could not write ${filePath}`, { cause: error })
    }
  }

  /** Removes the user's uploaded content of a file. @example await model.files.delete('actuals.csv') */
  async delete(file: Selector, options?: RequestOptions): Promise<void> {
    const id = await this.id(file, options)
    await this._host.request(
      { method: 'DELETE', path: `${this._model.ws}${path`/files/${id}`}`, parse: 'none' },
      requestOptions(options),
    )
    this._catalog.invalidateFiles()
  }
}
