import type { IncomingMessage, ServerResponse } from 'node:http';
import { HUB_HTTP } from '../../common/hub/http-api';

/**
 * The public, read-only explorer page the hub serves at /explorer: no wallet, no sign-in.
 * It reads the same public endpoints as the app's Explorer (stats, machines by model and
 * region, recent payments with their signatures, and the hub's own series for the charts)
 * and refreshes every 10 s. Charts are SVG drawn by the page's own script (no inline style).
 *
 * Model names and regions come from workers, so the page writes every value with
 * textContent (never as HTML), and a Content-Security-Policy allows only this page's own
 * script and style and requests to this hub.
 */
const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #0f1115; color: #e6e8eb; }
header, main { max-width: 1100px; margin: 0 auto; padding: 16px 24px; }
h1 { font-size: 20px; margin: 0; } h2 { font-size: 15px; margin: 24px 0 8px; color: #aab1bb; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.tile { background: #181b21; border-radius: 8px; padding: 12px; }
.tile .value { font-size: 22px; font-weight: 600; } .tile .label { color: #aab1bb; font-size: 12px; }
table { width: 100%; border-collapse: collapse; } th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #242833; }
th { color: #aab1bb; font-weight: 500; font-size: 12px; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { background: #242833; border-radius: 3px; height: 8px; min-width: 120px; } .bar span { display: block; height: 8px; border-radius: 3px; background: #4f8cff; }
code { font-size: 12px; word-break: break-all; } .muted { color: #7d8590; } .error { color: #ff7b72; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; }
.chart { background: #181b21; border-radius: 8px; padding: 8px 12px; } .chart svg { width: 100%; height: 120px; display: block; }
.chart polyline { fill: none; stroke-width: 2; vector-effect: non-scaling-stroke; } .chart text { fill: #7d8590; font-size: 12px; }
.line-a { stroke: #4f8cff; } .line-b { stroke: #f0b429; } .key-a { color: #4f8cff; } .key-b { color: #f0b429; }
`;

const SCRIPT = `
'use strict';
const API = { stats: '${HUB_HTTP.explorerStats}', machines: '${HUB_HTTP.explorerMachines}', payments: '${HUB_HTTP.explorerPayments}?limit=20', series: '${HUB_HTTP.explorerSeries}' };
const SVG = 'http://www.w3.org/2000/svg';
/** One SVG line chart: lines share a scale from 0 to their largest value; time runs left to right. */
function chart(id, points, lines) {
  const svg = $(id);
  svg.replaceChildren();
  svg.setAttribute('viewBox', '0 0 500 120');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.dataset.points = String(points.length);
  if (points.length === 0) { const t = document.createElementNS(SVG, 'text'); t.setAttribute('x', '8'); t.setAttribute('y', '64'); t.textContent = 'No samples yet.'; svg.appendChild(t); return; }
  const t0 = points[0].atMs, span = Math.max(1, points[points.length - 1].atMs - t0);
  let max = 0;
  for (const p of points) for (const l of lines) max = Math.max(max, l.value(p));
  if (max <= 0) max = 1;
  for (const l of lines) {
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('class', l.cls);
    const xy = points.map((p) => (points.length === 1 ? 250 : ((p.atMs - t0) / span) * 500).toFixed(1) + ',' + (115 - (l.value(p) / max) * 105).toFixed(1));
    line.setAttribute('points', xy.join(' '));
    svg.appendChild(line);
  }
}
function unitsOf(base) { return Number(BigInt(base)) / Math.pow(10, decimals); }
async function refreshCharts() {
  const series = await get(API.series + '?sinceMs=' + (Date.now() - 30 * 86400000));
  const pts = series.points;
  chart('chart-gpus', pts, [{ cls: 'line-a', value: (p) => p.gpusOnline }, { cls: 'line-b', value: (p) => p.gpusLeased }]);
  chart('chart-utilisation', pts, [{ cls: 'line-a', value: (p) => p.utilisation }]);
  chart('chart-leases', pts, [{ cls: 'line-a', value: (p) => p.leasesRunning }, { cls: 'line-b', value: (p) => p.leasesActive }]);
  chart('chart-volume', pts, [{ cls: 'line-a', value: (p) => unitsOf(p.volumePaidAllTime) }]);
  $('series-range').textContent = pts.length === 0 ? 'no samples yet' : pts.length + ' points since ' + new Date(pts[0].atMs).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
const $ = (id) => document.getElementById(id);
function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = String(text); if (cls) e.className = cls; return e; }
function row(cells) { const tr = document.createElement('tr'); for (const c of cells) tr.appendChild(c); return tr; }
function fill(tbody, rows, empty, columns) {
  tbody.replaceChildren();
  if (rows.length === 0) { const td = el('td', empty, 'muted'); td.colSpan = columns; tbody.appendChild(row([td])); return; }
  for (const r of rows) tbody.appendChild(r);
}
let decimals = 6, symbol = 'USDC';
function money(base) {
  const s = String(base).padStart(decimals + 1, '0');
  const whole = s.slice(0, s.length - decimals).replace(/\\B(?=(\\d{3})+(?!\\d))/g, ',');
  const frac = s.slice(s.length - decimals).replace(/0+$/, '');
  return whole + (frac ? '.' + frac : '') + ' ' + symbol;
}
async function get(path) { const r = await fetch(path, { headers: { accept: 'application/json' } }); if (!r.ok) throw new Error(path + ' answered ' + r.status); return r.json(); }
async function refresh() {
  try {
    const [stats, machines, payments] = await Promise.all([get(API.stats), get(API.machines), get(API.payments)]);
    $('workers').textContent = stats.workersOnline;
    $('gpus').textContent = stats.gpusOnline;
    $('leased').textContent = stats.gpusLeased;
    $('utilisation').textContent = Math.round(stats.utilisation * 100) + ' %';
    $('leases').textContent = stats.leasesRunning + ' / ' + stats.leasesActive;
    $('volume24h').textContent = money(stats.volumePaid24h);
    $('volumeAll').textContent = money(stats.volumePaidAllTime);
    fill($('models'), stats.byModel.map((m) => {
      const bar = el('div', undefined, 'bar'); const fillBar = el('span'); fillBar.style.width = (m.online ? Math.round((m.leased / m.online) * 100) : 0) + '%'; bar.appendChild(fillBar);
      const barCell = el('td'); barCell.appendChild(bar);
      return row([el('td', m.gpuModel), el('td', m.online, 'num'), el('td', m.leased, 'num'), barCell]);
    }), 'No GPUs online.', 4);
    fill($('machines'), machines.groups.map((g) => row([el('td', g.gpuModel), el('td', g.region), el('td', g.machines, 'num'), el('td', g.gpus, 'num')])), 'No machines online.', 4);
    fill($('payments'), payments.payments.map((p) => {
      const sig = el('td'); sig.appendChild(el('code', p.signature));
      return row([el('td', new Date(p.paidAtMs).toISOString().replace('T', ' ').slice(0, 19)), el('td', money(p.amount), 'num'), el('td', p.leaseId), el('td', p.increment, 'num'), sig]);
    }), 'No payments yet.', 5);
    await refreshCharts();
    $('status').textContent = 'Updated ' + new Date(stats.atMs).toLocaleTimeString();
    $('status').className = 'muted';
  } catch (error) {
    $('status').textContent = 'Could not reach the hub: ' + (error && error.message ? error.message : error);
    $('status').className = 'error';
  }
}
get('${HUB_HTTP.info}').then((info) => { symbol = info.token || symbol; $('network').textContent = info.network + ' · ' + symbol; }).catch(() => undefined).finally(refresh);
setInterval(refresh, 10000);
`;

const chartBox = (id: string, label: string, title = label) => `<div class="chart"><div>${title}</div><svg id="${id}" role="img" aria-label="${label}"></svg></div>`;

const tile = (id: string, label: string) => `<div class="tile"><div class="value" id="${id}">–</div><div class="label">${label}</div></div>`;

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Idlegrid explorer</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${HUB_HTTP.explorerPage}/explorer.css"></head>
<body><header><h1>Idlegrid explorer</h1><div class="muted"><span id="network">–</span> · <span id="status">Loading…</span></div></header>
<main>
<div class="tiles">${tile('workers', 'machines online')}${tile('gpus', 'GPUs online')}${tile('leased', 'GPUs leased')}${tile('utilisation', 'utilisation')}${tile('leases', 'leases running / active')}${tile('volume24h', 'paid, last 24 h')}${tile('volumeAll', 'paid, all time')}</div>
<h2>Over time <span class="muted" id="series-range"></span></h2>
<div class="charts">${chartBox('chart-gpus', 'GPUs online and leased', 'GPUs <span class="key-a">online</span> and <span class="key-b">leased</span>')}${chartBox('chart-utilisation', 'Utilisation')}${chartBox('chart-leases', 'Leases running and active', 'Leases <span class="key-a">running</span> and <span class="key-b">active</span>')}${chartBox('chart-volume', 'Paid, all time')}</div>
<h2>GPUs by model</h2><table><thead><tr><th>model</th><th>online</th><th>leased</th><th>utilisation</th></tr></thead><tbody id="models"></tbody></table>
<h2>Machines by model and region</h2><table><thead><tr><th>model</th><th>region</th><th>machines</th><th>GPUs</th></tr></thead><tbody id="machines"></tbody></table>
<h2>Recent payments</h2><table><thead><tr><th>paid (UTC)</th><th>amount</th><th>lease</th><th>increment</th><th>signature</th></tr></thead><tbody id="payments"></tbody></table>
</main><script src="${HUB_HTTP.explorerPage}/explorer.js"></script></body></html>
`;

const FILES: Record<string, { type: string; body: string }> = {
  [HUB_HTTP.explorerPage]: { type: 'text/html; charset=utf-8', body: HTML },
  [`${HUB_HTTP.explorerPage}/`]: { type: 'text/html; charset=utf-8', body: HTML },
  [`${HUB_HTTP.explorerPage}/explorer.js`]: { type: 'text/javascript; charset=utf-8', body: SCRIPT },
  [`${HUB_HTTP.explorerPage}/explorer.css`]: { type: 'text/css; charset=utf-8', body: STYLE },
};

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export class PublicExplorerPage {
  /** Whether `pathname` is one of the page's files. */
  serves(pathname: string): boolean {
    return Object.hasOwn(FILES, pathname);
  }

  handle(request: IncomingMessage, response: ServerResponse): void {
    const pathname = new URL(request.url ?? '/', 'http://hub.invalid').pathname;
    const file = FILES[pathname];
    if (!file || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(file ? 405 : 404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(file ? 'GET only' : 'not found');
      return;
    }
    response.writeHead(200, {
      'content-type': file.type,
      'content-length': Buffer.byteLength(file.body),
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }
}
