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

/** Every content file below `directory`, sorted by path; unreadable files are listed, not thrown. All their bytes are held: for small folders and scripts. */
export async function readContentFolder(directory: string): Promise<{ inputs: ContentInput[]; unreadable: UnreadableContent[] }> {
  const inputs: ContentInput[] = []
  const unreadable: UnreadableContent[] = []
  for (const relative of await listContentFiles(directory)) {
    const read = await readContentFile(directory, relative)
    if ('reason' in read) unreadable.push(read)
    else inputs.push(read)
  }
  return { inputs, unreadable }
}

/** The paths of the content files below `directory` (relative, `/`-separated), sorted. */
export async function listContentFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((relative) => !relative.split('/').some((part) => part.startsWith('.')) && !DATA_FILE.test(relative))
    .sort()
}

/** One content file (`relative` to `directory`, as {@link listContentFiles} gives it), or why it could not be read. */
export async function readContentFile(directory: string, relative: string): Promise<ContentInput | UnreadableContent> {
  const location = path.join(directory, relative)
  try {
    return { path: relative, bytes: await readFile(location), location }
  } catch (error) {
    return { path: relative, reason: (error as Error).message }
  }
}
