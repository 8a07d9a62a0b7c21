// The invitation page (/invite/<code>): a plain form, no script, that posts to POST /api/invitations/redeem. It reads
// the same whether the username is new or already has a Pond account: the person knows which, and the page must not
// tell anyone else.
import type { Role } from '../../platform/db/schema';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));

const ROLE_NAMES: Record<Role, string> = {
  admin: '管理员 Admin', operator: '运营 Operator', store_manager: '店长 Store manager', staff: '员工 Staff',
};

const CSS = `*{box-sizing:border-box}body{margin:0;font:14px/1.6 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f6f7;color:#1f2329}
main{max-width:420px;margin:48px auto;background:#fff;border-radius:8px;padding:24px 28px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:18px;margin:0 0 12px}.en{color:#8f959e;font-size:12px}.err{color:#d83931;margin:8px 0}
label{display:block;margin:12px 0 4px;color:#646a73}input{width:100%;padding:8px 10px;border:1px solid #dee0e3;border-radius:4px;font-size:14px}
button{margin-top:16px;width:100%;padding:9px 0;border:0;border-radius:4px;background:#245bdb;color:#fff;font-size:15px;cursor:pointer}`;

// Referrer policy same-origin: the link's code never leaves in a Referer to another site, while the form's POST still
// carries Pond's Origin (with no-referrer the browser sends `Origin: null`, which the cross-site check refuses).
function shell(body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="same-origin"><title>鱼塘邀请 Pond invitation</title><style>${CSS}</style></head><body><main>${body}</main></body></html>`;
}

export function invitePage(opts: { code: string; corpName: string; username: string; role: Role; error?: string }): string {
  return shell(`<h1>加入「${esc(opts.corpName)}」<br><span class="en">Join ${esc(opts.corpName)} on Pond</span></h1>
<p>用户名 Username：<b>${esc(opts.username)}</b><br>角色 Role：${esc(ROLE_NAMES[opts.role])}</p>
<p>新账号：请设置密码（至少 8 位）。已有此用户名的鱼塘账号：请输入该账号的密码。<br>
<span class="en">New to Pond: choose a password (at least 8 characters). Already have a Pond account with this username: enter its password.</span></p>
${opts.error ? `<p class="err" role="alert">${esc(opts.error)}</p>` : ''}
<form method="post" action="/api/invitations/redeem">
<input type="hidden" name="code" value="${esc(opts.code)}">
<label for="password">密码 Password</label><input id="password" name="password" type="password" minlength="8" maxlength="256" required autocomplete="new-password">
<label for="confirm">再次输入 Again</label><input id="confirm" name="confirm" type="password" minlength="8" maxlength="256" required autocomplete="new-password">
<button type="submit">接受邀请 Accept the invitation</button>
</form>`);
}

export function inviteNotice(zh: string, en: string): string {
  return shell(`<h1>${esc(zh)}</h1><p class="en">${esc(en)}</p>`);
}

/** A refused answer to the form: why, and back to the form (its link) when the code is known. */
export function inviteRetry(why: string, code: string | null): string {
  const back = code && /^[A-Za-z0-9_-]{1,200}$/.test(code) ? `<p><a href="/invite/${code}">返回重试 Try again</a></p>` : '';
  return shell(`<h1>未能接受邀请 <span class="en">The invitation was not accepted</span></h1><p class="err" role="alert">${esc(why)}</p>${back}`);
}
