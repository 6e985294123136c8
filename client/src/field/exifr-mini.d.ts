/** exifr's smallest build (JPEG/TIFF segments: EXIF and GPS), typed as the package's main entry. */
declare module 'exifr/dist/mini.esm.mjs' {
  export * from 'exifr';
}
