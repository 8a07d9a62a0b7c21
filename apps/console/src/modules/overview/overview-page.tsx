import {
  ApartmentOutlined,
  CommentOutlined,
  ShopOutlined,
  TagsOutlined,
  TeamOutlined,
  UserAddOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Card, Col, Empty, Flex, Row, Skeleton, Statistic, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { DailyChart } from './daily-chart';
import { useOverview, type OverviewCounts } from './hooks';
import { OrdersSummaryCard } from './orders-summary';

const CARDS: { key: keyof OverviewCounts; icon: ReactNode; to?: string }[] = [
  { key: 'customers', icon: <UserOutlined />, to: '/customers' },
  { key: 'follows', icon: <UserAddOutlined />, to: '/customers' },
  { key: 'staff', icon: <TeamOutlined />, to: '/staff' },
  { key: 'stores', icon: <ShopOutlined /> },
  { key: 'groups', icon: <CommentOutlined />, to: '/groups' },
  { key: 'groupMembers', icon: <ApartmentOutlined />, to: '/groups' },
  { key: 'tags', icon: <TagsOutlined />, to: '/tags' },
];

export default function OverviewPage() {
  const { t } = useTranslation('overview');
  const overview = useOverview();
  const counts = overview.data?.counts;
  const daily = overview.data?.daily ?? [];
  const sum = (pick: (d: (typeof daily)[number]) => number) => daily.reduce((acc, d) => acc + pick(d), 0);

  return (
    <>
      <PageHeader title={t('title')} />
      <QueryError query={overview} />
      <Row gutter={[16, 16]}>
        {CARDS.map(({ key, icon, to }) => {
          const stat = (
            <Card hoverable={!!to} data-testid={`overview-count-${key}`}>
              <Statistic
                title={
                  <Flex gap={6} align="center">
                    {icon}
                    {t(`counts.${key}`)}
                  </Flex>
                }
                value={counts?.[key] ?? 0}
                loading={overview.isLoading}
              />
            </Card>
          );
          return (
            <Col key={key} xs={12} md={8} lg={6} xxl={3}>
              {to ? <Link to={to}>{stat}</Link> : stat}
            </Col>
          );
        })}
      </Row>
      <Card
        title={t('chartTitle')}
        style={{ marginTop: 16 }}
        extra={
          daily.length > 0 ? (
            <Flex gap={16}>
              <Typography.Text type="secondary">
                {t('totalAdds')} <Typography.Text strong>{sum((d) => d.adds)}</Typography.Text>
              </Typography.Text>
              <Typography.Text type="secondary">
                {t('totalDeletes')} <Typography.Text strong>{sum((d) => d.deletes)}</Typography.Text>
              </Typography.Text>
              <Typography.Text type="secondary">
                {t('totalNet')} <Typography.Text strong>{sum((d) => d.net)}</Typography.Text>
              </Typography.Text>
            </Flex>
          ) : null
        }
      >
        <div data-testid="overview-chart">
          {overview.isLoading ? (
            <Skeleton active paragraph={{ rows: 8 }} />
          ) : daily.length === 0 ? (
            <Empty description={t('noData')} />
          ) : (
            <DailyChart daily={daily} />
          )}
        </div>
      </Card>
      <OrdersSummaryCard orders={overview.data?.orders} loading={overview.isLoading} />
    </>
  );
}
