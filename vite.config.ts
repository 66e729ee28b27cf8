import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// libsecp256k1 (@bitauth/libauth) embeds its WebAssembly as base64 and is awaited at module load:
// pages and workers are ES modules with top-level await (es2022).
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022' },
  server: { host: '127.0.0.1' },
});
