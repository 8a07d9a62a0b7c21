import { defineConfig } from 'vite';

// One bundle for the staff pages that open inside WeCom (the chat sidebar, the task page). Pond renders
// each page's HTML itself (sign-in, boot data) and links the entry's files by the manifest
// (dist/.vite/manifest.json); they are served under /h5/ with long-lived caching (hashed names).
export default defineConfig({
  base: '/h5/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    // WeCom's in-app browsers: Chromium-based on Android and desktop, WKWebView on iOS.
    target: ['es2020', 'safari14', 'chrome80'],
    // Staff pages (WeCom, @wecom/jssdk) and customer pages (WeChat: campaigns, each kind a lazy chunk).
    rolldownOptions: { input: ['src/main.tsx', 'src/customer.tsx'] },
  },
});
