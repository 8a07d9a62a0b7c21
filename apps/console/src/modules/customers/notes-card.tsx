// Pond's own notes on a customer (备注): newest first, anyone who can see the customer adds them,
// the author (or an admin) deletes them. Notes stay in Pond; they are not written to WeCom.
import { DeleteOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Flex, Form, Input, Popconfirm, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { QueryError } from '../../components/query-error';
import { showFieldError } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/format';
import { useIsAdmin } from '../auth/hooks';
import { NOTE_MAX, useAddNote, useDeleteNote, useNotes, type CustomerNote } from './hooks';

export function NotesCard({ externalUserid }: { externalUserid: string }) {
  const { t } = useTranslation(['customers', 'common']);
  const { message } = App.useApp();
  const notes = useNotes(externalUserid);
  const add = useAddNote(externalUserid);
  const remove = useDeleteNote(externalUserid);
  const isAdmin = useIsAdmin();
  const [form] = Form.useForm<{ text: string }>();
  const text = (Form.useWatch('text', form) as string | undefined) ?? '';

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      await add.mutateAsync(v.text.trim());
      form.resetFields();
      void message.success(t('notes.added'));
    } catch (error) {
      showFieldError(form, error);
    }
  };

  const items = notes.data?.items ?? [];
  return (
    <Card title={t('notes.title')} extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('notes.pondOnly')}</Typography.Text>}>
      <Form form={form} initialValues={{ text: '' }} style={{ marginBottom: 12 }}>
        <Form.Item
          name="text"
          style={{ marginBottom: 8 }}
          rules={[
            { required: true, whitespace: true, message: t('notes.required') },
            { type: 'string', max: NOTE_MAX, transform: (v: unknown) => (typeof v === 'string' ? v.trim() : v), message: t('edit.tooLong', { max: NOTE_MAX }) },
          ]}
        >
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 8 }}
            count={{ show: text.length > NOTE_MAX * 0.8, max: NOTE_MAX }}
            placeholder={t('notes.placeholder')}
            data-testid="note-input"
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void submit();
              }
            }}
          />
        </Form.Item>
        <Flex justify="space-between" align="center">
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('notes.shortcut')}
          </Typography.Text>
          <Button type="primary" size="small" loading={add.isPending} disabled={!text.trim()} onClick={() => void submit()} data-testid="note-add">
            {t('notes.add')}
          </Button>
        </Flex>
      </Form>
      {notes.error ? (
        <QueryError error={notes.error} onRetry={() => void notes.refetch()} />
      ) : notes.isLoading ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notes.empty')} />
      ) : (
        <Flex vertical gap={12}>
          {items.map((note) => (
            <NoteItem
              key={String(note.id)}
              note={note}
              canDelete={note.mine || isAdmin}
              deleting={remove.isPending && remove.variables === note.id}
              onDelete={() =>
                remove.mutate(note.id, { onSuccess: () => void message.success(t('common:deleted')) })
              }
            />
          ))}
        </Flex>
      )}
    </Card>
  );
}

function NoteItem({ note, canDelete, deleting, onDelete }: { note: CustomerNote; canDelete: boolean; deleting: boolean; onDelete: () => void }) {
  const { t } = useTranslation(['customers', 'common']);
  return (
    <div data-testid="note-item" style={{ borderTop: '1px solid #f0f0f0', paddingTop: 10 }}>
      <Flex justify="space-between" align="baseline" gap={8}>
        <Typography.Text strong style={{ fontSize: 13 }}>
          {note.authorName || t('common:none')}
          {note.mine ? (
            <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
              {' '}
              {t('notes.me')}
            </Typography.Text>
          ) : null}
        </Typography.Text>
        <Flex align="center" gap={4}>
          <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
            {formatDateTime(note.createdAt)}
          </Typography.Text>
          {canDelete ? (
            <Popconfirm title={t('notes.deleteConfirm')} okText={t('common:delete')} okButtonProps={{ danger: true }} onConfirm={onDelete}>
              <Button
                type="text"
                size="small"
                danger
                icon={<DeleteOutlined />}
                loading={deleting}
                aria-label={t('common:delete')}
                data-testid="note-delete"
              />
            </Popconfirm>
          ) : null}
        </Flex>
      </Flex>
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', margin: '4px 0 0' }}>{note.text}</Typography.Paragraph>
    </div>
  );
}
