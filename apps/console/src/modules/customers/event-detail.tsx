// What a timeline event says, in words. `data` is whatever the server recorded from WeCom's event
// (state, add_way, tag ids or names, join/quit scene…); known fields are labelled, others shown raw
// so nothing is silently dropped. Both snake_case and camelCase spellings are read.
import { Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatYuan } from '../../lib/format';
import { useLabels } from '../../lib/labels';
import { useTagIndex } from '../tags/hooks';
import type { CustomerEvent } from './hooks';

const KNOWN = new Set([
  'state', 'add_way', 'addWay', 'join_scene', 'joinScene', 'quit_scene', 'quitScene', 'remark', 'from', 'to',
  'reason', 'fail_reason', 'failReason', 'handover_userid', 'handoverUserid', 'takeover_userid', 'takeoverUserid',
  'tag_ids', 'tagIds', 'tag_names', 'tagNames', 'tags', 'chat_name', 'chatName', 'group_name', 'groupName',
  're_add', 'reAdd', 'by', 'welcome_code', 'welcomeCode', 'userid', 'external_userid', 'externalUserid', 'chat_id', 'chatId',
]);
/** What order events carry (order.paid / order.refunded), shown as their own lines. */
const ORDER_KEYS = new Set(['orderId', 'amount', 'orderAmount', 'full', 'refundId', 'currency', 'items', 'channel', 'codeId']);

function pick(data: Record<string, unknown>, ...keys: string[]): unknown {
  for (const key of keys) if (data[key] !== undefined && data[key] !== null && data[key] !== '') return data[key];
  return undefined;
}

function asText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

export function useEventDetail(groupNames: Map<string, string>) {
  const { t } = useTranslation();
  const labels = useLabels();
  const tagIndex = useTagIndex();

  /** Order id, amount and the items bought (name × quantity, each at its price), and the channel it is attributed to. */
  const orderLines = (data: Record<string, unknown>): ReactNode[] => {
    const lines: ReactNode[] = [];
    if (data.orderId !== undefined) lines.push(t('eventDetail.order', { value: asText(data.orderId) }));
    if (typeof data.amount === 'number' || typeof data.amount === 'string') {
      lines.push(
        <Typography.Text key="amount" strong>
          {t('eventDetail.amount', { value: formatYuan(Number(data.amount)) })}
        </Typography.Text>,
      );
    }
    // A refund of part of the order (order.refunded with full: false), against what the order came to.
    if (data.full === false && (typeof data.orderAmount === 'number' || typeof data.orderAmount === 'string')) {
      lines.push(<Tag key="partial" color="orange">{t('eventDetail.partialRefund', { value: formatYuan(Number(data.orderAmount)) })}</Tag>);
    }
    if (Array.isArray(data.items) && data.items.length > 0) {
      const items = data.items.map((it) => {
        const o = (it && typeof it === 'object' ? it : {}) as Record<string, unknown>;
        return `${asText(o.name ?? '?')} × ${asText(o.quantity ?? 1)}${o.price !== undefined ? ` (${formatYuan(Number(o.price))})` : ''}`;
      });
      lines.push(t('eventDetail.items', { value: items.join(t('common.listSeparator')) }));
    }
    if (data.channel) lines.push(t('eventDetail.channel', { value: asText(data.channel) }));
    return lines;
  };

  return (event: CustomerEvent): ReactNode[] => {
    const data = event.data ?? {};
    const lines: ReactNode[] = [];

    if (event.staffName || event.userid) lines.push(t('customers.detail.by', { name: event.staffName || event.userid }));
    if (event.chatId) {
      const name = asText(pick(data, 'chat_name', 'chatName', 'group_name', 'groupName') ?? groupNames.get(event.chatId) ?? event.chatId);
      lines.push(
        <Link key="chat" to={`/groups/${encodeURIComponent(event.chatId)}`}>
          {t('customers.detail.inChat', { name })}
        </Link>,
      );
    }

    const isOrder = event.type === 'order.paid' || event.type === 'order.refunded';
    if (isOrder) lines.push(...orderLines(data));

    if (pick(data, 'reAdd', 're_add') === true) lines.push(<Tag key="readd">{t('eventDetail.reAdd')}</Tag>);
    // Edits made from Pond's console (WeCom sends no callback for API writes, so Pond records them).
    const by = pick(data, 'by');
    if (by === 'pond') lines.push(<Tag key="by">{t('eventDetail.byPond')}</Tag>);
    else if (by !== undefined) lines.push(t('eventDetail.byOther', { value: asText(by) }));
    const state = pick(data, 'state');
    if (state !== undefined) lines.push(t('eventDetail.state', { value: asText(state) }));
    const addWay = pick(data, 'add_way', 'addWay');
    if (addWay !== undefined) lines.push(t('eventDetail.addWay', { value: labels.addWay(asText(addWay)) }));
    const joinScene = pick(data, 'join_scene', 'joinScene');
    if (joinScene !== undefined) lines.push(t('eventDetail.joinScene', { value: labels.joinScene(asText(joinScene)) }));
    const quitScene = pick(data, 'quit_scene', 'quitScene');
    if (quitScene !== undefined) lines.push(t('eventDetail.quitScene', { value: labels.quitScene(asText(quitScene)) }));
    const remark = pick(data, 'remark');
    if (remark !== undefined) lines.push(t('eventDetail.remark', { value: asText(remark) }));
    if (event.type === 'remark.changed' && ('from' in data || 'to' in data)) {
      const none = t('common.none');
      const side = (v: unknown) => (v === undefined || v === null || v === '' ? none : asText(v));
      lines.push(t('eventDetail.remarkChange', { from: side(data.from), to: side(data.to) }));
    }
    const failReason = pick(data, 'reason', 'fail_reason', 'failReason');
    if (failReason !== undefined) lines.push(t('eventDetail.failReason', { value: asText(failReason) }));
    const from = pick(data, 'handover_userid', 'handoverUserid', ...(event.type === 'remark.changed' ? [] : ['from']));
    if (from !== undefined) lines.push(t('eventDetail.from', { value: asText(from) }));
    const to = pick(data, 'takeover_userid', 'takeoverUserid', ...(event.type === 'remark.changed' ? [] : ['to']));
    if (to !== undefined) lines.push(t('eventDetail.to', { value: asText(to) }));

    const tagNames = tagNamesOf(data, (id) => tagIndex.get(id)?.name);
    if (tagNames.length > 0) {
      lines.push(
        <span key="tags">
          {t('eventDetail.tags', { value: '' })}
          {tagNames.map((name) => (
            <Tag key={name} color={event.type === 'tag.removed' ? undefined : 'blue'} style={{ marginBlock: 2 }}>
              {name}
            </Tag>
          ))}
        </span>,
      );
    }

    const rest = Object.entries(data).filter(
      ([key, value]) => !KNOWN.has(key) && !(isOrder && ORDER_KEYS.has(key)) && value !== null && value !== undefined && value !== '',
    );
    if (rest.length > 0) {
      lines.push(
        <Typography.Text key="rest" type="secondary" style={{ fontSize: 12 }}>
          {rest.map(([key, value]) => `${key}: ${asText(value)}`).join(' · ')}
        </Typography.Text>,
      );
    }
    return lines;
  };
}

function tagNamesOf(data: Record<string, unknown>, nameOf: (id: string) => string | undefined): string[] {
  const names = pick(data, 'tag_names', 'tagNames');
  if (Array.isArray(names)) return names.map(asText);
  const tags = pick(data, 'tags');
  if (Array.isArray(tags)) {
    return tags.map((tag) => {
      if (tag && typeof tag === 'object') {
        const o = tag as Record<string, unknown>;
        return asText(o.name ?? o.tag_name ?? nameOf(asText(o.id ?? o.tag_id)) ?? o.id ?? o.tag_id);
      }
      return nameOf(asText(tag)) ?? asText(tag);
    });
  }
  const ids = pick(data, 'tag_ids', 'tagIds');
  if (Array.isArray(ids)) return ids.map((id) => nameOf(asText(id)) ?? asText(id));
  return [];
}
