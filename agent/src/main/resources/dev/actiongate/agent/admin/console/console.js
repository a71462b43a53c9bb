// ActionGate admin console: lists the pending approvals of the agent's admin API and approves or
// rejects them; in a fleet, searches the decisions of every instance and shows one with its records. Plain ES2020, no dependencies; the page's Content-Security-Policy allows no inline
// script or style, so everything is here and in console.css. Every value that came from a caller
// is written with textContent, never parsed as HTML.
'use strict';

(() => {
  const TOKEN_KEY = 'actiongate.console.token';
  const REVIEWER_KEY = 'actiongate.console.reviewer';
  const REFRESH_MS = 2000;
  const REQUEST_TIMEOUT_MS = 10000;

  const $ = (id) => document.getElementById(id);
  const el = {
    connection: $('connection'),
    auth: $('auth'),
    tokenForm: $('token-form'),
    token: $('token'),
    authError: $('auth-error'),
    console: $('console'),
    reviewer: $('reviewer'),
    comment: $('comment'),
    forget: $('forget-token'),
    message: $('message'),
    empty: $('empty'),
    list: $('approvals'),
    tabApprovals: $('tab-approvals'),
    tabDecisions: $('tab-decisions'),
    approvalsView: $('approvals-view'),
    decisionsView: $('decisions-view'),
    search: $('decision-search'),
    decisionsMessage: $('decisions-message'),
    decisionsTable: $('decisions-table'),
    decisions: $('decisions'),
    detail: $('decision-detail'),
    detailTitle: $('detail-title'),
    closeDetail: $('close-detail'),
    history: $('decision-records'),
  };

  let token = null;
  let timer = null;
  let generation = 0; // bumped whenever the token changes: answers to older requests are dropped
  let lastList = 0; // sequence of the newest list request, so a slow answer never overwrites a newer one
  const cards = new Map(); // approval id -> {root, fields, buttons}

  // ---- token -------------------------------------------------------------------------------

  function storage() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null; // storage disabled: the token lives in this page only
    }
  }

  function tokenFromFragment() {
    const hash = window.location.hash;
    if (!hash || hash.length < 2) {
      return null;
    }
    const params = new URLSearchParams(hash.slice(1));
    const value = params.get('token');
    if (value === null) {
      return null;
    }
    // Never leave the token in the address bar or the history.
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    return value.trim() || null;
  }

  function useToken(value) {
    token = value;
    generation++;
    const store = storage();
    if (store) {
      store.setItem(TOKEN_KEY, value);
    }
    el.auth.hidden = true;
    el.authError.hidden = true;
    el.console.hidden = false;
    clearCards();
    setConnection('connecting…', 'pending');
    refresh();
  }

  function askForToken(problem) {
    token = null;
    generation++;
    stopRefreshing();
    const store = storage();
    if (store) {
      store.removeItem(TOKEN_KEY);
    }
    clearCards();
    // What the last token could read is not left on screen for whoever comes next.
    el.decisions.replaceChildren();
    el.decisionsTable.hidden = true;
    el.detail.hidden = true;
    el.history.replaceChildren();
    decisionsMessage('', false);
    el.console.hidden = true;
    el.auth.hidden = false;
    el.authError.hidden = !problem;
    el.authError.textContent = problem || '';
    setConnection(problem ? problem : 'no token', 'bad');
    el.token.value = '';
    el.token.focus();
  }

  el.tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = el.token.value.trim();
    if (!value) {
      el.authError.textContent = 'enter the admin token';
      el.authError.hidden = false;
      return;
    }
    el.token.value = '';
    useToken(value);
  });

  el.forget.addEventListener('click', () => askForToken(null));

  // ---- HTTP ----------------------------------------------------------------------------------

  class Unauthorized extends Error {}

  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + token, Accept: 'application/json' };
    const init = { method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
    init.signal = abort.signal;
    const asked = generation;
    let response;
    let text;
    try {
      // Relative: the page is served at the API's root, so "approvals" is /approvals.
      response = await fetch(path, init);
      text = await response.text();
    } finally {
      clearTimeout(timeout);
    }
    if (asked !== generation) {
      return { stale: true };
    }
    if (response.status === 401) {
      throw new Unauthorized();
    }
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      json = null;
    }
    return { status: response.status, ok: response.ok, json, text };
  }

  function errorText(answer) {
    if (answer.json && typeof answer.json.error === 'string' && answer.json.error) {
      return answer.json.error;
    }
    const snippet = (answer.text || '').trim().slice(0, 200);
    return 'HTTP ' + answer.status + (snippet ? ': ' + snippet : '');
  }

  // ---- list ----------------------------------------------------------------------------------

  function stopRefreshing() {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
  }

  function scheduleRefresh() {
    stopRefreshing();
    if (token !== null) {
      timer = setTimeout(refresh, REFRESH_MS);
    }
  }

  async function refresh() {
    stopRefreshing();
    if (token === null) {
      return;
    }
    const sequence = ++lastList;
    try {
      const answer = await api('GET', 'approvals');
      if (answer.stale || sequence !== lastList) {
        return;
      }
      if (answer.ok && answer.json && Array.isArray(answer.json.approvals)) {
        // With a reviewer's own token the API says whose it is: that is the name reviews go out under.
        const own = typeof answer.json.reviewer === 'string' ? answer.json.reviewer : null;
        if (own !== null) {
          el.reviewer.value = own;
        }
        el.reviewer.readOnly = own !== null;
        render(answer.json.approvals);
        setConnection('updated ' + new Date().toLocaleTimeString(), 'good');
      } else {
        setConnection('cannot list approvals: ' + errorText(answer), 'bad');
      }
    } catch (e) {
      if (e instanceof Unauthorized) {
        askForToken('token rejected');
        return;
      }
      if (sequence === lastList) {
        setConnection('agent unreachable, retrying… (' + describeError(e) + ')', 'bad');
      }
    } finally {
      if (sequence === lastList) {
        scheduleRefresh();
      }
    }
  }

  function describeError(e) {
    if (e && e.name === 'AbortError') {
      return 'timed out';
    }
    return e && e.message ? e.message : String(e);
  }

  function setConnection(text, state) {
    el.connection.textContent = text;
    el.connection.className = 'connection ' + (state || '');
  }

  function clearCards() {
    cards.clear();
    el.list.replaceChildren();
    el.empty.hidden = true;
  }

  // Updates the cards in place: existing cards keep their elements (so a button under the mouse
  // is never replaced mid-click), gone ones are removed, new ones are added, oldest first.
  function render(approvals) {
    const seen = new Set();
    let previous = null;
    for (const approval of approvals) {
      if (!approval || typeof approval.id !== 'string') {
        continue;
      }
      seen.add(approval.id);
      let card = cards.get(approval.id);
      if (!card) {
        card = createCard(approval.id);
        cards.set(approval.id, card);
      }
      fillCard(card, approval);
      const wanted = previous ? previous.root.nextSibling : el.list.firstChild;
      if (wanted !== card.root) {
        el.list.insertBefore(card.root, wanted);
      }
      previous = card;
    }
    for (const [id, card] of cards) {
      if (!seen.has(id)) {
        card.root.remove();
        cards.delete(id);
      }
    }
    el.empty.hidden = cards.size !== 0;
  }

  const FIELDS = [
    ['actor', 'Actor'],
    ['on_behalf_of', 'On behalf of'],
    ['tenant', 'Tenant'],
    ['environment', 'Environment'],
    ['caller_reason', 'Caller reason'],
    ['matched_rules', 'Matched rules'],
    ['reason', 'Policy reason'],
    ['approvers', 'Approvers'],
    ['reviewers', 'Who may approve'],
    ['policy_version', 'Policy version'],
    ['age', 'Age'],
    ['expires_at', 'Expires'],
    ['waiting', 'Caller waiting'],
    ['method', 'Method'],
  ];

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function createCard(id) {
    const root = make('article', 'approval');
    root.setAttribute('data-id', id);

    const head = make('div', 'approval-head');
    const action = make('h2', 'action');
    const idLine = make('span', 'approval-id', id);
    head.append(action, idLine);
    // In a fleet, the service and instance that filed the request; a lone JVM's API sends neither.
    const origin = make('p', 'origin');
    origin.hidden = true;

    const list = make('dl', 'details');
    const fields = { action, origin };
    for (const [key, label] of FIELDS) {
      const dt = make('dt', null, label);
      const dd = make('dd', 'value-' + key.replace(/_/g, '-'));
      list.append(dt, dd);
      fields[key] = dd;
    }

    const argsTitle = make('h3', 'arguments-title', 'Arguments');
    const args = make('pre', 'arguments');
    fields.arguments = args;

    const actions = make('div', 'decide');
    const approve = make('button', 'approve', 'Approve');
    approve.type = 'button';
    const reject = make('button', 'reject', 'Reject');
    reject.type = 'button';
    approve.addEventListener('click', () => decide(id, 'approve', card));
    reject.addEventListener('click', () => decide(id, 'reject', card));
    actions.append(approve, reject);

    root.append(head, origin, list, argsTitle, args, actions);
    const card = { root, fields, buttons: [approve, reject], busy: false };
    return card;
  }

  function setText(node, text, missing) {
    if (node.textContent !== text) {
      node.textContent = text;
    }
    node.classList.toggle('none', Boolean(missing));
  }

  function setValue(node, value) {
    if (value === null || value === undefined || value === '') {
      setText(node, '—', true);
    } else if (Array.isArray(value)) {
      setText(node, value.length ? value.map(String).join(', ') : '—', value.length === 0);
    } else {
      setText(node, String(value), false);
    }
  }

  function fillCard(card, a) {
    const f = card.fields;
    setText(f.action, a.action ? String(a.action) : '(unnamed action)', !a.action);
    for (const key of ['actor', 'on_behalf_of', 'tenant', 'environment', 'caller_reason', 'matched_rules',
      'reason', 'approvers', 'reviewers', 'policy_version', 'method']) {
      setValue(f[key], a[key]);
    }
    setText(f.age, typeof a.age_ms === 'number' ? humanDuration(a.age_ms) : '—', typeof a.age_ms !== 'number');
    setText(f.expires_at, a.expires_at ? a.expires_at + expiresIn(a.expires_at) : '—', !a.expires_at);
    const waiting = a.waiting === true;
    setText(f.waiting, waiting ? 'yes, a caller is blocked until you decide' : 'no', false);
    f.waiting.classList.toggle('waiting', waiting);
    setText(f.arguments, prettyJson(a.arguments), false);
    fillOrigin(f.origin, a);
  }

  function fillOrigin(node, a) {
    const parts = [];
    for (const key of ['service', 'instance']) {
      if (typeof a[key] === 'string' && a[key]) {
        parts.push(make('span', null, (parts.length ? ' · ' : '') + key + ' '), make('b', 'value-' + key, a[key]));
      }
    }
    const text = parts.map((part) => part.textContent).join('');
    if (node.textContent !== text) {
      node.replaceChildren(...parts);
    }
    node.hidden = parts.length === 0;
  }

  function prettyJson(value) {
    if (value === undefined) {
      return '{}';
    }
    try {
      return JSON.stringify(value, null, 2);
    } catch (e) {
      return String(value);
    }
  }

  function humanDuration(ms) {
    if (ms < 0) {
      ms = 0;
    }
    const s = Math.floor(ms / 1000);
    if (s < 1) {
      return 'just now';
    }
    if (s < 60) {
      return s + ' s';
    }
    const m = Math.floor(s / 60);
    if (m < 60) {
      return m + ' min ' + (s % 60) + ' s';
    }
    const h = Math.floor(m / 60);
    if (h < 24) {
      return h + ' h ' + (m % 60) + ' min';
    }
    return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
  }

  function expiresIn(iso) {
    const at = Date.parse(iso);
    if (Number.isNaN(at)) {
      return '';
    }
    const left = at - Date.now();
    return left > 0 ? ' (in ' + humanDuration(left) + ')' : ' (due now)';
  }

  // ---- approve / reject ----------------------------------------------------------------------

  function showMessage(text, isError) {
    el.message.textContent = text;
    el.message.className = isError ? 'error' : 'ok';
  }

  async function decide(id, verb, card) {
    if (card.busy) {
      return;
    }
    const reviewer = el.reviewer.value.trim();
    if (!reviewer) {
      showMessage('enter your name as reviewer before you approve or reject', true);
      el.reviewer.focus();
      return;
    }
    const comment = el.comment.value.trim();
    card.busy = true;
    card.buttons.forEach((button) => { button.disabled = true; });
    card.root.classList.add('busy');
    try {
      const answer = await api('POST', 'approvals/' + encodeURIComponent(id) + '/' + verb,
        { reviewer, comment });
      if (answer.stale) {
        return;
      }
      if (answer.ok) {
        showMessage((verb === 'approve' ? 'approved ' : 'rejected ') + id + ' as ' + reviewer, false);
        const store = storage();
        if (store) {
          store.setItem(REVIEWER_KEY, reviewer);
        }
        if (el.comment.value.trim() === comment) {
          el.comment.value = '';
        }
      } else {
        showMessage(errorText(answer), true);
      }
    } catch (e) {
      if (e instanceof Unauthorized) {
        askForToken('token rejected');
        return;
      }
      showMessage('cannot reach the agent: ' + describeError(e), true);
    } finally {
      card.busy = false;
      card.buttons.forEach((button) => { button.disabled = false; });
      card.root.classList.remove('busy');
    }
    refresh();
  }

  // ---- decisions (a fleet's, from its database) --------------------------------------------

  function showView(decisions) {
    el.approvalsView.hidden = decisions;
    el.decisionsView.hidden = !decisions;
    el.tabApprovals.setAttribute('aria-pressed', String(!decisions));
    el.tabDecisions.setAttribute('aria-pressed', String(decisions));
  }

  el.tabApprovals.addEventListener('click', () => showView(false));
  el.tabDecisions.addEventListener('click', () => showView(true));

  function decisionsMessage(text, isError) {
    el.decisionsMessage.textContent = text;
    el.decisionsMessage.className = isError ? 'error' : '';
  }

  let lastSearch = 0; // a slow answer to an older search never replaces a newer one

  el.search.addEventListener('submit', async (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const name of ['action', 'verdict', 'actor', 'tenant', 'since', 'until']) {
      const value = el.search.elements[name].value.trim();
      if (value) {
        params.set(name, value);
      }
    }
    const sequence = ++lastSearch;
    decisionsMessage('searching…', false);
    const answer = await call('GET', 'decisions?' + params.toString());
    if (!answer || sequence !== lastSearch) {
      return;
    }
    if (answer.ok && answer.json && Array.isArray(answer.json.decisions)) {
      listDecisions(answer.json.decisions);
      const n = answer.json.decisions.length;
      decisionsMessage(n === 0 ? 'no decisions match' : n + (n === answer.json.limit ? ' newest' : '')
        + ' decision' + (n === 1 ? '' : 's') + ', newest first', false);
    } else {
      el.decisionsTable.hidden = true;
      decisionsMessage(errorText(answer), true);
    }
  });

  // The API answer, or null once the failure is shown (a rejected token asks for another).
  async function call(method, path) {
    try {
      const answer = await api(method, path);
      return answer.stale ? null : answer;
    } catch (e) {
      if (e instanceof Unauthorized) {
        askForToken('token rejected');
      } else {
        decisionsMessage('cannot reach the agent: ' + describeError(e), true);
      }
      return null;
    }
  }

  const COLUMNS = ['at', 'service', 'instance', 'action', 'verdict', 'actor', 'tenant'];

  function listDecisions(decisions) {
    const rows = [];
    for (const d of decisions) {
      if (!d || typeof d.decision_id !== 'string') {
        continue;
      }
      const row = make('tr', 'decision');
      row.setAttribute('data-id', d.decision_id);
      for (const key of COLUMNS) {
        const cell = make('td', 'col-' + key);
        setValue(cell, d[key]);
        row.append(cell);
      }
      const open = make('button', 'open-decision secondary', d.decision_id);
      open.type = 'button';
      open.addEventListener('click', () => openDecision(d.decision_id));
      const idCell = make('td', 'col-decision-id');
      idCell.append(open);
      row.append(idCell);
      rows.push(row);
    }
    el.decisions.replaceChildren(...rows);
    el.decisionsTable.hidden = rows.length === 0;
  }

  async function openDecision(id) {
    const answer = await call('GET', 'decisions/' + encodeURIComponent(id));
    if (!answer) {
      return;
    }
    if (!answer.ok || !answer.json || !Array.isArray(answer.json.records)) {
      decisionsMessage(errorText(answer), true);
      return;
    }
    el.detailTitle.textContent = 'Decision ' + id + ': ' + answer.json.records.length + ' records';
    el.history.replaceChildren(...answer.json.records.map(historyItem));
    el.detail.hidden = false;
    el.detail.setAttribute('data-id', id);
    el.detail.scrollIntoView({ block: 'nearest' });
  }

  function historyItem(entry) {
    const record = entry && entry.record && typeof entry.record === 'object' ? entry.record : {};
    const item = make('li', 'history-record');
    const kind = typeof record.kind === 'string' ? record.kind : '(not a record)';
    item.setAttribute('data-kind', kind);
    const when = typeof record.timestamp === 'string' ? record.timestamp : '';
    const where = [entry.service, entry.instance].filter((v) => typeof v === 'string' && v).join(' / ');
    const verdict = typeof record.verdict === 'string' ? ' ' + record.verdict : '';
    item.append(make('b', 'history-kind', kind + verdict), make('span', 'origin', ' ' + when + ' on ' + where));
    item.append(make('pre', 'history-line', entry.record ? prettyJson(entry.record) : String(entry.line)));
    return item;
  }

  el.closeDetail.addEventListener('click', () => {
    el.detail.hidden = true;
    el.history.replaceChildren();
  });

  // ---- start ---------------------------------------------------------------------------------

  function start() {
    const store = storage();
    const remembered = store ? store.getItem(REVIEWER_KEY) : null;
    if (remembered && !el.reviewer.value) {
      el.reviewer.value = remembered;
    }
    const fromFragment = tokenFromFragment();
    const stored = store ? store.getItem(TOKEN_KEY) : null;
    if (fromFragment) {
      useToken(fromFragment);
    } else if (stored) {
      useToken(stored);
    } else {
      askForToken(null);
    }
  }

  window.addEventListener('hashchange', () => {
    const fromFragment = tokenFromFragment();
    if (fromFragment) {
      useToken(fromFragment);
    }
  });

  start();
})();
