// Reads the API's JSON text where exactness matters, without JSON.parse: values come back exactly
// as stored (a number keeps its spelling: 12345678901234567890123 or 1.10), and JSON.parse would
// round or respell them, so an edit would change what it did not touch. Input is valid JSON (the
// router's own answers, or text the user typed that the API then checks).

const SPACE = ' \t\r\n';

function skipSpace(text, i) {
  while (i < text.length && SPACE.includes(text[i])) i++;
  return i;
}

function endOfString(text, i) {
  for (i++; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  throw new SyntaxError('unterminated string');
}

function endOfValue(text, i) {
  const c = text[i];
  if (c === '"') return endOfString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (; i < text.length; i++) {
      const d = text[i];
      if (d === '"') i = endOfString(text, i) - 1;
      else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    throw new SyntaxError('unterminated ' + (c === '{' ? 'object' : 'array'));
  }
  while (i < text.length && !',}]'.includes(text[i]) && !SPACE.includes(text[i])) i++;
  return i;
}

/** The text of member `name` of the object `text`, as written; undefined when absent. */
export function rawMember(text, name) {
  let i = skipSpace(text, 0);
  if (text[i] !== '{') return undefined;
  i = skipSpace(text, i + 1);
  while (i < text.length && text[i] !== '}') {
    const nameEnd = endOfString(text, i);
    const member = JSON.parse(text.slice(i, nameEnd));
    i = skipSpace(text, skipSpace(text, nameEnd) + 1); // past the ':'
    const valueEnd = endOfValue(text, i);
    if (member === name) return text.slice(i, valueEnd);
    i = skipSpace(text, valueEnd);
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return undefined;
}

/** The elements of the array `text`, each as written. */
export function rawElements(text) {
  const elements = [];
  let i = skipSpace(text, 0);
  if (text[i] !== '[') return elements;
  i = skipSpace(text, i + 1);
  while (i < text.length && text[i] !== ']') {
    const end = endOfValue(text, i);
    elements.push(text.slice(i, end));
    i = skipSpace(text, end);
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return elements;
}

/** `text` indented two spaces a level, every string and number kept exactly as written. */
export function pretty(text) {
  let out = '';
  let depth = 0;
  const newline = () => '\n' + '  '.repeat(depth);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = endOfString(text, i);
      out += text.slice(i, end);
      i = end - 1;
    } else if (c === '{' || c === '[') {
      const next = skipSpace(text, i + 1);
      if (text[next] === (c === '{' ? '}' : ']')) {
        out += c + text[next];
        i = next;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') {
      out += ',' + newline();
    } else if (c === ':') {
      out += ': ';
    } else if (!SPACE.includes(c)) {
      out += c;
    }
  }
  return out;
}
