// Pond's chat sidebar in the WeCom client (served as /sidebar/assets/sidebar.js, no build step).
// 1. wx.agentConfig with the signature Pond computes from the app ticket (the URL without #fragment);
// 2. getContext → getCurExternalContact (1:1 chat, contact profile) or getCurExternalChat (group chat);
// 3. the customer's profile, the member's tags on them (editable), recent timeline, and scripts that
//    are sent into the chat with sendChatMessage.
(function () {
  'use strict';
  var bootEl = document.getElementById('pond-boot');
  var BOOT = bootEl ? JSON.parse(bootEl.textContent || '{}') : {};
  var state = { entry: null, externalUserid: null, chatId: null, data: null, group: null, tab: 'scripts', scripts: [], folders: [], q: '', folderId: '', editing: false };

  var $ = function (id) { return document.getElementById(id); };
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  }
  function toast(text, isErr) {
    var t = $('toast');
    t.textContent = text;
    t.style.background = isErr ? '#d83931' : '#1f2329';
    t.style.display = 'block';
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { t.style.display = 'none'; }, 3000);
  }
  function status(zh, en, isErr) {
    $('app').innerHTML = '<div class="notice' + (isErr ? ' err' : ' muted') + '" id="status">' + esc(zh) + ' <div class="en">' + esc(en) + '</div></div>';
  }
  function api(method, path, body) {
    return fetch('/api' + path, {
      method: method, credentials: 'same-origin',
      headers: Object.assign({ 'x-pond-sidebar': '1' }, body ? { 'content-type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) throw new Error((j.error && j.error.message) || ('HTTP ' + r.status));
        return j;
      });
    });
  }
  function invoke(name, args) {
    return new Promise(function (resolve, reject) {
      window.wx.invoke(name, args || {}, function (res) {
        if (res && res.err_msg === name + ':ok') resolve(res);
        else reject(new Error((res && (res.err_msg || res.errMsg)) || name + ':fail'));
      });
    });
  }
  // Times in the corp's time zone, "YYYY-MM-DD HH:mm", as the console shows them.
  var TIME = new Intl.DateTimeFormat('en-CA', { timeZone: BOOT.timezone || 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  function fmt(t) {
    if (!t) return '';
    var p = {};
    TIME.formatToParts(new Date(t)).forEach(function (x) { p[x.type] = x.value; });
    return p.year + '-' + p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute;
  }
  var EVENTS = {
    'customer.added': '添加好友 added', 'customer.half_added': '单向添加 half added', 'customer.deleted_staff': '删除了员工 deleted the staff member',
    'customer.deleted_by_staff': '被员工删除 removed by staff', 'group.joined': '入群 joined a group', 'group.left': '退群 left a group',
    'tag.added': '打标签 tagged', 'tag.removed': '移除标签 untagged', 'remark.changed': '修改备注 remark changed', 'follow.edited': '编辑资料 profile edited',
    'follow.transferred': '客户已转接 handed over', 'follow.transfer_failed': '转接失败 handover failed',
    'order.paid': '下单付款 paid an order', 'order.refunded': '订单退款 refunded',
  };
  var GENDER = ['未知 unknown', '男 male', '女 female'];

  // ---- start ----
  function start() {
    var wx = window.wx;
    if (!wx || typeof wx.agentConfig !== 'function') {
      return status('未加载企业微信 JS-SDK', 'The WeCom JS-SDK did not load: open this page from the WeCom chat toolbar.', true);
    }
    var url = location.href.split('#')[0];
    api('GET', '/sidebar/config?url=' + encodeURIComponent(url)).then(function (cfg) {
      wx.agentConfig({
        corpid: cfg.corpId, agentid: cfg.agentId, timestamp: cfg.timestamp, nonceStr: cfg.nonceStr, signature: cfg.signature,
        jsApiList: cfg.jsApiList,
        success: function () { context(); },
        fail: function (res) {
          status('企业微信授权失败', 'agentConfig failed: ' + ((res && (res.errMsg || res.err_msg)) || 'unknown') + ' — check the app’s trusted domain.', true);
        },
      });
    }).catch(function (e) { status('无法获取签名', e.message, true); });
  }

  function context() {
    invoke('getContext').then(function (res) {
      state.entry = res.entry;
      if (res.entry === 'single_chat_tools' || res.entry === 'contact_profile') {
        return invoke('getCurExternalContact').then(function (r) { state.externalUserid = r.userId; return loadCustomer(); });
      }
      if (res.entry === 'group_chat_tools') {
        return invoke('getCurExternalChat').then(function (r) { state.chatId = r.chatId; return loadGroup(); });
      }
      return loadScripts().then(render);
    }).catch(function (e) { status('无法读取会话', e.message, true); });
  }

  function loadCustomer() {
    return Promise.all([api('GET', '/sidebar/customers/' + encodeURIComponent(state.externalUserid)), loadScripts()])
      .then(function (r) { state.data = r[0]; render(); })
      .catch(function (e) { status('看不到这位客户', e.message + ' — 只能查看自己的客户 (you only see your own customers).', true); });
  }
  function loadGroup() {
    return Promise.all([api('GET', '/groups/' + encodeURIComponent(state.chatId)), loadScripts()])
      .then(function (r) { state.group = r[0]; render(); })
      .catch(function (e) { status('看不到这个群', e.message + ' — 只能查看自己的群 (you only see your own groups).', true); });
  }
  function loadScripts() {
    var q = '?limit=50' + (state.q ? '&q=' + encodeURIComponent(state.q) : '') + (state.folderId ? '&folderId=' + state.folderId : '');
    return Promise.all([api('GET', '/scripts' + q), state.folders.length ? null : api('GET', '/script-folders')]).then(function (r) {
      state.scripts = r[0].items;
      if (r[1]) state.folders = r[1].items;
    });
  }

  // ---- render ----
  function tagName(id) {
    var groups = (state.data && state.data.tagGroups) || [];
    for (var i = 0; i < groups.length; i++) for (var j = 0; j < groups[i].tags.length; j++) if (groups[i].tags[j].id === id) return groups[i].tags[j].name;
    return id;
  }
  function render() {
    var h = '';
    if (state.data) h += customerHtml(state.data);
    else if (state.group) h += groupHtml(state.group);
    else h += '<section class="muted">在聊天中打开可查看客户资料 <div class="en">Open from a chat to see the customer.</div></section>';
    var tabs = [['scripts', '话术 Scripts']];
    if (state.data) tabs.push(['timeline', '动态 Timeline'], ['profile', '资料 Profile']);
    h += '<div class="tabs">' + tabs.map(function (t) { return '<button data-tab="' + t[0] + '" class="' + (state.tab === t[0] ? 'on' : '') + '">' + t[1] + '</button>'; }).join('') + '</div>';
    h += '<section id="panel">' + (state.tab === 'timeline' ? timelineHtml() : state.tab === 'profile' ? profileHtml() : scriptsHtml()) + '</section>';
    $('app').innerHTML = h;
  }
  function customerHtml(d) {
    var c = d.customer, mine = d.mine;
    var h = '<header><img src="' + esc(c.avatar || '') + '" alt=""><div class="grow"><b data-testid="customer-name">' + esc(c.name) + '</b>'
      + (c.corpName ? ' <span class="muted">@' + esc(c.corpName) + '</span>' : '')
      + '<div class="en">' + esc(GENDER[c.gender || 0]) + (mine && mine.remark ? ' · 备注 ' + esc(mine.remark) : '') + (mine ? ' · 添加于 ' + esc(fmt(mine.addedAt)) : '') + '</div></div></header>';
    h += '<section><h3>标签 Tags</h3>';
    if (!mine) {
      h += '<div class="muted">你没有添加这位客户，不能编辑标签 <span class="en">You do not follow this customer: tags are read-only.</span></div>';
    } else {
      var ids = mine.tagIds || [];
      h += '<div class="chips" id="my-tags">' + (ids.length ? ids.map(function (id) {
        return '<span class="chip">' + esc(tagName(id)) + ' <button title="移除 remove" data-untag="' + esc(id) + '">×</button></span>';
      }).join('') : '<span class="muted">暂无标签 No tags</span>') + '</div>';
      h += state.editing ? pickerHtml(ids) : '<div style="margin-top:6px"><button class="link" data-action="edit-tags">+ 添加标签 Add tags</button></div>';
      // Personal tags: the member's own, set in the WeCom client; the API cannot change them.
      var personal = mine.personalTags || [];
      if (personal.length) {
        h += '<div class="en" style="margin-top:8px" title="在企业微信客户端中修改 Edit them in the WeCom client">个人标签 Personal tags</div>'
          + '<div class="chips" id="personal-tags">' + personal.map(function (n) { return '<span class="chip off">' + esc(n) + '</span>'; }).join('') + '</div>';
      }
    }
    if (d.others.length) h += '<div class="en" style="margin-top:6px">也在跟进 Also followed by: ' + d.others.map(function (o) { return esc(o.staffName || o.userid); }).join('、') + '</div>';
    else if (d.otherFollowCount > 0) h += '<div class="en" style="margin-top:6px">另有 ' + d.otherFollowCount + ' 位同事在跟进 Also followed by ' + d.otherFollowCount + ' colleague(s)</div>';
    return h + '</section>';
  }
  function pickerHtml(ids) {
    return '<div class="picker">' + state.data.tagGroups.map(function (g) {
      return '<div class="g"><div class="en">' + esc(g.name) + '</div>' + g.tags.map(function (t) {
        return '<label><input type="checkbox" name="tag" value="' + esc(t.id) + '"' + (ids.indexOf(t.id) >= 0 ? ' checked' : '') + '> ' + esc(t.name) + '</label>';
      }).join('') + '</div>';
    }).join('') + '<div class="actions"><button class="primary" data-action="save-tags">保存 Save</button><button data-action="cancel-tags">取消 Cancel</button></div></div>';
  }
  function groupHtml(g) {
    var grp = g.group, members = g.members || [];
    var inGroup = members.filter(function (m) { return !m.leftAt; });
    var customers = inGroup.filter(function (m) { return m.type === 2; }).length;
    return '<header><div class="grow"><b data-testid="group-name">' + esc(grp.name || grp.chatId) + '</b><div class="en">' + inGroup.length + ' 人 members · ' + customers + ' 位客户 customers'
      + (grp.tier ? ' · ' + esc(grp.tier) : '') + '</div></div></header>'
      + (grp.labels && grp.labels.length ? '<section><h3>群标签 Labels</h3><div class="chips">' + grp.labels.map(function (l) { return '<span class="chip">' + esc(l) + '</span>'; }).join('') + '</div></section>' : '')
      + (grp.persona ? '<section><h3>群主人设 Owner persona</h3><div>' + esc(grp.persona) + '</div></section>' : '')
      + (grp.rulesText ? '<section><h3>群规 Rules</h3><div style="white-space:pre-wrap">' + esc(grp.rulesText) + '</div></section>' : '');
  }
  function scriptsHtml() {
    var h = '<input type="search" id="q" placeholder="搜索话术 Search scripts" value="' + esc(state.q) + '">';
    if (state.folders.length) {
      h += '<select id="folder"><option value="">全部分组 All folders</option>' + state.folders.map(function (f) {
        return '<option value="' + f.id + '"' + (String(f.id) === String(state.folderId) ? ' selected' : '') + '>' + esc(f.name) + ' (' + f.scripts + ')</option>';
      }).join('') + '</select>';
    }
    if (!state.scripts.length) return h + '<div class="muted">没有找到话术 No scripts found</div>';
    var canSend = state.entry === 'single_chat_tools' || state.entry === 'group_chat_tools';
    return h + '<div class="en" style="margin-bottom:4px">' + (canSend ? '点击发送到当前聊天 Tap to send into this chat' : '在聊天中打开才能发送 Open from a chat to send') + '</div><ul>'
      + state.scripts.map(function (s) {
        return '<li class="script" data-script="' + s.id + '"><div class="t">' + esc(s.title) + '</div><div class="c">' + esc(s.content) + '</div></li>';
      }).join('') + '</ul>';
  }
  function timelineHtml() {
    var items = state.data.timeline;
    if (!items.length) return '<div class="muted">暂无动态 Nothing yet</div>';
    return '<ul>' + items.map(function (e) {
      // The server's sentence (names, not ids); the type's label above it.
      return '<li class="ev" data-testid="sidebar-event"><div><b>' + esc(EVENTS[e.type] || e.type) + '</b> <span class="en">' + esc(fmt(e.occurredAt)) + '</span></div>'
        + '<div>' + esc(e.summary ? e.summary.zh : '') + '</div><div class="en">' + esc(e.summary ? e.summary.en : '') + '</div></li>';
    }).join('') + '</ul>';
  }
  function profileHtml() {
    var c = state.data.customer, mine = state.data.mine || {};
    var rows = [['外部联系人ID', c.externalUserid], ['unionid', c.unionid], ['备注 Remark', mine.remark], ['描述 Description', mine.description],
      ['手机 Phones', (mine.remarkMobiles || []).join(', ')], ['首次添加 First added', fmt(c.firstAddedAt)]];
    Object.keys(c.attributes || {}).forEach(function (k) { rows.push([k, c.attributes[k]]); });
    var groups = state.data.groups.map(function (g) { return esc(g.name || g.chatId); }).join('、');
    rows.push(['所在群 Groups', groups || '—']);
    return '<dl class="kv">' + rows.map(function (r) { return '<dt>' + esc(r[0]) + '</dt><dd>' + (r[0] === '所在群 Groups' ? r[1] : esc(r[1] || '—')) + '</dd>'; }).join('') + '</dl>';
  }

  // ---- actions ----
  function sendScript(id) {
    if (state.entry !== 'single_chat_tools' && state.entry !== 'group_chat_tools') return toast('请在聊天中打开后再发送 Open from a chat to send', true);
    var q = state.externalUserid ? '?externalUserid=' + encodeURIComponent(state.externalUserid) : '';
    api('GET', '/scripts/' + id + '/render' + q).then(function (r) {
      return invoke('sendChatMessage', { msgtype: 'text', enterChat: true, text: { content: r.text } });
    }).then(function () {
      toast('已发送 Sent');
      return api('POST', '/scripts/' + id + '/used');
    }).catch(function (e) { toast('发送失败 Not sent: ' + e.message, true); });
  }
  function changeTags(add, remove) {
    var mine = state.data.mine;
    return api('POST', '/customers/' + encodeURIComponent(state.externalUserid) + '/follows/' + encodeURIComponent(mine.userid) + '/tags', { add: add, remove: remove })
      .then(function () { state.editing = false; toast('标签已更新 Tags saved'); return loadCustomer(); })
      .catch(function (e) { toast('保存失败 Not saved: ' + e.message, true); });
  }

  document.addEventListener('click', function (ev) {
    var el = ev.target.closest('[data-tab],[data-script],[data-untag],[data-action]');
    if (!el) return;
    if (el.dataset.tab) { state.tab = el.dataset.tab; render(); return; }
    if (el.dataset.script) { sendScript(el.dataset.script); return; }
    if (el.dataset.untag) { changeTags([], [el.dataset.untag]); return; }
    var a = el.dataset.action;
    if (a === 'edit-tags') { state.editing = true; render(); }
    if (a === 'cancel-tags') { state.editing = false; render(); }
    if (a === 'save-tags') {
      var before = state.data.mine.tagIds || [];
      var after = Array.prototype.map.call(document.querySelectorAll('input[name=tag]:checked'), function (i) { return i.value; });
      changeTags(after.filter(function (x) { return before.indexOf(x) < 0; }), before.filter(function (x) { return after.indexOf(x) < 0; }));
    }
  });
  var searchTimer;
  document.addEventListener('input', function (ev) {
    if (ev.target.id !== 'q') return;
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () {
      state.q = ev.target.value.trim();
      loadScripts().then(function () {
        render();
        var q = $('q');
        if (q) { q.focus(); q.setSelectionRange(q.value.length, q.value.length); }
      });
    }, 250);
  });
  document.addEventListener('change', function (ev) {
    if (ev.target.id !== 'folder') return;
    state.folderId = ev.target.value;
    loadScripts().then(render);
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
