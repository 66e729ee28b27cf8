import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import wasm from 'vite-plugin-wasm';

// tiny-secp256k1 ships libsecp256k1 as an ES-module WebAssembly import; vite-plugin-wasm
// resolves it for pages and for workers alike.
export default defineConfig({
  plugins: [wasm(), react()],
  worker: { format: 'es', plugins: () => [wasm()] },
  build: { target: 'es2022' },
  server: { host: '127.0.0.1' },
});
