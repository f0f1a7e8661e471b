// The node table: one row per node of GET /admin/cluster (<tr data-node=ID>), with its state,
// share of the ring, keys, bytes on disk and value-cache hit ratio.

import { colorOf, percent } from './ring.js';

export function formatBytes(bytes) {
  if (bytes === undefined || bytes === null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatCount(n) {
  return n === undefined || n === null ? '–' : Number(n).toLocaleString('en-US');
}

function cell(text, className) {
  const td = document.createElement('td');
  if (className) td.className = className;
  td.textContent = text;
  return td;
}

export function renderNodes(tbody, cluster) {
  const rows = (cluster.nodes || []).map((node, index) => {
    const tr = document.createElement('tr');
    tr.dataset.node = node.id;
    const name = document.createElement('td');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colorOf(index);
    name.append(swatch, ` ${node.id}`);
    name.title = node.url;
    const up = node.state === 'up';
    const state = cell(node.draining ? `${node.state}, draining` : node.state, 'state');
    state.classList.add(node.draining ? 'draining' : up ? 'up' : 'down');
    tr.append(
      name,
      state,
      cell(percent(node.share), 'num'),
      cell(up ? formatCount(node.keys) : '–', 'num keys'),
      cell(up ? formatBytes(node.diskBytes) : '–', 'num disk'),
      cell(up ? percent(node.cacheHitRatio) : '–', 'num hit'),
      cell(node.lastError || '', 'last-error'),
    );
    return tr;
  });
  tbody.replaceChildren(...rows);
}
