// List pages keep their filters and page in the URL, so a reload, the back button or a shared link
// shows the same list. Changing any filter goes back to page 1.
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

export const DEFAULT_PAGE_SIZE = 20;
export const PAGE_SIZE_OPTIONS = [10, 20, 50, 100];

export type SearchPatch = Record<string, string | number | readonly string[] | null | undefined>;

export function useSearchState() {
  const [params, setParams] = useSearchParams();

  const get = useCallback((key: string): string | undefined => params.get(key) ?? undefined, [params]);
  const getList = useCallback(
    (key: string): string[] => (params.get(key) ?? '').split(',').filter((v) => v !== ''),
    [params],
  );

  const page = Math.max(1, Number(params.get('page')) || 1);
  const pageSize = PAGE_SIZE_OPTIONS.includes(Number(params.get('pageSize'))) ? Number(params.get('pageSize')) : DEFAULT_PAGE_SIZE;

  const update = useCallback(
    (patch: SearchPatch, options: { keepPage?: boolean } = {}) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [key, value] of Object.entries(patch)) {
            const text = Array.isArray(value) ? value.join(',') : value === null || value === undefined ? '' : String(value);
            if (text === '') next.delete(key);
            else next.set(key, text);
          }
          if (!options.keepPage && !('page' in patch)) next.delete('page');
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  const setPage = useCallback(
    (nextPage: number, nextPageSize: number) => {
      update({ page: nextPage === 1 ? null : nextPage, pageSize: nextPageSize === DEFAULT_PAGE_SIZE ? null : nextPageSize });
    },
    [update],
  );

  return useMemo(
    () => ({ get, getList, page, pageSize, update, setPage, params }),
    [get, getList, page, pageSize, update, setPage, params],
  );
}
