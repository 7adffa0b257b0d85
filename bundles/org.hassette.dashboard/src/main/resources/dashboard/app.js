// Hassette dashboard: plain JavaScript over /hassette/api/v1 and its event stream (no build step, no CDN).
'use strict';
const API = '/hassette/api/v1';
const $ = (sel) => document.querySelector(sel);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('data-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c === null || c === undefined ? '' : String(c)));
  return e;
}

async function api(path, options = {}) {
  const r = await fetch(API + path, Object.assign({ credentials: 'same-origin', headers: { Accept: 'application/json' } }, options));
  let body = null;
  try { body = await r.json(); } catch (e) { /* no JSON body */ }
  if (!r.ok) throw new Error((body && body.error) || (r.status + ' ' + r.statusText));
  return body;
}

function toast(text) {
  const t = $('#toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
}

const time = (iso) => iso ? new Date(iso).toLocaleTimeString() : '–';
const dateTime = (iso) => iso ? new Date(iso).toLocaleString() : '–';
const statusCell = (s) => el('td', { class: 'status status-' + (s || 'unknown') }, s || '–');

function fillTable(id, rows) {
  const body = $(id + ' tbody');
  body.replaceChildren(...rows);
}

// Debounced reloads, so a burst of events costs one request per section.
const pending = {};
function soon(name, fn, ms = 250) {
  clearTimeout(pending[name]);
  pending[name] = setTimeout(() => fn().catch((e) => console.warn(name, e)), ms);
}

async function loadStatus() {
  const s = await api('/status');
  const pill = $('#readiness');
  pill.textContent = s.core_ready ? 'ready' : 'not ready';
  pill.dataset.ready = String(s.core_ready);
  pill.className = 'pill ' + (s.core_ready ? 'pill-ready' : 'pill-notready');
  const list = $('#why-list');
  list.replaceChildren(...s.not_ready.map((r) => el('li', {}, r.chain.join(' → '))));
  $('#why').hidden = s.core_ready || s.not_ready.length === 0;
}

async function loadServices() {
  const services = await api('/services');
  fillTable('#services', services.map((s) => el('tr', { 'data-service': s.name, class: s.ready ? '' : 'failed' },
    el('td', {}, s.name, el('span', { class: 'muted' }, s.role === 'app' ? ' (app)' : ''),
      el('div', { class: 'sub' + (s.ready ? '' : ' bad') }, s.ready ? (s.reason || '') : (s.chain && s.chain.length ? s.chain.join(' → ') : s.reason || ''))),
    statusCell(s.status),
    el('td', { class: s.ready ? 'ok' : 'bad' }, s.ready ? 'yes' : 'no'),
    el('td', { class: 'hide-narrow' }, s.supervision ? `${s.supervision.restarts_in_window}/${s.supervision.budget} ${s.supervision.policy}` : String(s.restarts)))));
}

async function appAction(id, action, button) {
  button.disabled = true;
  try {
    const app = await api('/apps/' + encodeURIComponent(id) + '/' + action, { method: 'POST' });
    toast(`${id}: ${action} → ${app.status}`);
  } catch (e) {
    toast(`${id}: ${action} failed: ${e.message}`);
  } finally {
    button.disabled = false;
    soon('apps', loadApps, 50);
  }
}

async function loadApps() {
  let apps;
  try {
    apps = await api('/apps');
  } catch (e) {
    fillTable('#apps', [el('tr', {}, el('td', { colSpan: 4, class: 'muted' }, e.message))]);
    return;
  }
  $('#apps-empty').hidden = apps.length > 0;
  fillTable('#apps', apps.map((a) => {
    const running = a.status === 'running' || a.status === 'starting';
    const actions = el('div', { class: 'actions' });
    for (const action of running ? ['stop', 'reload'] : ['start']) {
      const b = el('button', { type: 'button', 'data-action': action }, action[0].toUpperCase() + action.slice(1));
      b.addEventListener('click', () => appAction(a.id, action, b));
      actions.append(b);
    }
    if (!a.enabled) {
      const b = el('button', { type: 'button', 'data-action': 'enable' }, 'Enable');
      b.addEventListener('click', () => appAction(a.id, 'enable', b));
      actions.append(b);
    }
    return el('tr', { 'data-app': a.id, class: a.status === 'failed' ? 'failed' : '' },
      el('td', {}, a.id.replace(/^app:/, ''),
        el('div', { class: 'sub' }, a.bundle + ' ' + (a.version || '')),
        a.reason && a.status !== 'running' ? el('div', { class: 'sub' + (a.status === 'failed' ? ' bad' : '') }, a.reason) : '',
        a.constraints && a.constraints.length ? el('div', { class: 'sub', 'data-constraints': '' }, 'runs only while: ' + a.constraints.join(', ')) : ''),
      statusCell(a.status),
      el('td', { class: 'hide-narrow' }, `${a.listeners} / ${a.jobs}`),
      el('td', {}, actions));
  }));
}

function executionRow(x) {
  const short = x.app && x.name.startsWith(x.app + ':') ? x.name.slice(x.app.length + 1) : x.name;
  const failed = x.outcome === 'error' || x.outcome === 'timeout';
  return el('tr', { 'data-execution': x.id, class: failed ? 'failed' : '' },
    el('td', {}, time(x.start)),
    el('td', {}, short, el('div', { class: 'sub' }, x.kind + (x.app ? ' · ' + x.app.replace(/^app:/, '') : ' · platform')),
      failed ? el('div', { class: 'sub bad' }, x.error || x.detail || '') : ''),
    el('td', { class: 'hide-narrow' }, x.duration_ms === null ? '–' : x.duration_ms),
    statusCell(x.outcome),
    el('td', { class: 'msg hide-narrow' }, x.error || x.detail || ''));
}

const errorsOnly = () => $('#errors-only').checked;
async function loadExecutions() {
  let rows;
  try {
    rows = await api('/executions?limit=100');
  } catch (e) {
    fillTable('#executions', [el('tr', {}, el('td', { colSpan: 5, class: 'muted' }, e.message))]);
    return;
  }
  fillTable('#executions', rows.filter((x) => !errorsOnly() || x.outcome === 'error' || x.outcome === 'timeout').map(executionRow));
}

function entityRow(e) {
  const name = e.attributes && e.attributes.friendly_name;
  return el('tr', { 'data-entity': e.entity_id },
    el('td', {}, e.entity_id, name ? el('div', { class: 'muted' }, name) : ''),
    el('td', { class: 'state' }, e.state),
    el('td', { class: 'changed hide-narrow' }, time(e.last_changed)));
}

async function loadEntities() {
  const q = $('#entity-search').value.trim();
  const query = q === '' ? '' : (/[*?]/.test(q) ? '&glob=' : '&q=') + encodeURIComponent(q);
  let r;
  try {
    r = await api('/entities?limit=300' + query);
  } catch (e) {
    fillTable('#entities', [el('tr', {}, el('td', { colSpan: 3, class: 'muted' }, e.message))]);
    return;
  }
  $('#entity-count').textContent = `${r.count} of ${r.total}`;
  fillTable('#entities', r.entities.map(entityRow));
}

async function loadSessions() {
  const rows = await api('/sessions?limit=10');
  fillTable('#sessions', rows.map((s) => el('tr', {},
    el('td', {}, s.id + (s.current ? ' *' : '')), statusCell(s.status), el('td', {}, dateTime(s.started_at)),
    el('td', { class: 'hide-narrow' }, dateTime(s.stopped_at)),
    el('td', { class: 'msg hide-narrow' }, s.error_type ? `${s.error_type}: ${s.error_message}` : ''))));
}

const LEVELS = ['ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'];
const levelOk = (level) => LEVELS.indexOf(level) <= LEVELS.indexOf($('#log-level').value) && LEVELS.indexOf(level) >= 0;
function logRow(l) {
  return el('tr', {}, el('td', {}, time(l.time)), el('td', { class: 'level-' + l.level }, l.level),
    el('td', { class: 'msg hide-narrow' }, (l.logger || '').replace(/^(.*\.)?([^.]+)$/, '$2')),
    el('td', { class: 'msg' }, l.message + (l.exception ? ' [' + l.exception + ']' : '')));
}
async function loadLogs() {
  const rows = await api('/logs?limit=200&level=' + $('#log-level').value);
  fillTable('#logs', rows.reverse().map(logRow));
}

function prepend(tableId, row, max) {
  const body = $(tableId + ' tbody');
  row.classList.add('flash');
  body.prepend(row);
  while (body.rows.length > max) body.deleteRow(body.rows.length - 1);
}

function connect() {
  const live = $('#live');
  const source = new EventSource(API + '/events');
  source.onopen = () => { live.dataset.state = 'live'; live.textContent = 'live'; soon('all', loadAll, 10); };
  source.onerror = () => { live.dataset.state = 'down'; live.textContent = 'reconnecting'; };
  source.addEventListener('status', (m) => {
    const s = JSON.parse(m.data);
    soon('status', loadStatus);
    soon('services', loadServices);
    if (s.role === 'app') soon('apps', loadApps);
  });
  source.addEventListener('entity', (m) => {
    const e = JSON.parse(m.data);
    const row = document.querySelector(`#entities tr[data-entity="${CSS.escape(e.entity_id)}"]`);
    if (row) {
      row.querySelector('.state').textContent = e.state;
      row.querySelector('.changed').textContent = time(e.last_changed);
      row.classList.remove('flash');
      void row.offsetWidth; // restart the highlight
      row.classList.add('flash');
    }
  });
  source.addEventListener('execution', (m) => {
    const x = JSON.parse(m.data);
    if (!errorsOnly() || x.outcome === 'error' || x.outcome === 'timeout') prepend('#executions', executionRow(x), 100);
    if (x.app) soon('apps', loadApps, 1000);
  });
  source.addEventListener('log', (m) => {
    const l = JSON.parse(m.data);
    if (levelOk(l.level)) prepend('#logs', logRow(l), 200);
  });
}

function loadAll() {
  return Promise.allSettled([loadStatus(), loadServices(), loadApps(), loadExecutions(), loadEntities(), loadSessions(), loadLogs()]);
}

document.addEventListener('DOMContentLoaded', () => {
  $('#entity-search').addEventListener('input', () => soon('entities', loadEntities, 200));
  $('#log-level').addEventListener('change', () => soon('logs', loadLogs, 0));
  $('#errors-only').addEventListener('change', () => soon('executions', loadExecutions, 0));
  loadAll();
  connect();
});
