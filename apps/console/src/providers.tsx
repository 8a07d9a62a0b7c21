// Everything the app needs around it: antd's locale following the chosen language, antd's App
// context (message/notification), and TanStack Query with one place that reports failed writes.
import { MutationCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api/client';
import { antdLocale, currentLanguage } from './i18n';

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: Error;
    /** `silent`: the caller shows the error itself (e.g. the login form). */
    mutationMeta: { silent?: boolean };
  }
}

function shouldRetry(failureCount: number, error: Error): boolean {
  // 4xx answers will not change on retry; network errors and 5xx may.
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

function QueryProvider({ children }: { children: ReactNode }) {
  const { notification } = AntApp.useApp();
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: { retry: shouldRetry, refetchOnWindowFocus: false, staleTime: 15_000 },
          mutations: { retry: false },
        },
        mutationCache: new MutationCache({
          onError: (error, _variables, _context, mutation) => {
            if (mutation.meta?.silent) return;
            // 401 already sends the browser to the login page.
            if (error instanceof ApiError && error.status === 401) return;
            notification.error({
              title: error.message || String(error),
              description: error instanceof ApiError ? error.hint ?? (error.code !== `http_${error.status}` ? error.code : undefined) : undefined,
              placement: 'topRight',
            });
          },
        }),
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

/** The system's "reduce motion" setting, followed while the console is open. */
const reducedMotionQuery = typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;

function usePrefersReducedMotion(): boolean {
  const query = reducedMotionQuery;
  const [reduced, setReduced] = useState(() => query?.matches ?? false);
  useEffect(() => {
    if (!query) return undefined;
    const onChange = (e: MediaQueryListEvent) => setReduced(e.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, [query]);
  return reduced;
}

export function Providers({ children }: { children: ReactNode }) {
  // Re-renders on a language switch, which i18next announces once the new locale is loaded.
  useTranslation();
  const locale = antdLocale(currentLanguage());
  // People who ask their system for less motion get none: dropdowns, modals and drawers open at once.
  const reducedMotion = usePrefersReducedMotion();
  return (
    <ConfigProvider locale={locale} theme={{ token: { colorPrimary: '#1677ff', borderRadius: 6, motion: !reducedMotion } }}>
      <AntApp>
        <QueryProvider>{children}</QueryProvider>
      </AntApp>
    </ConfigProvider>
  );
}
