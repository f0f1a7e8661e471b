// The dashboard: reads the cluster (GET /admin/cluster) and the move (GET /admin/rebalance) every
// 1.5 s and draws them; the key browser answers clicks. Each poll starts when the last one ended,
// so a slow router is never asked twice at once.

import { ApiError, getJson, setToken, token } from './api.js';
import { keyBrowser } from './keys.js';
import { renderMove } from './moves.js';
import { renderNodes } from './nodes.js';
import { drawRing } from './ring.js';

const POLL_MS = 1500;
const $ = (id) => document.getElementById(id);

function showError(element, message) {
  element.textContent = message || '';
  element.hidden = !message;
}

function summary(cluster) {
  const nodes = cluster.nodes || [];
  const parts = [`${cluster.up ?? 0}/${nodes.length} nodes up`];
  if (cluster.epoch !== undefined) parts.push(`view ${cluster.epoch}`);
  if (cluster.rebalancing) parts.push('keys moving');
  return parts.join(' · ');
}

async function poll() {
  try {
    const [cluster, move] = await Promise.all([getJson('/admin/cluster'), getJson('/admin/rebalance')]);
    drawRing($('ring'), $('ring-legend'), cluster);
    renderNodes(document.querySelector('#nodes tbody'), cluster);
    showError($('cluster-problem'), cluster.configError || cluster.problem);
    renderMove({ box: $('move'), bar: $('move-bar'), text: $('move-text'), idle: $('move-idle') }, move);
    $('summary').textContent = summary(cluster);
    $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
    showError($('banner'), null);
  } catch (e) {
    const why = e instanceof ApiError ? e.describe() : String(e);
    showError($('banner'), `Cannot read the cluster's state: ${why}`);
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

$('token').value = token();
$('token').addEventListener('change', () => setToken($('token').value.trim()));

keyBrowser({
  form: $('search'),
  mode: $('search-mode'),
  text: $('search-text'),
  limit: $('search-limit'),
  searchError: $('search-error'),
  rows: document.querySelector('#keys tbody'),
  empty: $('keys-empty'),
  more: $('more'),
  editor: $('editor'),
  key: $('editor-key'),
  value: $('editor-value'),
  status: $('editor-status'),
  editorError: $('editor-error'),
  save: $('save'),
  remove: $('delete'),
  format: $('format'),
  newKey: $('new-key'),
});

poll();
