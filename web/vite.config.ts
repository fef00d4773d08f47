import { defineConfig } from "vite";

// The UI is served by `pantau serve` from web/dist. No plugins: esbuild compiles TSX itself,
// and no inline script or style may end up in index.html (the server's CSP forbids them).
export default defineConfig({
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    modulePreload: { polyfill: false },
  },
  server: {
    // `npm run dev` talks to a `pantau serve` on the default address.
    proxy: { "/api": "http://127.0.0.1:8080" },
  },
});
