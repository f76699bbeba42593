// A strict parser for the part of TOML that oauth2_proxy.cfg uses: `key = value` lines at the top level, where a
// value is a basic string ("…", TOML escapes only), a literal string ('…'), a boolean, an integer or an array of
// those (over several lines, trailing comma allowed); comments with #. Anything else (tables, dotted keys,
// floats, dates, inline tables, a duplicate key, an escape TOML does not have, text after a value) is an error
// naming the line, so a test using it fails where oauth2-proxy's TOML reader would refuse the file.

export type TomlValue = string | boolean | number | TomlValue[];

export function parseToml(text: string): Record<string, TomlValue> {
  const out: Record<string, TomlValue> = {};
  let i = 0;
  const line = () => text.slice(0, i).split('\n').length;
  const fail = (msg: string): never => {
    throw new Error(`oauth2_proxy.cfg:${line()}: ${msg}`);
  };
  const skipSpace = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  const skipComment = () => {
    if (text[i] === '#') while (i < text.length && text[i] !== '\n') i++;
  };
  /** Whitespace, newlines and comments (inside arrays and between key lines). */
  const skipAll = () => {
    for (;;) {
      skipSpace();
      skipComment();
      if (text[i] === '\n' || text[i] === '\r') i++;
      else return;
    }
  };
  const basicString = (): string => {
    i++; // "
    let s = '';
    for (;;) {
      const c = text[i];
      if (c === undefined || c === '\n') fail('unterminated string');
      if (c === '"') {
        i++;
        return s;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };
        if (e !== undefined && e in simple) {
          s += simple[e];
          i += 2;
        } else if (e === 'u' || e === 'U') {
          const n = e === 'u' ? 4 : 8;
          const hex = text.slice(i + 2, i + 2 + n);
          if (!new RegExp(`^[0-9A-Fa-f]{${n}}$`).test(hex)) fail(`bad \\${e} escape`);
          s += String.fromCodePoint(parseInt(hex, 16));
          i += 2 + n;
        } else fail(`invalid escape \\${e ?? ''} in a basic string`);
      } else {
        if (/[\x00-\x08\x0A-\x1F\x7F]/.test(c!)) fail('control character in a string');
        s += c;
        i++;
      }
    }
  };
  const value = (): TomlValue => {
    const c = text[i];
    if (c === '"') {
      if (text.startsWith('"""', i)) fail('multi-line strings are not expected here');
      return basicString();
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const nl = text.indexOf('\n', i + 1);
      if (end < 0 || (nl >= 0 && nl < end)) fail('unterminated literal string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    if (c === '[') {
      i++;
      const arr: TomlValue[] = [];
      for (;;) {
        skipAll();
        if (text[i] === ']') {
          i++;
          return arr;
        }
        arr.push(value());
        skipAll();
        if (text[i] === ',') i++;
        else if (text[i] !== ']') fail(`expected , or ] in an array, got ${JSON.stringify(text[i] ?? 'end of file')}`);
      }
    }
    const word = /^(true|false|[+-]?(0|[1-9](_?[0-9])*))(?=[\s,\]#]|$)/.exec(text.slice(i));
    if (!word) fail(`not a TOML string, boolean, integer or array: ${JSON.stringify(text.slice(i, text.indexOf('\n', i) < 0 ? undefined : text.indexOf('\n', i)))}`);
    i += word![0].length;
    if (word![0] === 'true') return true;
    if (word![0] === 'false') return false;
    return Number(word![0].replace(/_/g, ''));
  };
  for (;;) {
    skipAll();
    if (i >= text.length) return out;
    if (text[i] === '[') fail('tables are not expected in oauth2_proxy.cfg');
    const key = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
    if (!key) fail(`expected a key, got ${JSON.stringify(text[i])}`);
    i += key![0].length;
    skipSpace();
    if (text[i] !== '=') fail(`expected = after ${key![0]} (dotted or quoted keys are not expected)`);
    i++;
    skipSpace();
    if (Object.prototype.hasOwnProperty.call(out, key![0])) fail(`duplicate key ${key![0]}`);
    out[key![0]] = value();
    skipSpace();
    skipComment();
    if (i < text.length && text[i] !== '\n' && text[i] !== '\r') fail(`unexpected text after the value of ${key![0]}`);
  }
}

/**
 * What oauth2-proxy v7 makes of a cookie secret (pkg/encryption SecretBytes): the URL-safe base64 decoding when the
 * text decodes (padding trimmed) to 16, 24 or 32 bytes, else the raw bytes. It accepts the secret only when the
 * result is 16, 24 or 32 bytes long (AES-128/192/256).
 */
export function cookieSecretBytes(secret: string): number {
  const trimmed = secret.replace(/=+$/, '');
  if (/^[A-Za-z0-9_-]*$/.test(trimmed) && trimmed.length % 4 !== 1) {
    const n = Buffer.from(trimmed, 'base64url').length;
    if (n === 16 || n === 24 || n === 32) return n;
  }
  return Buffer.byteLength(secret, 'utf8');
}
