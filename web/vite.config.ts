import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// two entries, so that the citizen page loads none of the workbench's code; everything is bundled (no external
// assets); the manifest lets the budget script sum each entry's first load
export default defineConfig({
  root,
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    assetsInlineLimit: 0,
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        track: fileURLToPath(new URL('track.html', import.meta.url)),
      },
    },
  },
});
