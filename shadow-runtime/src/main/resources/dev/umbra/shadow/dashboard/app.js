// Umbra dashboard: plain JS and SVG, no framework. The page loads a snapshot from /api/* and
// then follows one server-sent event stream (/api/events) for the selected primary and series.
'use strict';

const HISTORY_SECONDS = 300;
const SERIES = ['cpu.process', 'cpu.machine', 'mem.heap.used', 'mem.heap.committed', 'mem.rss',
  'mem.nonheap', 'alloc.rate', 'gc.pause', 'io.disk.read', 'io.disk.write', 'io.net.rx', 'io.net.tx',
  'io.disk.ops', 'io.net.ops', 'threads.live', 'threads.blocked'];
const UNITS = { 'cpu.process': 'cores', 'cpu.machine': 'cores', 'alloc.rate': 'bytes/s', 'gc.pause': 'ms/s',
  'io.disk.read': 'bytes/s', 'io.disk.write': 'bytes/s', 'io.net.rx': 'bytes/s', 'io.net.tx': 'bytes/s',
  'io.disk.ops': 'ops/s', 'io.net.ops': 'ops/s', 'threads.live': 'threads', 'threads.blocked': 'threads' };
const W = 960, H = 380, PAD = { left: 64, right: 14, top: 14, bottom: 26 };
const SVG = 'http://www.w3.org/2000/svg';

const state = {
  primaries: [], primary: null, series: 'cpu.process',
  points: new Map(), // grid second -> value of the selected series
  forecast: null, allocation: null, anomalies: [], decisions: [], checkpoints: [], heap: null,
  source: null, renderQueued: false,
};

const $ = (id) => document.getElementById(id);

function unitOf(series) { return UNITS[series] || (series.startsWith('mem.') ? 'bytes' : ''); }

function fmt(value, unit) {
  if (value === null || value === undefined || !isFinite(value)) return '–';
  if (unit === 'bytes' || unit === 'bytes/s') {
    const suffix = unit === 'bytes/s' ? '/s' : '';
    const abs = Math.abs(value);
    if (abs >= 1 << 30) return (value / (1 << 30)).toFixed(2) + ' GiB' + suffix;
    if (abs >= 1 << 20) return (value / (1 << 20)).toFixed(1) + ' MiB' + suffix;
    if (abs >= 1 << 10) return (value / (1 << 10)).toFixed(1) + ' KiB' + suffix;
    return value.toFixed(0) + ' B' + suffix;
  }
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toFixed(digits) + (unit ? ' ' + unit : '');
}

function clock(ms) { return new Date(ms).toLocaleTimeString([], { hour12: false }); }

function setStatus(text, cls) { const s = $('status'); s.textContent = text; s.className = 'status ' + (cls || ''); }

async function getJson(url) {
  const response = await fetch(url, { cache: 'no-store' });
  const body = await response.json().catch(() => ({ error: 'not JSON' }));
  if (!response.ok) { const e = new Error(body.error || response.statusText); e.status = response.status; throw e; }
  return body;
}

function q(params) { return Object.entries(params).map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v)).join('&'); }

// ---- selection and the event stream ----

function select(primary, series) {
  state.primary = primary;
  state.series = series || state.series;
  state.points = new Map(); state.forecast = null; state.allocation = null;
  state.anomalies = []; state.decisions = []; state.heap = null;
  if (primary) location.replace('#' + q({ primary, series: state.series }));
  renderPrimaries(); renderTables(); scheduleRender();
  openStream();
}

function openStream() {
  if (state.source) state.source.close();
  const params = state.primary ? '?' + q({ primary: state.primary, series: state.series }) : '';
  const source = new EventSource('/api/events' + params);
  state.source = source;
  source.onopen = () => { setStatus('live', 'live'); loadSnapshot(); };
  source.onerror = () => setStatus('reconnecting…', 'down');
  source.addEventListener('primaries', (e) => onPrimaries(JSON.parse(e.data).primaries));
  source.addEventListener('grid', (e) => onGrid(JSON.parse(e.data)));
  source.addEventListener('forecast', (e) => { state.forecast = JSON.parse(e.data); scheduleRender(); });
  source.addEventListener('anomaly', (e) => onAnomaly(JSON.parse(e.data)));
  source.addEventListener('decision', (e) => onDecision(JSON.parse(e.data)));
  source.addEventListener('checkpoints', (e) => onCheckpoints(JSON.parse(e.data).checkpoints));
}

async function loadSnapshot() {
  try {
    onPrimaries((await getJson('/api/primaries?all=true')).primaries);
    if (!state.primary) return;
    const p = state.primary, s = state.series;
    const [series, anomalies, decisions, checkpoints] = await Promise.all([
      getJson('/api/series?' + q({ primary: p, series: s, seconds: HISTORY_SECONDS })),
      getJson('/api/anomalies?' + q({ primary: p })),
      getJson('/api/decisions?' + q({ primary: p })),
      getJson('/api/checkpoints?' + q({ primary: p })),
    ]);
    if (p !== state.primary || s !== state.series) return; // the selection changed meanwhile
    series.values.forEach((v, i) => { if (v !== null) state.points.set(series.firstSecond + i, v); });
    state.allocation = series.allocation || null;
    state.anomalies = mergeById(anomalies.anomalies, state.anomalies, (a) => a.detectedMs);
    state.decisions = mergeById(decisions.decisions, state.decisions, (d) => d.timeMs);
    state.checkpoints = checkpoints.checkpoints;
    await loadHeap();
    try {
      state.forecast = await getJson('/api/forecast?' + q({ primary: p, series: s }));
    } catch (e) {
      if (e.status !== 404) throw e; // 404: too little history yet; the stream brings it
    }
    renderTables(); scheduleRender();
  } catch (e) {
    setStatus('error: ' + e.message, 'down');
  }
}

/** The selected primary's top classes over its newest histograms (a histogram comes minutes apart: polled). */
async function loadHeap() {
  const p = state.primary;
  if (!p) return;
  const heap = await getJson('/api/heap?' + q({ primary: p }));
  if (p === state.primary) { state.heap = heap; renderHeap(); }
}

function renderHeap() {
  const table = $('heap-table');
  const heap = state.heap;
  const snaps = heap ? heap.snapshots : [];
  const head = table.tHead.rows[0]; head.replaceChildren();
  for (const h of ['class', ...snaps.map((s) => clock(s.timeMs)), 'growth']) { const th = document.createElement('th'); th.textContent = h; head.append(th); }
  const body = table.tBodies[0]; body.replaceChildren();
  $('heap-note').textContent = snaps.length ? '(bytes per class, newest ' + snaps.length + ' histograms)' : '';
  if (!snaps.length) { row(body, ['no class histogram yet'], 'none'); return; }
  const growth = new Map(heap.growth.map((g) => [g.name, g]));
  for (const c of snaps[snaps.length - 1].classes) {
    const cells = [c.name];
    for (const s of snaps) { const x = s.classes.find((y) => y.name === c.name); cells.push(x ? fmt(x.bytes, 'bytes') : '–'); }
    const g = growth.get(c.name);
    cells.push(g ? (g.bytesGrowth > 0 ? '+' : '') + fmt(g.bytesGrowth, 'bytes') + ' (' + (g.instancesGrowth > 0 ? '+' : '') + g.instancesGrowth + ')' : '');
    row(body, cells, 'heap-row');
  }
  for (const o of heap.oldObjects) row(body, ['old object ' + o.className + (o.site ? ' at ' + o.site : '') + ', seen ' + clock(o.seenMs)], 'none');
}

/** The snapshot's entries and those the stream brought meanwhile, one per id, newest first. */
function mergeById(snapshot, streamed, timeOf) {
  const byId = new Map();
  for (const x of [...streamed, ...snapshot]) byId.set(x.id, x);
  return [...byId.values()].sort((a, b) => timeOf(b) - timeOf(a));
}

function onPrimaries(list) {
  state.primaries = list;
  if (!state.primary) {
    const fromHash = new URLSearchParams(location.hash.slice(1));
    const wanted = list.find((p) => p.id === fromHash.get('primary'));
    const pick = wanted || list.find((p) => p.state === 'connected') || list[0];
    if (pick) { select(pick.id, wanted ? (fromHash.get('series') || state.series) : state.series); return; }
  }
  renderPrimaries();
}

function onGrid(event) {
  if (event.primary !== state.primary) return;
  const v = event.values[state.series];
  if (v === undefined) return;
  state.points.set(event.t, v);
  const oldest = event.t - HISTORY_SECONDS;
  for (const t of state.points.keys()) { if (t < oldest) state.points.delete(t); }
  scheduleRender();
}

function onAnomaly(a) {
  if (a.primary !== state.primary || state.anomalies.some((x) => x.id === a.id)) return;
  state.anomalies.unshift(a); renderTables(); scheduleRender();
}

function onDecision(d) {
  if (d.primary !== state.primary || state.decisions.some((x) => x.id === d.id)) return;
  state.decisions.unshift(d);
  const al = state.allocation;
  if (d.applied && (d.action === 'scale-up' || d.action === 'scale-down') && al && al.resource === d.resource) {
    al.steps.push([d.timeMs, d.desired]); al.source = 'resource manager';
  }
  renderTables(); scheduleRender();
}

function onCheckpoints(list) {
  state.checkpoints = list.filter((c) => c.primary === state.primary);
  renderTables();
}

// ---- rendering ----

function scheduleRender() {
  if (state.renderQueued) return;
  state.renderQueued = true;
  requestAnimationFrame(() => { state.renderQueued = false; renderChart(); });
}

function el(name, attrs, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function renderPrimaries() {
  const ul = $('primaries');
  ul.replaceChildren();
  if (state.primaries.length === 0) {
    const li = document.createElement('li'); li.className = 'empty'; li.textContent = 'waiting for a primary…'; ul.append(li);
    return;
  }
  for (const p of state.primaries) {
    const li = document.createElement('li');
    li.className = 'primary' + (p.id === state.primary ? ' selected' : '');
    li.dataset.id = p.id;
    li.title = p.id;
    const name = document.createElement('span'); name.className = 'name'; name.textContent = p.workloadName || p.workload;
    const meta = document.createElement('span'); meta.className = 'meta';
    meta.innerHTML = '<span class="state-' + p.state + '">' + p.state + '</span> · pid ' + p.pid + ' · java ' + (p.java || '?')
      + ' · loss ' + (100 * (p.loss || 0)).toFixed(1) + '%';
    li.append(name, meta);
    li.onclick = () => select(p.id, state.series);
    ul.append(li);
  }
}

function row(tbody, cells, cls) {
  const tr = document.createElement('tr');
  if (cls) tr.className = cls;
  for (const c of cells) { const td = document.createElement('td'); td.textContent = c; tr.append(td); }
  tbody.append(tr);
  return tr;
}

function renderTables() {
  const at = $('anomalies-table').tBodies[0]; at.replaceChildren();
  for (const a of state.anomalies) {
    const unit = unitOf(a.series);
    const tr = row(at, [clock(a.onsetMs), a.series, a.kind, a.score.toFixed(2), fmt(a.observed, unit),
      fmt(a.expectedLow, unit) + ' – ' + fmt(a.expectedHigh, unit), a.explanation], 'anomaly-row');
    tr.lastChild.className = 'wrap';
  }
  if (!state.anomalies.length) row(at, ['none so far'], 'none');
  const dt = $('decisions-table').tBodies[0]; dt.replaceChildren();
  for (const d of state.decisions) {
    const unit = d.resource === 'cpu' ? 'cores' : d.resource.startsWith('disk_') ? 'bytes/s' : 'bytes';
    // the action policy's rollbacks (state) and alerts (none) change no amount
    const amounts = d.resource === 'state' || d.resource === 'none' ? '–' : fmt(d.current, unit) + ' → ' + fmt(d.desired, unit);
    const tr = row(dt, [clock(d.timeMs), d.resource, d.action, amounts,
      fmt(d.predicted, unit), (100 * d.probability).toFixed(0) + '%', d.allocator, d.applied ? 'yes' : 'no', d.reason], 'decision-row');
    tr.lastChild.className = 'wrap';
  }
  if (!state.decisions.length) row(dt, ['none so far'], 'none');
  const ct = $('checkpoints-table').tBodies[0]; ct.replaceChildren();
  for (const c of state.checkpoints) {
    row(ct, [c.id, clock(c.createdMs), c.engine, String(c.states), fmt(c.sizeBytes, 'bytes'), c.trust], 'checkpoint-row');
  }
  if (!state.checkpoints.length) row(ct, ['none so far'], 'none');
}

function renderSeriesPicker() {
  const sel = $('series');
  if (!sel.options.length) {
    for (const s of SERIES) { const o = document.createElement('option'); o.value = s; o.textContent = s; sel.append(o); }
    sel.onchange = () => select(state.primary, sel.value);
  }
  sel.value = state.series;
}

/** The allocation at time t (ms): the last applied step at or before t, else the initial value. */
function allocationAt(al, tMs) {
  let v = al.initial;
  for (const [at, value] of al.steps) { if (at <= tMs) v = value; }
  return v;
}

function renderChart() {
  renderSeriesPicker();
  const unit = unitOf(state.series);
  const times = [...state.points.keys()].sort((a, b) => a - b);
  const f = state.forecast && state.forecast.series === state.series && state.forecast.primary === state.primary ? state.forecast : null;
  const newest = times.length ? times[times.length - 1] + 1 : Date.now() / 1000;
  const originS = f ? f.originMs / 1000 : newest;
  const horizonS = f ? f.steps.length * f.stepMs / 1000 : 60;
  // the history shown grows with the data, from 2 to 5 minutes
  const nowS = Math.max(newest, originS);
  const span = times.length ? Math.min(HISTORY_SECONDS, Math.max(120, nowS - times[0] + 10)) : 120;
  const x0 = nowS - span, x1 = originS + horizonS;

  let yMax = 0;
  for (const t of times) yMax = Math.max(yMax, state.points.get(t));
  if (f) for (const step of f.steps) yMax = Math.max(yMax, step[step.length - 1]);
  const al = state.allocation && state.allocation.initial !== null ? state.allocation : null;
  if (al) { yMax = Math.max(yMax, allocationAt(al, x0 * 1000), ...al.steps.map((s) => s[1])); }
  yMax = yMax > 0 ? yMax * 1.08 : 1;

  const sx = (t) => PAD.left + (t - x0) / (x1 - x0) * (W - PAD.left - PAD.right);
  const sy = (v) => H - PAD.bottom - v / yMax * (H - PAD.top - PAD.bottom);
  const xy = (t, v) => sx(t).toFixed(1) + ',' + sy(v).toFixed(1);

  // axes
  const axes = $('axes'); axes.replaceChildren(); axes.setAttribute('class', 'axis');
  for (let i = 0; i <= 4; i++) {
    const v = yMax * i / 4;
    axes.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: sy(v), y2: sy(v) }));
    axes.append(el('text', { x: PAD.left - 6, y: sy(v) + 4, 'text-anchor': 'end' }, fmt(v, unit)));
  }
  const tick = span <= 180 ? 30 : 60;
  for (let s = Math.ceil((x0 - nowS) / tick) * tick; nowS + s <= x1; s += tick) {
    const label = s === 0 ? 'now' : (s > 0 ? '+' : '') + (s % 60 === 0 ? s / 60 + 'm' : s + 's');
    axes.append(el('text', { x: sx(nowS + s), y: H - 8, 'text-anchor': 'middle' }, label));
  }

  // forecast fan: the widest band first, then narrower ones over it, then the median
  const fan = $('fan'); fan.replaceChildren();
  if (f) {
    const lv = f.levels, lo = 0;
    const at = (i) => originS + (i + 1) * f.stepMs / 1000;
    const uppers = lv.map((l, j) => j).filter((j) => lv[j] > 0.5).reverse();
    uppers.forEach((hi, k) => {
      const top = f.steps.map((row, i) => xy(at(i), row[hi]));
      const bottom = f.steps.map((row, i) => xy(at(i), row[lo])).reverse();
      top.unshift(xy(originS, f.steps[0][hi])); bottom.push(xy(originS, f.steps[0][lo]));
      fan.append(el('path', { class: 'band', 'data-lo': lv[lo], 'data-hi': lv[hi], 'data-points': f.steps.length,
        'fill-opacity': (0.14 + 0.1 * k).toFixed(2), d: 'M' + top.join('L') + 'L' + bottom.join('L') + 'Z' }));
    });
    const mid = lv.indexOf(0.5);
    if (mid >= 0) {
      const pts = f.steps.map((row, i) => xy(at(i), row[mid]));
      pts.unshift(xy(originS, f.steps[0][mid]));
      fan.append(el('path', { class: 'median', d: 'M' + pts.join('L') }));
    }
    $('model').textContent = 'forecast: ' + f.model + (f.fallbackReason ? ' (fallback)' : '')
      + ' · peak p90 over ' + horizonS + ' s: ' + fmt(f.peak[f.levels.indexOf(0.9)], unit);
    $('model').title = f.fallbackReason ? 'fallback: ' + f.fallbackReason : '';
  } else {
    $('model').textContent = 'forecast: collecting history…';
    $('model').title = '';
  }

  // observed: one path, segments broken at missing seconds
  let d = '', n = 0, prev = null;
  for (const t of times) {
    if (t < x0) continue;
    d += (prev !== null && t === prev + 1 ? 'L' : 'M') + xy(t + 0.5, state.points.get(t));
    prev = t; n++;
  }
  const obs = $('observed'); obs.setAttribute('d', d); obs.setAttribute('data-points', n);
  const latest = times.length ? state.points.get(times[times.length - 1]) : null;
  $('headline').textContent = state.primary ? state.series + ' ' + fmt(latest, unit) : '';

  // allocation: a step line over history and horizon
  const alloc = $('allocation');
  if (al) {
    let ad = 'M' + xy(x0, allocationAt(al, x0 * 1000));
    for (const [tMs, v] of al.steps) {
      if (tMs > x0 * 1000 && tMs < x1 * 1000) ad += 'H' + sx(tMs / 1000).toFixed(1) + 'V' + sy(v).toFixed(1);
    }
    alloc.setAttribute('d', ad + 'H' + sx(x1).toFixed(1));
    $('allocation-source').textContent = '(' + al.resource + ', ' + al.source + ')';
  } else {
    alloc.setAttribute('d', '');
    $('allocation-source').textContent = '(none for this series)';
  }

  const now = $('now');
  for (const [k, v] of Object.entries({ x1: sx(nowS), x2: sx(nowS), y1: PAD.top, y2: H - PAD.bottom })) now.setAttribute(k, v);

  // anomalies: a dashed line at the onset, a dot at the observed value when it is this series
  const marks = $('anomalies'); marks.replaceChildren();
  for (const a of state.anomalies) {
    const t = a.onsetMs / 1000;
    if (t < x0 || t > x1) continue;
    const g = el('g', { class: 'anomaly', 'data-id': a.id });
    g.append(el('title', {}, a.kind + ' on ' + a.series + ': ' + a.explanation));
    g.append(el('line', { x1: sx(t), x2: sx(t), y1: PAD.top, y2: H - PAD.bottom }));
    if (a.series === state.series) g.append(el('circle', { cx: sx(t), cy: sy(Math.min(a.observed, yMax)), r: 5 }));
    g.append(el('text', { x: sx(t) + 4, y: PAD.top + 10 }, a.kind));
    marks.append(g);
  }
}

window.addEventListener('DOMContentLoaded', () => {
  const fromHash = new URLSearchParams(location.hash.slice(1));
  if (SERIES.includes(fromHash.get('series'))) state.series = fromHash.get('series');
  renderSeriesPicker(); renderTables(); renderChart();
  openStream();
  setInterval(() => loadHeap().catch(() => {}), 30000);
});
