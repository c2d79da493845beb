/**
 * Snapshot directories on the local file system (Node only).
 *
 * @since 0.1.0
 */
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import type { SnapshotReader } from "../checkpoint/Snapshot.ts"
import { modelFileError } from "../ModelFileError.ts"

/**
 * Reads files from a local snapshot directory; a missing file reads as undefined, any
 * other failure (a directory, no permission) rejects with a `ModelFileError` naming the path.
 *
 * @since 0.1.0
 * @category constructors
 */
export const snapshotReaderNode = (dir: string): SnapshotReader => ({
  read: async (name) => {
    try {
      const buf = await readFile(join(dir, name))
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined
      throw modelFileError(join(dir, name), `cannot read (${(e as Error).message})`)
    }
  },
  describe: (name) => join(dir, name)
})

/**
 * Writes files into a directory (created if missing).
 *
 * @since 0.1.0
 * @category utils
 */
export const writeSnapshotFilesNode = async (
  dir: string,
  files: ReadonlyMap<string, Uint8Array | string>
): Promise<void> => {
  await mkdir(dir, { recursive: true })
  for (const [name, data] of files) await writeFile(join(dir, name), data)
}
