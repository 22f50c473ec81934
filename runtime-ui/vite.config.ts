import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` proxies the API to a running server (CARDO_API, default the server's port 3000).
export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': process.env.CARDO_API ?? 'http://127.0.0.1:3000' } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
});
