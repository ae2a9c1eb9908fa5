/**
 * A minimal static file server for browser tests: serves a built site folder on
 * 127.0.0.1 under a base path, `…/` as `…/index.html`, and `404.html` for misses.
 */
import { createServer, type Server } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { contentTypeOf } from '../../src/dev/content-types.ts'


/** A running server and how to reach and stop it. */
export interface StaticServer {
  readonly origin: string
  readonly server: Server
  close(): Promise<void>
}

/** Serve `root` under `basePath` (e.g. `/` or `/digest/`) on a free port. */
export async function serveStatic(root: string, basePath = '/'): Promise<StaticServer> {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    let pathname = decodeURIComponent(url.pathname)
    if (!pathname.startsWith(basePath)) {
      response.writeHead(404).end('outside base path')
      return
    }
    pathname = pathname.slice(basePath.length)
    let file = path.join(root, pathname)
    if (!file.startsWith(root)) {
      response.writeHead(403).end()
      return
    }
    try {
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html')
      const body = await readFile(file)
      response.writeHead(200, { 'content-type': contentTypeOf(file) }).end(body)
    } catch {
      const notFound = await readFile(path.join(root, '404.html')).catch(() => Buffer.from('not found'))
      response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end(notFound)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
