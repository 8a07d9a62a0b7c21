import { Col, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/page-header';
import { useIsAdmin, useMe } from '../auth/hooks';
import { ChecklistCard } from './checklist-card';
import { CorpForm } from './corp-form';
import { SyncRunsCard } from './sync-runs-card';
import { AddCorpCard } from './add-corp-card';
import { OrdersSettingsCard } from './orders-card';
import { RewardPayoutsCard } from '../rewards/payouts-card';
import { useCorpSettings } from './hooks';

export default function SettingsPage() {
  const { t } = useTranslation('settings');
  const isAdmin = useIsAdmin();
  // Only a platform owner may add corps (the server says 403 to anyone else).
  const isOwner = useMe().data?.user.owner === true;
  const corp = useCorpSettings();
  return (
    <>
      <PageHeader title={t('title')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <ChecklistCard />
        </Col>
        <Col xs={24} xl={12}>
          <CorpForm readOnly={!isAdmin} />
        </Col>
        <Col span={24}>
          <SyncRunsCard />
        </Col>
        <Col xs={24} xl={12}>
          <OrdersSettingsCard isAdmin={isAdmin} />
        </Col>
        {isAdmin ? (
          <Col xs={24} xl={12}>
            <RewardPayoutsCard isDemo={corp.data?.isDemo} />
          </Col>
        ) : null}
        {isAdmin && isOwner ? (
          <Col xs={24} xl={12}>
            <AddCorpCard />
          </Col>
        ) : null}
      </Row>
    </>
  );
}
