import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the Cardo server at /studio (server/src/api/ui.routes.ts), so every asset URL is
// under /studio/. `npm run dev` proxies the API to a running server (CARDO_API, default :3000).
export default defineConfig({
  base: '/studio/',
  plugins: [react()],
  server: { proxy: { '/api': process.env.CARDO_API ?? 'http://127.0.0.1:3000' } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
});
