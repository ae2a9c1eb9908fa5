/**
 * Reading the content folder: every file below it except dotfiles and data files
 * (`*.yaml`, `*.yml`, `*.json`, such as the topic taxonomy), in a stable order.
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { ContentInput } from './index.ts'

const DATA_FILE = /\.(?:ya?ml|json)$/i

/** A content file that could not be read. */
export interface UnreadableContent {
  readonly path: string
  readonly reason: string
}

/** Every content file below `directory`, sorted by path; unreadable files are listed, not thrown. */
export async function readContentFolder(directory: string): Promise<{ inputs: ContentInput[]; unreadable: UnreadableContent[] }> {
  const inputs: ContentInput[] = []
  const unreadable: UnreadableContent[] = []
  const entries = await readdir(directory, { recursive: true, withFileTypes: true })
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((relative) => !relative.split('/').some((part) => part.startsWith('.')) && !DATA_FILE.test(relative))
    .sort()
  for (const relative of files) {
    try {
      const location = path.join(directory, relative)
      inputs.push({ path: relative, bytes: await readFile(location), location })
    } catch (error) {
      unreadable.push({ path: relative, reason: (error as Error).message })
    }
  }
  return { inputs, unreadable }
}
