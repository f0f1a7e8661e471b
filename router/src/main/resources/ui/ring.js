// The ring as a donut: one group of arcs per node (<g class="ring-node" data-node=ID>), each arc
// as long as the node's share of the hash space (from GET /admin/cluster). A node that holds no
// share (one being drained) has a group with no arc.

const SVG = 'http://www.w3.org/2000/svg';
const PALETTE = ['#2f6fdf', '#e0803a', '#2aa876', '#c2416b', '#8a5cd1', '#c9a227', '#3aa6c4', '#7a8799'];
const OUTER = 112;
const INNER = 72;

/** The color of the node at `index` in the cluster's node list, the same in every panel. */
export function colorOf(index) {
  return PALETTE[index % PALETTE.length];
}

function element(name, attributes) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes || {})) e.setAttribute(k, v);
  return e;
}

function point(radius, turn) {
  const angle = turn * 2 * Math.PI - Math.PI / 2; // clockwise from the top
  return `${(radius * Math.cos(angle)).toFixed(3)} ${(radius * Math.sin(angle)).toFixed(3)}`;
}

/** A ring segment from `from` to `to`, in turns (at most half a turn). */
function arcPath(from, to) {
  return [
    `M ${point(OUTER, from)}`,
    `A ${OUTER} ${OUTER} 0 0 1 ${point(OUTER, to)}`,
    `L ${point(INNER, to)}`,
    `A ${INNER} ${INNER} 0 0 0 ${point(INNER, from)}`,
    'Z',
  ].join(' ');
}

export function percent(share) {
  return `${(100 * (share || 0)).toFixed(1)}%`;
}

export function drawRing(svg, legend, cluster) {
  const nodes = cluster.nodes || [];
  svg.replaceChildren(element('circle', { class: 'track', r: (OUTER + INNER) / 2 }));
  legend.replaceChildren();
  let start = 0;
  nodes.forEach((node, index) => {
    const share = Math.max(0, node.share || 0);
    const group = element('g', {
      class: `ring-node ${node.state === 'up' ? 'up' : 'down'}`,
      'data-node': node.id,
    });
    const title = element('title');
    title.textContent = `${node.id}: ${percent(share)} of the ring, ${node.state}`;
    group.append(title);
    // An arc of more than half a turn is drawn in two, so a lone node's whole circle shows too.
    const pieces = share > 0.5 ? 2 : share > 0 ? 1 : 0;
    for (let p = 0; p < pieces; p++) {
      const from = start + (share * p) / pieces;
      const to = start + (share * (p + 1)) / pieces;
      group.append(element('path', { class: 'arc', d: arcPath(from, to), fill: colorOf(index) }));
    }
    start += share;
    svg.append(group);

    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colorOf(index);
    item.append(swatch, `${node.id} ${percent(share)}`);
    legend.append(item);
  });
  const center = element('text', { class: 'center', y: -2 });
  center.textContent = `${nodes.length} node${nodes.length === 1 ? '' : 's'}`;
  const sub = element('text', { class: 'center-sub', y: 12 });
  sub.textContent = cluster.rebalancing
    ? 'keys moving'
    : `${cluster.virtualNodes || '?'} virtual nodes each`;
  svg.append(center, sub);
}
