/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// The app is served by Tauri from ui/dist; the dev server exists only for `npm run dev` in a browser.
export default defineConfig(({ mode }) => ({
  plugins: [
    vue(),
    // Element Plus components (and v-loading) are imported where a template uses them, each with its
    // own CSS: the window parses and keeps only what the app shows, not the whole library
    // (tens of MB less in WebKit's process — bench/desktop). Unit tests install Element Plus whole
    // (tests/mount.ts), and Node cannot import the CSS files the resolver adds.
    mode === 'test' ? [] : components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
  ],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2021',
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.spec.ts'],
  },
}))
