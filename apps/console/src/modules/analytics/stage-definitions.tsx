// 阶段定义 Stage definitions: how the five stages are counted (activate and spread event types, the activate and retain
// windows, order attribution's look-back, MAU's days). Everyone reads them; admins and operators change them. The server
// checks every field and its message lands under that field; the rollups are then rebuilt with the new definitions.
import { Alert, Col, Descriptions, Form, InputNumber, Modal, Row, Select, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { ANALYTICS_EVENT_TYPES } from '@pond/contracts/analytics';
import { FormModal } from '../../components/form-modal';
import { useSaveStageSettings, type AnalyticsSettings } from './hooks';

const DAY_FIELDS = ['activateDays', 'retainDays', 'windowDays', 'activeDays'] as const;

export function StageDefinitions({ settings, canWrite, onClose }: { settings: AnalyticsSettings; canWrite: boolean; onClose: () => void }) {
  const { t } = useTranslation('analytics');
  const { t: tc } = useTranslation('common');
  const [form] = Form.useForm<AnalyticsSettings>();
  const save = useSaveStageSettings();
  const types = ANALYTICS_EVENT_TYPES.map((x) => ({ value: x, label: t(`eventTypes.${x}`) }));

  if (!canWrite) {
    return (
      <Modal open title={t('definitions.title')} footer={null} onCancel={onClose} width={640}>
        <Descriptions column={1} size="small" bordered data-testid="stage-definitions">
          <Descriptions.Item label={t('definitions.activateTypes')}>{settings.activateTypes.map((x) => <Tag key={x}>{t(`eventTypes.${x}`)}</Tag>)}</Descriptions.Item>
          <Descriptions.Item label={t('definitions.spreadTypes')}>{settings.spreadTypes.map((x) => <Tag key={x}>{t(`eventTypes.${x}`)}</Tag>)}</Descriptions.Item>
          {DAY_FIELDS.map((k) => <Descriptions.Item key={k} label={t(`definitions.${k}`)}>{t('definitions.days', { n: settings[k] })}</Descriptions.Item>)}
        </Descriptions>
      </Modal>
    );
  }

  return (
    <FormModal<AnalyticsSettings>
      width={680}
      title={t('definitions.title')}
      form={form}
      initialValues={settings}
      okText={tc('save')}
      okButtonProps={{ 'data-testid': 'stage-definitions-save' }}
      success={t('definitions.saved')}
      onSubmit={async (v) => { await save.mutateAsync(v); }}
      onClose={onClose}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('definitions.help')} />
      <div data-testid="stage-definitions">
        <Form.Item name="activateTypes" label={t('definitions.activateTypes')} extra={t('definitions.activateTypesHelp')}>
          <Select mode="multiple" options={types} data-testid="stage-activate-types" />
        </Form.Item>
        <Form.Item name="spreadTypes" label={t('definitions.spreadTypes')} extra={t('definitions.spreadTypesHelp')}>
          <Select mode="multiple" options={types} data-testid="stage-spread-types" />
        </Form.Item>
        <Row gutter={16}>
          {DAY_FIELDS.map((k) => (
            <Col key={k} span={12}>
              {/* No min/max here: the server's limits are the rules, and its message shows under the field. */}
              <Form.Item name={k} label={t(`definitions.${k}`)} extra={t(`definitions.${k}Help`)}>
                <InputNumber style={{ width: '100%' }} precision={0} addonAfter={t('definitions.dayUnit')} data-testid={`stage-${k}`} />
              </Form.Item>
            </Col>
          ))}
        </Row>
      </div>
    </FormModal>
  );
}
