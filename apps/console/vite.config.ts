import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the console runs on Vite and forwards everything server-side to Pond on :3000;
// in production Pond serves the built `dist/` itself, so the same relative URLs work in both.
const target = 'http://127.0.0.1:3000';
const proxy = Object.fromEntries(['/api', '/sim', '/docs', '/l'].map((path) => [path, { target, changeOrigin: false }]));

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // React and ECharts get named chunks that stay cached across console releases; antd is left to
    // the default splitting so each lazy page loads only the components it uses.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/ },
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/ },
          ],
        },
      },
    },
  },
  server: { port: 5173, proxy },
  preview: { port: 4173, proxy },
});
