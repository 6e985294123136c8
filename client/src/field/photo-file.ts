/**
 * A photo as the phone keeps it for upload: camera pictures of several megabytes are scaled down (longest side
 * `MAX_SIDE`, JPEG) so that they get through a bad network; small ones are kept as they are. The EXIF position is
 * read from the original before (see position.ts).
 */
export const MAX_SIDE = 2048;
export const KEEP_BELOW_BYTES = 1_500_000;

export async function photoForUpload(file: Blob): Promise<Blob> {
  if (file.size <= KEEP_BELOW_BYTES || typeof createImageBitmap !== 'function') return file;
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const w = Math.round(bitmap.width * scale);
    const h = Math.round(bitmap.height * scale);
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    if (!ctx) return file;
    ctx.drawImage(bitmap, 0, 0, w, h);
    bitmap.close();
    const out = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.82 });
    return out.size < file.size ? out : file;
  } catch {
    return file;
  }
}
