import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const dir = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// `npm run dev` against a running confab-web: CONFAB_WEB=<the URL it printed,
// with ?token=…>, and start confab-web with --allow-origin http://localhost:5173.
// The proxy presents the token as the host's session cookie.
const web = new URL(process.env.CONFAB_WEB ?? 'http://127.0.0.1:7789');
const webToken = web.searchParams.get('token');
const toWeb = {
  target: web.origin,
  changeOrigin: true,
  headers: webToken ? { cookie: `confab_web_${web.port}=${webToken}` } : undefined,
};

// Tauri expects a fixed port in dev and the built files in ui/dist.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/bridge': { ...toWeb, ws: true },
      '/stage': toWeb,
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
    // Node 20's WebSocket (the facade tests against the real web host).
    execArgv: ['--experimental-websocket'],
  },
});
