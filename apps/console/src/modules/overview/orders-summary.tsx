// The overview's orders: how many customers bought, how many came back (the repurchase rate), what they spent
// net of refunds, and how many customers sit in each RFM bucket.
import { Card, Col, Empty, Flex, Row, Statistic, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatYuan } from '../../lib/format';
import { useLabels } from '../../lib/labels';
import { BUCKET_COLORS } from '../customers/orders-card';
import type { RfmBucket } from '../customers/hooks';
import type { OverviewOrders } from './hooks';

const BUCKETS = Object.keys(BUCKET_COLORS) as RfmBucket[];

export function OrdersSummaryCard({ orders, loading }: { orders: OverviewOrders | undefined; loading: boolean }) {
  const { t } = useTranslation('overview');
  const labels = useLabels();
  return (
    <Card title={t('orders.title')} style={{ marginTop: 16 }} data-testid="overview-orders">
      {!loading && orders && orders.buyers === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('orders.none')} />
      ) : (
        <>
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}>
              <Statistic title={t('orders.buyers')} value={orders?.buyers ?? 0} loading={loading} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic
                title={t('orders.repurchaseRate')}
                value={orders?.repurchaseRate == null ? '—' : `${(orders.repurchaseRate * 100).toFixed(1)}%`}
                loading={loading}
                data-testid="overview-repurchase"
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('orders.repeatBuyers', { count: orders?.repeatBuyers ?? 0 })}
              </Typography.Text>
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('orders.orders')} value={orders?.orders ?? 0} loading={loading} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('orders.total')} value={formatYuan(orders?.total ?? 0)} loading={loading} />
            </Col>
          </Row>
          <Typography.Text strong style={{ display: 'block', margin: '16px 0 8px' }}>
            {t('orders.buckets')}
          </Typography.Text>
          <Flex gap={8} wrap>
            {BUCKETS.map((b) => (
              <Tag key={b} color={BUCKET_COLORS[b]} style={{ padding: '2px 10px' }} data-testid="overview-bucket" data-bucket={b}>
                {labels.rfmBucket(b)} <b>{orders?.buckets[b] ?? 0}</b>
              </Tag>
            ))}
          </Flex>
        </>
      )}
    </Card>
  );
}
