/**
 * The files of photos, under the upload folder (GC_UPLOAD_DIR):
 *
 *   <root>/<id[0..2]>/<id>             the bytes as uploaded
 *   <root>/<id[0..2]>/<id>.thumb.jpg   the thumbnail (no metadata)
 *
 * A photo id is the SHA-256 of its bytes (64 hex digits) and is checked again here before it becomes part of a
 * path. Files are written to a temporary name in the same folder, flushed, then renamed: a crash leaves either
 * the whole file or none under its final name (at most a dot-named temporary file, overwritten by nothing and
 * ignored by every reader).
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import type { ReadStream } from 'node:fs';
import path from 'node:path';
import { PHOTO_ID_PATTERN } from '@gridcommand/shared/schemas';

const ID_RE = new RegExp(PHOTO_ID_PATTERN);

export type PhotoVariant = 'original' | 'thumb';

function assertId(id: string): void {
  if (!ID_RE.test(id)) throw new Error(`not a photo id: ${JSON.stringify(id).slice(0, 80)}`);
}

/** True when `child` is `parent` or lies inside it (both resolved). */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(path.resolve(parent), path.resolve(child));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

export class PhotoStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  pathOf(id: string, variant: PhotoVariant): string {
    assertId(id);
    const name = variant === 'thumb' ? `${id}.thumb.jpg` : id;
    return path.join(this.root, id.slice(0, 2), name);
  }

  async has(id: string, variant: PhotoVariant): Promise<boolean> {
    try {
      return (await fs.stat(this.pathOf(id, variant))).isFile();
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  /** Stores the original and its thumbnail; a file already there is kept as it is (same id, same bytes). */
  async put(id: string, original: Buffer, thumb: Buffer): Promise<{ written: number }> {
    let written = 0;
    for (const [variant, data] of [['original', original], ['thumb', thumb]] as const) {
      if (await this.has(id, variant)) continue;
      await writeAtomically(this.pathOf(id, variant), data);
      written++;
    }
    return { written };
  }

  /** A stream of the stored file with its size; null when there is none. */
  async open(id: string, variant: PhotoVariant): Promise<{ stream: ReadStream; size: number } | null> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.pathOf(id, variant), 'r');
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    const stat = await handle.stat().catch(async (err: unknown) => {
      await handle.close();
      throw err;
    });
    return { stream: handle.createReadStream(), size: stat.size };
  }
}

async function writeAtomically(target: string, data: Buffer): Promise<void> {
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(target)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', 0o640);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
