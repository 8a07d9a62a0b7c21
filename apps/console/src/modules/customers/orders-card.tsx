// The customer's orders on their 360 page: count, total, average and last order; R, F and M against the
// corp's thresholds with the RFM bucket; the latest orders with their items and attribution (refunds
// shown struck through: they count nowhere).
import { Card, Col, Empty, Flex, Row, Skeleton, Statistic, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { QueryError } from '../../components/query-error';
import { formatDateTime, formatYuan } from '../../lib/format';
import { ListTable } from '../../components/list-page';
import { useLabels } from '../../lib/labels';
import { useCustomerOrders, type CustomerOrder, type CustomerOrders, type RfmBucket } from './hooks';

export const BUCKET_COLORS: Record<RfmBucket, string> = {
  important_value: 'gold',
  important_develop: 'green',
  important_keep: 'blue',
  important_retain: 'volcano',
  general_value: 'cyan',
  general_develop: 'lime',
  general_keep: 'geekblue',
  general_retain: 'default',
};

export function OrdersCard({ externalUserid }: { externalUserid: string }) {
  const { t } = useTranslation('customers');
  const orders = useCustomerOrders(externalUserid);
  return (
    <Card title={t('orders.title')} data-testid="orders-card">
      <QueryError query={orders} />
      {!orders.data && !orders.error ? <Skeleton active paragraph={{ rows: 3 }} /> : null}
      {orders.data ? <OrdersBody data={orders.data} /> : null}
    </Card>
  );
}

function OrdersBody({ data }: { data: CustomerOrders }) {
  const { t } = useTranslation(['customers', 'common']);
  const labels = useLabels();
  const { summary, thresholds } = data;
  const level = (high: boolean | null) => (high === null ? null : high ? t('common:rfm.high') : t('common:rfm.low'));
  const columns: ColumnsType<CustomerOrder> = [
    { title: t('orders.paidAt'), dataIndex: 'paidAt', width: 150, render: (v: string) => formatDateTime(v) },
    {
      title: t('orders.orderId'),
      dataIndex: 'orderId',
      render: (v: string) => (
        <Typography.Text copyable style={{ fontSize: 12 }}>
          {v}
        </Typography.Text>
      ),
    },
    {
      title: t('orders.items'),
      key: 'items',
      render: (_, o) => o.items.map((it) => `${it.name} × ${it.quantity}`).join(t('common:listSeparator')) || t('common:none'),
    },
    {
      title: t('orders.amount'),
      key: 'amount',
      align: 'right',
      render: (_, o) =>
        o.refundedAt ? (
          <Tooltip title={t('orders.refundedAt', { at: formatDateTime(o.refundedAt) })}>
            <Typography.Text delete type="secondary">
              {formatYuan(o.amount)}
            </Typography.Text>{' '}
            <Tag color="red" style={{ marginInlineEnd: 0 }}>
              {t('orders.refunded')}
            </Tag>
          </Tooltip>
        ) : o.refundedAmount > 0 ? (
          <Tooltip title={t('orders.partlyRefunded', { refunded: formatYuan(o.refundedAmount), amount: formatYuan(o.amount) })}>
            <Typography.Text strong>{formatYuan(o.amount - o.refundedAmount)}</Typography.Text>{' '}
            <Tag color="orange" style={{ marginInlineEnd: 0 }}>
              {t('orders.refundedPart', { refunded: formatYuan(o.refundedAmount) })}
            </Tag>
          </Tooltip>
        ) : (
          <Typography.Text strong>{formatYuan(o.amount)}</Typography.Text>
        ),
    },
    {
      title: t('orders.attribution'),
      key: 'attribution',
      render: (_, o) => (
        <Flex vertical style={{ fontSize: 12 }}>
          {o.staffName || o.userid ? <span>{o.staffName || o.userid}</span> : null}
          {o.codeId ? <Link to={`/live-codes/${o.codeId}`}>{o.codeName ?? `#${o.codeId}`}</Link> : null}
          {o.channel ? <Typography.Text type="secondary">{o.channel}</Typography.Text> : null}
          {o.storeName ? <Typography.Text type="secondary">{o.storeName}</Typography.Text> : null}
        </Flex>
      ),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <div data-testid="orders-count">
            <Statistic title={t('orders.count')} value={summary.orderCount} />
          </div>
        </Col>
        <Col xs={12} md={6}>
          <div data-testid="orders-total">
            <Statistic title={t('orders.total')} value={formatYuan(summary.orderTotal)} />
          </div>
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('orders.average')} value={formatYuan(summary.averageOrder)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={t('orders.last')}
            value={summary.lastOrderAt ? formatDateTime(summary.lastOrderAt) : '—'}
            styles={{ content: { fontSize: 16 } }}
          />
        </Col>
      </Row>
      <Flex align="center" gap={8} wrap>
        <Tooltip title={t('orders.rfmHint', { days: thresholds.recencyDays, count: thresholds.orderCount, total: formatYuan(thresholds.orderTotal) })}>
          <Typography.Text strong style={{ cursor: 'help' }}>
            {t('orders.bucket')}
          </Typography.Text>
        </Tooltip>
        {summary.bucket ? (
          <>
            <Tag color={BUCKET_COLORS[summary.bucket]} data-testid="rfm-bucket" data-bucket={summary.bucket}>
              {labels.rfmBucket(summary.bucket)}
            </Tag>
            <Tag>
              {t('common:rfm.level', {
                label: t('common:rfm.r'),
                value: summary.recencyDays === 0 ? t('orders.today') : t('orders.daysAgo', { days: summary.recencyDays }),
                level: level(summary.r),
              })}
            </Tag>
            <Tag>{t('common:rfm.level', { label: t('common:rfm.f'), value: summary.orderCount, level: level(summary.f) })}</Tag>
            <Tag>{t('common:rfm.level', { label: t('common:rfm.m'), value: formatYuan(summary.orderTotal), level: level(summary.m) })}</Tag>
          </>
        ) : (
          <Typography.Text type="secondary">{t('orders.noBucket')}</Typography.Text>
        )}
      </Flex>
      {data.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('orders.empty')} />
      ) : (
        <ListTable<CustomerOrder>
          rowKey="orderId"
          size="small"
          columns={columns}
          items={data.items}
          pageSize={10}
          compact
          scroll={{ x: 'max-content' }}
          rowTestId="order-row"
          rowData={(o) => ({ 'data-order-id': o.orderId })}
        />
      )}
    </Flex>
  );
}
