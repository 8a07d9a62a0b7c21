// The customer group the sidebar is open in: name, members, tier, labels, the owner's persona and the rules.
import type { GroupDetail } from '@pond/contracts/groups';

export function GroupHeader({ data }: { data: GroupDetail }) {
  const g = data.group;
  const inGroup = data.members.filter((m) => !m.leftAt);
  const customers = inGroup.filter((m) => m.type === 2).length;
  return (
    <>
      <header>
        <div class="grow">
          <b data-testid="group-name">{g.name || g.chatId}</b>
          <div class="en">
            {inGroup.length} 人 members · {customers} 位客户 customers{g.tier ? ` · ${g.tier}` : ''}
          </div>
        </div>
      </header>
      {g.labels.length ? (
        <section>
          <h3>群标签 Labels</h3>
          <div class="chips">
            {g.labels.map((l) => (
              <span class="chip" key={l}>
                {l}
              </span>
            ))}
          </div>
        </section>
      ) : null}
      {g.persona ? (
        <section>
          <h3>群主人设 Owner persona</h3>
          <div>{g.persona}</div>
        </section>
      ) : null}
      {g.rulesText ? (
        <section>
          <h3>群规 Rules</h3>
          <div style={{ whiteSpace: 'pre-wrap' }}>{g.rulesText}</div>
        </section>
      ) : null}
    </>
  );
}
