/** Loopback HTTP servers in tests: closing one without waiting on its keep-alive connections. */
import type { Server } from 'node:http'

/** Drops the server's connections and resolves once it is closed; `undefined` resolves at once. */
export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
}
