// The frame of a list page: the header (title, actions, CSV export), notices above the list, and
// one card holding the optional tabs, the filter bar and the table (a ListTable).
import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Tabs } from 'antd';
import type { ButtonProps } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../page-header';

export interface ListTab {
  key: string;
  label: ReactNode;
}

export interface ListPageProps {
  title: ReactNode;
  subtitle?: ReactNode;
  back?: ReactNode;
  /** Buttons in the header, after the CSV export. */
  actions?: ReactNode;
  /** The CSV of what the list shows (same filters), offered as a download in the header. */
  exportHref?: string;
  exportTestId?: string;
  /** Notices between the header and the list. */
  banner?: ReactNode;
  /** Tabs at the top of the card; the page renders the active one's content as children. */
  tabs?: { activeKey: string; onChange: (key: string) => void; items: ListTab[] };
  /** The filter bar's contents. */
  filters?: ReactNode;
  children: ReactNode;
}

export function ListPage({ title, subtitle, back, actions, exportHref, exportTestId, banner, tabs, filters, children }: ListPageProps) {
  const extra =
    exportHref || actions ? (
      <>
        {exportHref ? <ExportButton href={exportHref} testId={exportTestId} /> : null}
        {actions}
      </>
    ) : undefined;
  return (
    <>
      <PageHeader title={title} subtitle={subtitle} back={back} extra={extra} />
      {banner}
      <Card styles={tabs ? { body: { paddingTop: 8 } } : undefined}>
        {tabs ? <Tabs activeKey={tabs.activeKey} onChange={tabs.onChange} items={tabs.items} /> : null}
        {filters ? <FilterBar>{filters}</FilterBar> : null}
        {children}
      </Card>
    </>
  );
}

/** The row of filters above a list; `end` goes to the far right (e.g. a create button). */
export function FilterBar({ children, end }: { children: ReactNode; end?: ReactNode }) {
  const row = (
    <Flex gap={12} wrap align="center">
      {children}
    </Flex>
  );
  return end ? (
    <Flex gap={12} wrap align="center" justify="space-between" style={{ marginBottom: 16 }}>
      {row}
      {end}
    </Flex>
  ) : (
    <Flex gap={12} wrap align="center" style={{ marginBottom: 16 }}>
      {children}
    </Flex>
  );
}

/** Downloads a CSV (the server's export of the same list). */
export function ExportButton({ href, testId, size, label }: { href: string; testId?: string; size?: ButtonProps['size']; label?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Button size={size} icon={<DownloadOutlined />} href={href} data-testid={testId}>
      {label ?? t('exportCsv')}
    </Button>
  );
}
