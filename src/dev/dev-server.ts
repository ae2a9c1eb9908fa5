/**
 * The development server: serves the built site from the output folder on
 * localhost, under the site's base path, and reloads open pages when the site is
 * rebuilt. Live reload is a small script injected into HTML responses as they are
 * served (never written into the built site), listening on a Server-Sent Events
 * stream; a failed build shows its message over the page instead.
 */
import { createServer, type ServerResponse } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { contentTypeOf } from './content-types.ts'

/** Where and what to serve. */
export interface DevServerOptions {
  /** The output folder to serve. */
  readonly root: string
  /** The site's base path, e.g. `/` or `/digest/`. */
  readonly basePath: string
  readonly host: string
  /** Port to listen on; 0 picks a free one. */
  readonly port: number
}

/** A running development server. */
export interface DevServer {
  /** The site's URL, e.g. `http://127.0.0.1:8080/`. */
  readonly url: string
  /** Tell open pages to reload. */
  reload(): void
  /** Show a build error over open pages (cleared by the next reload). */
  showError(message: string): void
  close(): Promise<void>
}

const EVENTS_PATH = '/__digest/events'

/** The script injected into served pages: reload on rebuild, show build errors as text. */
const LIVE_RELOAD = `<script>(() => {
  const events = new EventSource(${JSON.stringify(EVENTS_PATH)});
  events.addEventListener('reload', () => location.reload());
  events.addEventListener('build-error', (event) => {
    let box = document.getElementById('digest-build-error');
    if (!box) {
      box = document.createElement('pre');
      box.id = 'digest-build-error';
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;inset:auto 1rem 1rem 1rem;max-height:50vh;overflow:auto;z-index:99999;margin:0;padding:1rem;background:#7f1d1d;color:#fff;font:14px/1.4 ui-monospace,monospace;white-space:pre-wrap;border-radius:.5rem';
      document.body.append(box);
    }
    box.textContent = 'Build failed\\n\\n' + JSON.parse(event.data);
  });
})();</script>`

/** Start serving `options.root`. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const clients = new Set<ServerResponse>()
  const root = path.resolve(options.root)
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (url.pathname === EVENTS_PATH) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
      response.write(': connected\n\n')
      clients.add(response)
      request.on('close', () => clients.delete(response))
      return
    }
    let pathname: string
    try {
      pathname = decodeURIComponent(url.pathname)
    } catch {
      response.writeHead(400).end('bad request')
      return
    }
    if (!pathname.startsWith(options.basePath)) {
      // Send the root of the server to the site when it lives under a base path.
      if (pathname === '/') response.writeHead(302, { location: options.basePath }).end()
      else await sendNotFound(response, root)
      return
    }
    let file = path.join(root, pathname.slice(options.basePath.length))
    if (file !== root && !file.startsWith(`${root}${path.sep}`)) {
      response.writeHead(403).end()
      return
    }
    try {
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html')
      await send(response, 200, file)
    } catch {
      await sendNotFound(response, root)
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const broadcast = (event: string, data: string) => {
    for (const client of clients) client.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  }
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}${options.basePath}`,
    reload: () => broadcast('reload', ''),
    showError: (message) => broadcast('build-error', message),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.end()
        clients.clear()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

async function send(response: ServerResponse, status: number, file: string): Promise<void> {
  const type = contentTypeOf(file)
  let body: Buffer | string = await readFile(file)
  if (type.startsWith('text/html')) {
    const html = body.toString('utf8')
    body = html.includes('</body>') ? html.replace('</body>', `${LIVE_RELOAD}\n</body>`) : `${html}${LIVE_RELOAD}`
  }
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body)
}

async function sendNotFound(response: ServerResponse, root: string): Promise<void> {
  try {
    await send(response, 404, path.join(root, '404.html'))
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found. The site may not be built yet.')
  }
}
