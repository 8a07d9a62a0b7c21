// The table of every list: the query's error above it (with a retry), its loading state, the rows,
// the one pagination block of the console, and the empty state (the page's own words, or "nothing
// matches" with a way to clear the filters when filters are on).
import { Button, Flex, Table, Typography } from 'antd';
import type { TableProps } from 'antd';
import type { HTMLAttributes, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PAGE_SIZE_OPTIONS } from '../../lib/use-search-state';
import { QueryError } from '../query-error';
import type { Paging } from './use-list-state';

/** The parts of a TanStack query the table reads. */
export interface ListQuery<T> {
  data?: { items: T[]; total?: number } | undefined;
  error: unknown;
  isFetching: boolean;
  refetch: () => unknown;
}

/** A list page's state (useListState): the page to show, and filters the empty state may offer to clear. */
interface ListPaging extends Paging {
  filtered: boolean;
  clear: () => void;
}

export interface ListTableProps<T> extends Omit<TableProps<T>, 'dataSource' | 'pagination' | 'loading' | 'locale' | 'onRow'> {
  /** Rows come from `query.data.items`; its error shows above the table; loading follows its fetches. */
  query?: ListQuery<T>;
  /** Rows to show instead of the query's (sorted, filtered here, or not from a query at all). */
  items?: readonly T[];
  loading?: boolean;
  /** Pages on the server, from the list page's URL state: the query asked for this page, `query.data.total` counts all; with filters on, an empty list says nothing matches and offers to clear them. */
  list?: ListPaging;
  /** Pages on the server, kept in the component (useLocalPaging). */
  paging?: Paging;
  /** Pages in the browser over all rows, this many a page. */
  pageSize?: number;
  /** With `pageSize`: no pager at all while every row fits one page. */
  compact?: boolean;
  /** What an empty list says; text is shown quietly. */
  empty?: ReactNode;
  /** data-testid of every row. */
  rowTestId?: string;
  /** More data-* attributes of a row (tests find rows by them). */
  rowData?: (row: T) => Record<`data-${string}`, string | number | undefined>;
  /** Makes the whole row a link. */
  onRowClick?: (row: T) => void;
}

export function ListTable<T extends object>({
  query,
  items,
  loading,
  paging,
  pageSize,
  compact,
  empty,
  list,
  rowTestId,
  rowData,
  onRowClick,
  ...table
}: ListTableProps<T>) {
  const { t } = useTranslation();
  const showTotal = (total: number) => t('total', { total });

  const pages = list ?? paging;
  const pagination: TableProps<T>['pagination'] = pages
    ? {
        current: pages.page,
        pageSize: pages.pageSize,
        total: query?.data?.total ?? 0,
        pageSizeOptions: PAGE_SIZE_OPTIONS,
        showSizeChanger: true,
        showTotal,
        onChange: pages.setPage,
      }
    : pageSize
      ? { pageSize, showSizeChanger: false, showTotal, hideOnSinglePage: compact }
      : false;

  const emptyText = list?.filtered ? (
    <Flex vertical align="center" gap={4} style={{ padding: 16 }} data-testid="list-no-match">
      <Typography.Text type="secondary">{t('noMatch')}</Typography.Text>
      <Button type="link" size="small" onClick={list.clear}>
        {t('clearFilters')}
      </Button>
    </Flex>
  ) : typeof empty === 'string' ? (
    <Typography.Text type="secondary">{empty}</Typography.Text>
  ) : (
    empty
  );

  const onRow =
    rowTestId || rowData || onRowClick
      ? (row: T) =>
          ({
            ...rowData?.(row),
            'data-testid': rowTestId,
            ...(onRowClick ? { onClick: () => onRowClick(row), style: { cursor: 'pointer' } } : {}),
          }) as HTMLAttributes<HTMLElement>
      : undefined;

  return (
    <>
      {query ? <QueryError query={query} /> : null}
      <Table<T>
        {...table}
        dataSource={(items ?? query?.data?.items)}
        loading={loading ?? query?.isFetching ?? false}
        pagination={pagination}
        locale={emptyText === undefined ? undefined : { emptyText }}
        onRow={onRow}
      />
    </>
  );
}
