// What a detail page shows until its record is in: "not found" (a missing or foreign id), the
// error with a retry under the page's header, or a skeleton; null once the record is loaded.
import { Card, Skeleton } from 'antd';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { PageHeader } from './page-header';
import { QueryError } from './query-error';
import { NotFound } from './results';

interface Options {
  title: ReactNode;
  back: ReactNode;
  /** What "not found" says. */
  notFound: string;
  /** The statuses that mean the record is not there for this user (404 by default). */
  missing?: readonly number[];
  /** Skeleton size while loading. */
  rows?: number;
  avatar?: boolean;
}

export function detailFallback(query: { data: unknown; error: unknown; refetch: () => unknown }, options: Options): ReactNode | null {
  const { error } = query;
  if (error instanceof ApiError && (options.missing ?? [404]).includes(error.status)) return <NotFound message={options.notFound} />;
  if (error) {
    return (
      <>
        <PageHeader title={options.title} back={options.back} />
        <QueryError query={query} />
      </>
    );
  }
  if (!query.data) {
    return (
      <Card>
        <Skeleton active avatar={options.avatar} paragraph={{ rows: options.rows ?? 8 }} />
      </Card>
    );
  }
  return null;
}
