// The chat's customer: who they are, the member's tags on them (editable, written to WeCom through Pond),
// the member's personal tags (read-only: set in the WeCom client), the recent timeline and the profile.
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { SidebarCustomer } from '@pond/contracts/sidebar';
import { api } from '../api';
import { dateTime } from '../format';
import { toast } from '../ui';

const GENDER = ['未知 unknown', '男 male', '女 female'];
const EVENTS: Record<string, string> = {
  'customer.added': '添加好友 added', 'customer.half_added': '单向添加 half added', 'customer.deleted_staff': '删除了员工 deleted the staff member',
  'customer.deleted_by_staff': '被员工删除 removed by staff', 'group.joined': '入群 joined a group', 'group.left': '退群 left a group',
  'tag.added': '打标签 tagged', 'tag.removed': '移除标签 untagged', 'remark.changed': '修改备注 remark changed', 'follow.edited': '编辑资料 profile edited',
  'follow.transferred': '客户已转接 handed over', 'follow.transfer_failed': '转接失败 handover failed',
  'order.paid': '下单付款 paid an order', 'order.refunded': '订单退款 refunded',
};

export function CustomerHeader({ data, externalUserid, reload }: { data: SidebarCustomer; externalUserid: string; reload: () => Promise<void> }) {
  const c = data.customer;
  const mine = data.mine;
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const names = new Map(data.tagGroups.flatMap((g) => g.tags.map((t) => [t.id, t.name] as const)));

  async function change(add: string[], remove: string[]) {
    if (!mine) return;
    setBusy(true);
    try {
      await api('POST', `/customers/${encodeURIComponent(externalUserid)}/follows/${encodeURIComponent(mine.userid)}/tags`, { add, remove });
      setEditing(false);
      toast('标签已更新 Tags saved');
      await reload();
    } catch (e) {
      toast(`保存失败 Not saved: ${(e as Error).message}`, true);
    } finally {
      setBusy(false);
    }
  }

  const ids = mine?.tagIds ?? [];
  return (
    <>
      <header>
        <img src={c.avatar ?? ''} alt="" />
        <div class="grow">
          <b data-testid="customer-name">{c.name}</b>
          {c.corpName ? <span class="muted"> @{c.corpName}</span> : null}
          <div class="en">
            {GENDER[c.gender] ?? GENDER[0]}
            {mine?.remark ? ` · 备注 ${mine.remark}` : ''}
            {mine ? ` · 添加于 ${dateTime(mine.addedAt)}` : ''}
          </div>
        </div>
      </header>
      <section>
        <h3>标签 Tags</h3>
        {!mine ? (
          <div class="muted">
            你没有添加这位客户，不能编辑标签 <span class="en">You do not follow this customer: tags are read-only.</span>
          </div>
        ) : (
          <>
            <div class="chips" id="my-tags">
              {ids.length ? (
                ids.map((id) => (
                  <span class="chip" key={id}>
                    {names.get(id) ?? id}{' '}
                    <button title="移除 remove" data-untag={id} disabled={busy} onClick={() => void change([], [id])}>
                      ×
                    </button>
                  </span>
                ))
              ) : (
                <span class="muted">暂无标签 No tags</span>
              )}
            </div>
            {editing ? (
              <TagPicker data={data} selected={ids} busy={busy} onSave={(after) => void change(after.filter((x) => !ids.includes(x)), ids.filter((x) => !after.includes(x)))} onCancel={() => setEditing(false)} />
            ) : (
              <div style={{ marginTop: '6px' }}>
                <button class="link" data-action="edit-tags" onClick={() => setEditing(true)}>
                  + 添加标签 Add tags
                </button>
              </div>
            )}
            {mine.personalTags.length ? (
              <>
                <div class="en" style={{ marginTop: '8px' }} title="在企业微信客户端中修改 Edit them in the WeCom client">
                  个人标签 Personal tags
                </div>
                <div class="chips" id="personal-tags">
                  {mine.personalTags.map((n) => (
                    <span class="chip off" key={n}>
                      {n}
                    </span>
                  ))}
                </div>
              </>
            ) : null}
          </>
        )}
        {data.others.length ? (
          <div class="en" style={{ marginTop: '6px' }}>
            也在跟进 Also followed by: {data.others.map((o) => o.staffName || o.userid).join('、')}
          </div>
        ) : data.otherFollowCount > 0 ? (
          <div class="en" style={{ marginTop: '6px' }}>
            另有 {data.otherFollowCount} 位同事在跟进 Also followed by {data.otherFollowCount} colleague(s)
          </div>
        ) : null}
      </section>
    </>
  );
}

function TagPicker({ data, selected, busy, onSave, onCancel }: { data: SidebarCustomer; selected: string[]; busy: boolean; onSave: (ids: string[]) => void; onCancel: () => void }) {
  const [checked, setChecked] = useState(() => new Set(selected));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(checked);
    if (on) next.add(id);
    else next.delete(id);
    setChecked(next);
  };
  return (
    <div class="picker">
      {data.tagGroups.map((g) => (
        <div class="g" key={g.id}>
          <div class="en">{g.name}</div>
          {g.tags.map((t) => (
            <label key={t.id}>
              <input type="checkbox" name="tag" value={t.id} checked={checked.has(t.id)} onChange={(e) => toggle(t.id, e.currentTarget.checked)} /> {t.name}
            </label>
          ))}
        </div>
      ))}
      <div class="actions">
        <button class="primary" data-action="save-tags" disabled={busy} onClick={() => onSave([...checked])}>
          保存 Save
        </button>
        <button data-action="cancel-tags" onClick={onCancel}>
          取消 Cancel
        </button>
      </div>
    </div>
  );
}

export function Timeline({ items }: { items: SidebarCustomer['timeline'] }) {
  if (!items.length) return <div class="muted">暂无动态 Nothing yet</div>;
  return (
    <ul>
      {items.map((e) => (
        // The server's sentence (names, not ids); the type's label above it.
        <li class="ev" data-testid="sidebar-event" key={e.id}>
          <div>
            <b>{EVENTS[e.type] ?? e.type}</b> <span class="en">{dateTime(e.occurredAt)}</span>
          </div>
          <div>{e.summary.zh}</div>
          <div class="en">{e.summary.en}</div>
        </li>
      ))}
    </ul>
  );
}

export function Profile({ data }: { data: SidebarCustomer }) {
  const c = data.customer;
  const mine = data.mine;
  const rows: [string, string | null | undefined][] = [
    ['外部联系人ID', c.externalUserid],
    ['unionid', c.unionid],
    ['备注 Remark', mine?.remark],
    ['描述 Description', mine?.description],
    ['手机 Phones', (mine?.remarkMobiles ?? []).join(', ')],
    ['首次添加 First added', dateTime(c.firstAddedAt)],
    ...Object.entries(c.attributes),
    ['所在群 Groups', data.groups.map((g) => g.name || g.chatId).join('、')],
  ];
  return (
    <dl class="kv">
      {rows.map(([k, v]) => (
        <Fragment key={k}>
          <dt>{k}</dt>
          <dd>{v || '—'}</dd>
        </Fragment>
      ))}
    </dl>
  );
}
