// A list page's state, kept in the URL: its filters (declared once per page as a spec of fields),
// its page and page size. A reload, the back button or a shared link shows the same list; any
// filter change goes back to page 1 (lib/use-search-state.ts does the URL work).
import { useCallback, useMemo, useState } from 'react';
import { DEFAULT_PAGE_SIZE, useSearchState } from '../../lib/use-search-state';

/** One URL parameter: how it reads, how it is written (null: left out), and whether it narrows the list. */
export interface Field<V> {
  parse(raw: string | undefined): V;
  /** (A method, so a spec of differently typed fields is still a record of fields.) */
  format(value: V): string | null;
  /** A filter narrows the list (an empty list then says "no match" and offers to clear); a view (a tab, a status with a default) does not. */
  filter: boolean;
}

type Spec = Record<string, Field<unknown>>;
type ValueOf<F> = F extends Field<infer V> ? V : never;
export type Filters<S extends Spec> = { [K in keyof S]: ValueOf<S[K]> };
export type FilterPatch<S extends Spec> = { [K in keyof S]?: ValueOf<S[K]> | null };

/** Free text (a search box, an id picked in a select); empty is absent. */
export function text(): Field<string | undefined> {
  return { parse: (raw) => raw || undefined, format: (value) => value || null, filter: true };
}

/** Several values, written `a,b,c`. */
export function list(): Field<string[]> {
  return {
    parse: (raw) => (raw ?? '').split(',').filter((v) => v !== ''),
    format: (value) => (value.length ? value.join(',') : null),
    filter: true,
  };
}

/**
 * One of known values. With a fallback it is a view (a tab, a status) that always has a value and
 * leaves the URL when it is the fallback; without one it is a filter, absent when unknown.
 */
export function choice<V extends string>(values: readonly V[]): Field<V | undefined>;
export function choice<V extends string>(values: readonly V[], fallback: V): Field<V>;
export function choice<V extends string>(values: readonly V[], fallback?: V): Field<V | undefined> {
  const known = (raw: string | undefined): raw is V => raw !== undefined && (values as readonly string[]).includes(raw);
  return {
    parse: (raw) => (known(raw) ? raw : fallback),
    format: (value) => (value === undefined || value === fallback ? null : value),
    filter: fallback === undefined,
  };
}

/** What a table needs to page on the server: the current page and size, and how to change them. */
export interface Paging {
  page: number;
  pageSize: number;
  setPage: (page: number, pageSize: number) => void;
}

export interface ListState<S extends Spec> extends Paging {
  filters: Filters<S>;
  /** The filters with the page, as the list hooks take them. */
  query: Filters<S> & { page: number; pageSize: number };
  /** Changes some fields (null clears one) and goes back to page 1 unless `keepPage`. */
  set: (patch: FilterPatch<S>, options?: { keepPage?: boolean }) => void;
  /** Starts over with only these fields in the URL (e.g. another tab with its own filters). */
  reset: (patch?: FilterPatch<S>) => void;
  /** Whether any filter (not a view) narrows the list. */
  filtered: boolean;
  /** Clears every filter, keeping the views. */
  clear: () => void;
}

export function useListState<S extends Spec>(spec: S): ListState<S> {
  const search = useSearchState();
  const { params, update } = search;

  const filters = useMemo(() => {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(spec)) out[key] = field.parse(params.get(key) ?? undefined);
    return out as Filters<S>;
  }, [spec, params]);

  const format = useCallback(
    (patch: FilterPatch<S>) => {
      const out: Record<string, string | null> = {};
      for (const [key, value] of Object.entries(patch)) {
        const field = spec[key];
        out[key] = value === null || value === undefined || !field ? null : field.format(value);
      }
      return out;
    },
    [spec],
  );

  const set = useCallback((patch: FilterPatch<S>, options?: { keepPage?: boolean }) => update(format(patch), options), [update, format]);

  const reset = useCallback(
    (patch: FilterPatch<S> = {}) => {
      const cleared: Record<string, null> = {};
      for (const key of params.keys()) cleared[key] = null;
      update({ ...cleared, ...format(patch) });
    },
    [params, update, format],
  );

  const filterKeys = useMemo(() => Object.keys(spec).filter((key) => spec[key].filter), [spec]);
  const filtered = filterKeys.some((key) => params.get(key));
  const clear = useCallback(() => update(Object.fromEntries(filterKeys.map((key) => [key, null]))), [update, filterKeys]);

  return useMemo(
    () => ({
      filters,
      query: { ...filters, page: search.page, pageSize: search.pageSize },
      page: search.page,
      pageSize: search.pageSize,
      setPage: search.setPage,
      set,
      reset,
      filtered,
      clear,
    }),
    [filters, search.page, search.pageSize, search.setPage, set, reset, filtered, clear],
  );
}

/** Paging kept in the component, for a list inside a page whose URL is about something else; back to page 1 when `resetKey` changes. */
export function useLocalPaging(resetKey?: unknown): Paging {
  const [state, setState] = useState({ page: 1, pageSize: DEFAULT_PAGE_SIZE, key: resetKey });
  const current = state.key === resetKey ? state : { page: 1, pageSize: state.pageSize, key: resetKey };
  if (current !== state) setState(current);
  const setPage = useCallback(
    (page: number, pageSize: number) => setState((prev) => ({ page: pageSize !== prev.pageSize ? 1 : page, pageSize, key: prev.key })),
    [],
  );
  return { page: current.page, pageSize: current.pageSize, setPage };
}
