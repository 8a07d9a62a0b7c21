// Scripts (话术): search, pick a folder, tap one to send it into the chat with the customer's and the
// member's names filled in (the server renders it), then count the use.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { RenderedScript, Script, ScriptFolder } from '@pond/contracts/scripts';
import { api, q } from '../api';
import { toast } from '../ui';
import { errText, sendChatMessage } from '../wecom';

export function Scripts({ canSend, externalUserid }: { canSend: boolean; externalUserid: string | null }) {
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  const [folderId, setFolderId] = useState('');
  const [folders, setFolders] = useState<ScriptFolder[]>([]);
  const [scripts, setScripts] = useState<Script[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const sendingRef = useRef(false);

  useEffect(() => {
    api<{ items: ScriptFolder[] }>('GET', '/script-folders').then((r) => setFolders(r.items), () => setFolders([]));
  }, []);
  // The search box waits for a pause in typing.
  useEffect(() => {
    const t = setTimeout(() => setSearch(text.trim()), 250);
    return () => clearTimeout(t);
  }, [text]);
  useEffect(() => {
    let live = true;
    api<{ items: Script[] }>('GET', `/scripts${q({ limit: 50, q: search, folderId })}`).then(
      (r) => live && (setScripts(r.items), setError(null)),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [search, folderId]);

  async function send(s: Script) {
    if (!canSend) return toast('请在聊天中打开后再发送 Open from a chat to send', true);
    if (sendingRef.current) return;
    sendingRef.current = true;
    try {
      const r = await api<RenderedScript>('GET', `/scripts/${s.id}/render${q({ externalUserid })}`);
      await sendChatMessage({ msgtype: 'text', text: { content: r.text } }, true);
      toast('已发送 Sent');
      await api('POST', `/scripts/${s.id}/used`);
    } catch (e) {
      toast(`发送失败 Not sent: ${errText(e)}`, true);
    } finally {
      sendingRef.current = false;
    }
  }

  return (
    <>
      <input type="search" id="q" placeholder="搜索话术 Search scripts" value={text} onInput={(e) => setText(e.currentTarget.value)} />
      {folders.length ? (
        <select id="folder" value={folderId} onChange={(e) => setFolderId(e.currentTarget.value)}>
          <option value="">全部分组 All folders</option>
          {folders.map((f) => (
            <option key={f.id} value={String(f.id)}>
              {f.name} ({f.scripts})
            </option>
          ))}
        </select>
      ) : null}
      {error ? <div class="err">{error}</div> : null}
      {scripts && !scripts.length ? <div class="muted">没有找到话术 No scripts found</div> : null}
      {scripts?.length ? (
        <>
          <div class="en" style={{ marginBottom: '4px' }}>
            {canSend ? '点击发送到当前聊天 Tap to send into this chat' : '在聊天中打开才能发送 Open from a chat to send'}
          </div>
          <ul>
            {scripts.map((s) => (
              <li class="script" key={s.id} data-script={s.id} onClick={() => void send(s)}>
                <div class="t">{s.title}</div>
                <div class="clamp">{s.content}</div>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}
