import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const backend = process.env.GC_BACKEND ?? 'http://127.0.0.1:8080';
const proxied = ['/api', '/tiles', '/ogc', '/open311'];

export default defineConfig({
  plugins: [react()],
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
    // maplibre-gl and deck.gl are large by nature; the map is the product.
    chunkSizeWarningLimit: 4000,
  },
});
