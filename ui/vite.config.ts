import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const dir = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tauri expects a fixed port in dev and the built files in ui/dist.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      // In `npm run dev` against a running confab-web: CONFAB_WEB=http://127.0.0.1:PORT
      '/bridge': { target: process.env.CONFAB_WEB ?? 'http://127.0.0.1:7789', ws: true },
    },
  },
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    minify: !process.env.TAURI_ENV_DEBUG,
    sourcemap: !!process.env.TAURI_ENV_DEBUG,
  },
  resolve: {
    alias: { $lib: dir('./src/lib'), $components: dir('./src/components'), $views: dir('./src/views') },
    // Unit tests run the client build of Svelte (runes are reactive there).
    ...(process.env.VITEST ? { conditions: ['browser'] } : {}),
  },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
  },
});
