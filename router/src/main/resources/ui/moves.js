// The move of keys between nodes (GET /admin/rebalance): a progress bar while keys move, from
// progress.keysMoved of progress.keysToMoveEstimate, with the pace and the time left.

import { formatBytes, formatCount } from './nodes.js';

const ACTIVE = ['starting', 'moving', 'waiting'];

function timeLeft(s) {
  if (s === undefined || s === null || s < 0) return ''; // no pace yet
  return s < 90 ? `, about ${s} s left` : `, about ${Math.round(s / 60)} min left`;
}

export function renderMove(elements, status) {
  const { box, bar, text, idle } = elements;
  const phase = status.phase || 'idle';
  const progress = status.progress;
  const shown = ACTIVE.includes(phase) || (phase === 'done' && progress);
  box.hidden = !shown;
  idle.hidden = shown;
  box.className = phase;
  box.dataset.phase = phase;
  if (!shown) {
    idle.textContent = status.problem ? `Waiting: ${status.problem}` : 'No keys are moving.';
    return;
  }
  const moved = progress ? progress.keysMoved : 0;
  const estimate = progress ? progress.keysToMoveEstimate : 0;
  let fraction = estimate > 0 ? Math.min(1, moved / estimate) : 0;
  if (phase === 'done') fraction = 1;
  bar.style.width = `${(100 * fraction).toFixed(1)}%`;
  bar.parentElement.setAttribute('aria-valuenow', String(Math.round(100 * fraction)));
  const share = status.movedShare === undefined ? '' : `, ${(100 * status.movedShare).toFixed(1)}% of the ring`;
  if (phase === 'starting') {
    text.textContent = `Starting a move${share}: counting the keys to move…`;
  } else if (phase === 'done') {
    text.textContent = `Last move done: ${formatCount(moved)} keys (${formatBytes(progress.bytesMoved)}) moved.`;
  } else {
    const why = status.problem || (progress && progress.lastError);
    text.textContent =
      (phase === 'waiting' ? `Waiting${why ? ` (${why})` : ''}: ` : 'Moving: ') +
      `${formatCount(moved)} of ~${formatCount(estimate)} keys (${formatBytes(progress ? progress.bytesMoved : 0)})${share}` +
      (progress ? `, ${formatCount(progress.keysPerSecond)} keys/s${timeLeft(progress.etaSeconds)}` : '');
  }
}
