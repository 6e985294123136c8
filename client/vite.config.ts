import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

const backend = process.env.GC_BACKEND ?? 'http://127.0.0.1:8080';
const proxied = ['/api', '/tiles', '/ogc', '/open311'];
const outDir = path.resolve(import.meta.dirname, 'dist');

interface ManifestChunk {
  file: string;
  css?: string[];
  assets?: string[];
  imports?: string[];
  dynamicImports?: string[];
}

/** Every file the phone app (field/index.html) loads, lazily loaded screens included: what its service worker keeps. */
function fieldFiles(): Set<string> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const files = new Set<string>(['field/index.html']);
  const seen = new Set<string>();
  const walk = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) return;
    files.add(chunk.file);
    for (const f of [...(chunk.css ?? []), ...(chunk.assets ?? [])]) files.add(f);
    for (const k of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) walk(k);
  };
  walk('field/index.html');
  return files;
}

export default defineConfig({
  plugins: [
    react(),
    // the grid worker's phone app works offline; its service worker lives at /field/sw.js and controls /field/ only,
    // so the other pages (/, /wall, /dispatch, /insights) never meet it
    VitePWA({
      strategies: 'generateSW',
      filename: 'field/sw.js',
      scope: '/field/',
      injectRegister: false,
      manifest: false,
      workbox: {
        globPatterns: ['field/**/*.{html,webmanifest,svg,png}', 'assets/**/*.{js,css,svg,png,woff2}'],
        globIgnores: ['field/sw.js', 'field/workbox-*.js'],
        manifestTransforms: [
          (entries) => {
            const keep = fieldFiles();
            // (URLs are site paths here: modifyURLPrefix has run)
            const file = (url: string) => url.replace(/^\//, '');
            return { manifest: entries.filter((e) => !file(e.url).startsWith('assets/') || keep.has(file(e.url))), warnings: [] };
          },
        ],
        // precache URLs are site paths, not relative to the worker's folder
        modifyURLPrefix: { '': '/' },
        navigateFallback: '/field/index.html',
        navigateFallbackAllowlist: [/^\/field\//],
        navigateFallbackDenylist: [/^\/api\//, /^\/tiles\//, /^\/ogc\//, /^\/open311\//],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        // the desk's large bundles are globbed too, then left out by the filter above
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
      },
    }),
  ],
  server: {
    port: 5173,
    proxy: Object.fromEntries(proxied.map((prefix) => [prefix, { target: backend, changeOrigin: false }])),
  },
  preview: {
    proxy: Object.fromEntries(proxied.map((prefix) => [prefix, { target: backend, changeOrigin: false }])),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // the chunk graph, read to know what the phone app loads (see fieldFiles)
    manifest: true,
    // maplibre-gl and deck.gl are large by nature; the map is the product.
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: {
        main: path.resolve(import.meta.dirname, 'index.html'),
        field: path.resolve(import.meta.dirname, 'field/index.html'),
        // the citizen's pages (/report, /track): their own small bundle, no login, no map until asked for
        citizen: path.resolve(import.meta.dirname, 'citizen/index.html'),
      },
    },
  },
});
