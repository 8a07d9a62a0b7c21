import { StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App } from './app';
import { PageSpinner } from './components/results';
import './i18n';
import { Providers } from './providers';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      {/* Until the shell's strings (and antd's locale) are in. */}
      <Suspense fallback={<PageSpinner />}>
        <Providers>
          <App />
        </Providers>
      </Suspense>
    </BrowserRouter>
  </StrictMode>,
);
