// The content editor every message Pond sends is written in — the welcome template drawer and the playbook step drawer:
// text with placeholder buttons (inserted at the cursor) and WeCom's byte limit, then up to nine attachments (image,
// link, coupon, mini-program, video, file) from the media library. It lives inside the caller's form (fields `text`
// and `attachments`); `contentOf` turns the form's values into what the API takes.
import { Button, Flex, Form, Input, Tooltip, Typography } from 'antd';
import type { FormInstance } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { AttachmentsEditor, cleanAttachment, utf8Bytes } from './attachments-editor';
import { TEXT_MAX_BYTES, type Attachment, type Placeholder } from './hooks';

export interface ContentValues {
  text?: string;
  attachments?: (Attachment | undefined)[];
}

/** The form's text and complete-shaped attachments as the API takes them. */
export function contentOf(v: ContentValues): { text: string; attachments: Attachment[] } {
  return { text: v.text ?? '', attachments: (v.attachments ?? []).filter((a): a is Attachment => !!a?.msgtype).map(cleanAttachment) };
}

interface Props {
  /** The caller's form, whatever else it holds. */
  form: FormInstance;
  textLabel: string;
  attachmentsLabel: string;
  /** The placeholder buttons offered, with their labels and (optional) help; none when empty. */
  placeholders: readonly Placeholder[];
  placeholderLabel: (key: Placeholder) => string;
  placeholderHelp?: (key: Placeholder) => string;
  /** Shown when there is neither text nor an attachment. */
  contentRequired: string;
  textTestId: string;
  textPlaceholder?: string;
  rows?: { min: number; max: number };
  disabled?: boolean;
}

export function ContentEditor({ form, textLabel, attachmentsLabel, placeholders, placeholderLabel, placeholderHelp, contentRequired, textTestId, textPlaceholder, rows = { min: 5, max: 14 }, disabled }: Props) {
  const { t } = useTranslation(['welcome', 'common']);
  const textRef = useRef<TextAreaRef>(null);

  const insert = (key: Placeholder) => {
    const token = `{${key}}`;
    const el = textRef.current?.resizableTextArea?.textArea;
    const current = (form.getFieldValue('text') as string | undefined) ?? '';
    const start = el?.selectionStart ?? current.length;
    const end = el?.selectionEnd ?? current.length;
    form.setFieldValue('text', current.slice(0, start) + token + current.slice(end));
    void form.validateFields(['text']).catch(() => undefined);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  return (
    <>
      <Form.Item
        label={textLabel}
        required={false}
        extra={placeholders.length ? (
          <Flex gap={6} wrap align="center" style={{ marginTop: 6 }}>
            <Typography.Text type="secondary">{t('insert')}</Typography.Text>
            {placeholders.map((key) => (
              <Tooltip key={key} title={placeholderHelp ? placeholderHelp(key) : `{${key}}`}>
                <Button size="small" onClick={() => insert(key)} data-testid={`placeholder-${key}`} disabled={disabled}>
                  {placeholderLabel(key)}
                </Button>
              </Tooltip>
            ))}
          </Flex>
        ) : null}
      >
        <Form.Item
          name="text"
          noStyle
          rules={[
            {
              validator: (_, v: string | undefined) =>
                utf8Bytes(v ?? '') <= TEXT_MAX_BYTES ? Promise.resolve() : Promise.reject(new Error(t('textTooLong', { max: TEXT_MAX_BYTES, n: utf8Bytes(v ?? '') }))),
            },
            {
              validator: (_, v: string | undefined) =>
                (v ?? '').trim() || (form.getFieldValue('attachments') as unknown[] | undefined)?.length ? Promise.resolve() : Promise.reject(new Error(contentRequired)),
            },
          ]}
        >
          <Input.TextArea
            ref={textRef}
            autoSize={{ minRows: rows.min, maxRows: rows.max }}
            placeholder={textPlaceholder}
            count={{ show: true, max: TEXT_MAX_BYTES, strategy: utf8Bytes }}
            data-testid={textTestId}
          />
        </Form.Item>
      </Form.Item>
      <Form.Item label={attachmentsLabel} extra={t('attachments.help')}>
        <AttachmentsEditor form={form} />
      </Form.Item>
    </>
  );
}
