// The key browser: pages of keys by prefix or glob (GET /kv?prefix=|match=&limit=, "More" follows
// the cursor), and one key's value to view, edit (PUT /kv/{key}) or delete (DELETE /kv/{key}).
// Values are shown and sent as written: see rawjson.js.

import { ApiError, call, keyPath } from './api.js';
import { pretty, rawElements, rawMember } from './rawjson.js';

function show(element, message) {
  element.textContent = message || '';
  element.hidden = !message;
}

function describe(e) {
  return e instanceof ApiError ? e.describe() : String(e);
}

export function keyBrowser(els) {
  let query = null; // the search whose pages are listed
  let cursor = null;
  let openKey = null;

  function row(key, value) {
    const tr = document.createElement('tr');
    tr.dataset.key = key;
    const name = document.createElement('td');
    name.className = 'key';
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = key;
    button.addEventListener('click', () => open(key));
    name.append(button);
    const preview = document.createElement('td');
    preview.className = 'value';
    preview.textContent = value;
    preview.title = value;
    tr.append(name, preview);
    return tr;
  }

  function rowOf(key) {
    return [...els.rows.children].find((tr) => tr.dataset.key === key);
  }

  async function page() {
    const parameters = new URLSearchParams();
    parameters.set(query.mode, query.text);
    parameters.set('limit', query.limit);
    if (cursor) parameters.set('cursor', cursor);
    const text = await call('GET', `/kv?${parameters}`);
    for (const item of rawElements(rawMember(text, 'items') || '[]')) {
      els.rows.append(row(JSON.parse(rawMember(item, 'key')), rawMember(item, 'value')));
    }
    const next = rawMember(text, 'cursor');
    cursor = next === undefined ? null : JSON.parse(next);
    els.more.hidden = cursor === null;
    els.empty.hidden = els.rows.children.length > 0 || cursor !== null;
  }

  async function search() {
    query = { mode: els.mode.value, text: els.text.value, limit: els.limit.value || '20' };
    cursor = null;
    els.rows.replaceChildren();
    show(els.searchError, null);
    els.more.hidden = true;
    try {
      await page();
    } catch (e) {
      show(els.searchError, describe(e));
    }
  }

  async function more() {
    if (!query || cursor === null) return;
    els.more.disabled = true;
    try {
      await page();
    } catch (e) {
      show(els.searchError, describe(e));
    } finally {
      els.more.disabled = false;
    }
  }

  function select(key) {
    for (const tr of els.rows.children) tr.classList.toggle('selected', tr.dataset.key === key);
  }

  async function open(key) {
    openKey = key;
    select(key);
    els.editor.hidden = false;
    els.key.value = key;
    els.value.value = '';
    show(els.editorError, null);
    els.status.textContent = 'loading…';
    try {
      const text = await call('GET', keyPath(key));
      if (openKey !== key) return; // another key was opened meanwhile
      els.value.value = pretty(rawMember(text, 'value'));
      els.status.textContent = `version ${rawMember(text, 'version')}`;
    } catch (e) {
      els.status.textContent = '';
      show(els.editorError, describe(e));
    }
  }

  function newKey() {
    openKey = null;
    select(null);
    els.editor.hidden = false;
    els.key.value = '';
    els.value.value = '';
    els.status.textContent = 'a new key: type its name and its value (JSON)';
    show(els.editorError, null);
    els.key.focus();
  }

  async function save() {
    const key = els.key.value;
    const value = els.value.value;
    show(els.editorError, null);
    try {
      const text = await call('PUT', keyPath(key), value);
      openKey = key;
      const stored = rawMember(text, 'value');
      els.status.textContent = `saved, version ${rawMember(text, 'version')}`;
      const tr = rowOf(key);
      if (tr) {
        tr.querySelector('td.value').textContent = stored;
        tr.querySelector('td.value').title = stored;
      }
      select(key);
    } catch (e) {
      els.status.textContent = '';
      show(els.editorError, describe(e));
    }
  }

  async function remove() {
    const key = els.key.value;
    show(els.editorError, null);
    try {
      await call('DELETE', keyPath(key));
      const tr = rowOf(key);
      if (tr) tr.remove();
      els.status.textContent = 'deleted';
      openKey = null;
    } catch (e) {
      els.status.textContent = '';
      show(els.editorError, describe(e));
    }
  }

  function format() {
    show(els.editorError, null);
    try {
      JSON.parse(els.value.value); // only to say where it is not JSON; the text is kept as typed
      els.value.value = pretty(els.value.value);
    } catch (e) {
      show(els.editorError, `not JSON: ${e.message}`);
    }
  }

  els.form.addEventListener('submit', (event) => {
    event.preventDefault();
    search();
  });
  els.more.addEventListener('click', more);
  els.newKey.addEventListener('click', newKey);
  els.save.addEventListener('click', save);
  els.remove.addEventListener('click', remove);
  els.format.addEventListener('click', format);
}
