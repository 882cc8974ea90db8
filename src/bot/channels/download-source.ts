/** What channels need from the core's download store to hand files to users. */

/** An open download: any of the stream shapes Node code commonly hands out. */
export interface DownloadHandle {
  name: string
  size?: number
  stream: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | NodeJS.ReadableStream
}

/** The read side of the core's `DownloadStore` (`open(id)`); `undefined` for unknown or expired ids. */
export interface DownloadSource {
  open(id: string): DownloadHandle | undefined | Promise<DownloadHandle | undefined>
}
