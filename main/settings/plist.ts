/**
 * A small, strict reader of XML property lists (what `plutil -convert xml1`
 * writes and configuration profiles are made of): dict, array, string,
 * integer, real, true and false. Anything else (data, date, a stray tag,
 * text outside an element) is refused with where it was, since a policy read
 * half-right is worse than one refused.
 */

export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

/** A property list that isn't one Strata can read, with why. */
export class PlistError extends Error {
  override name = 'PlistError';
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of an element with its character references replaced. */
function decodeText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g, (match, ref: string | undefined) => {
    if (ref === undefined) throw new PlistError('The property list has an “&” that starts no character reference.');
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    const entity = ENTITIES[ref];
    if (entity === undefined) throw new PlistError(`The property list uses &${ref};, which isn't an XML character reference.`);
    return entity;
  });
}

type Token = { kind: 'open' | 'close' | 'empty'; name: string; at: number } | { kind: 'text'; text: string; at: number };

/** Splits the document into tags and text, leaving out the prolog, comments and the DOCTYPE. */
function tokenize(xml: string): Token[] {
  const tokens: Token[] = [];
  const tag = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>|<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  let last = 0;
  for (let match = tag.exec(xml); match; match = tag.exec(xml)) {
    if (match.index > last) tokens.push({ kind: 'text', text: xml.slice(last, match.index), at: last });
    last = tag.lastIndex;
    const [, closing, name, , empty] = match;
    if (name === undefined) continue;
    tokens.push({ kind: closing ? 'close' : empty ? 'empty' : 'open', name, at: match.index });
  }
  if (last < xml.length) tokens.push({ kind: 'text', text: xml.slice(last), at: last });
  for (const token of tokens) {
    if (token.kind === 'text' && token.text.includes('<')) throw new PlistError(`The property list has a tag Strata can't read near character ${token.at}.`);
  }
  return tokens;
}

/** Parses an XML property list into plain values. */
export function parsePlist(xml: string): PlistValue {
  const tokens = tokenize(xml.replace(/^\uFEFF/, '')).filter((token) => token.kind !== 'text' || token.text.trim() !== '');
  let position = 0;
  const next = () => tokens[position++];
  const fail = (what: string, at?: number): never => {
    throw new PlistError(`The property list ${what}${at === undefined ? '' : ` near character ${at}`}.`);
  };

  const expectClose = (name: string) => {
    const token = next();
    if (token?.kind !== 'close' || token.name !== name) fail(`has <${name}> without its </${name}>`, token?.at);
  };
  /** The text inside an element whose opening tag was just read, up to its closing tag. */
  const textOf = (name: string): string => {
    const token = tokens[position];
    if (token?.kind === 'text') {
      position++;
      expectClose(name);
      return decodeText(token.text);
    }
    expectClose(name);
    return '';
  };

  const value = (): PlistValue => {
    const token = next();
    if (!token) return fail('ends before a value');
    if (token.kind === 'text') return fail('has text outside an element', token.at);
    if (token.kind === 'close') return fail(`has a </${token.name}> that closes nothing`, token.at);
    const empty = token.kind === 'empty';
    switch (token.name) {
      case 'true':
      case 'false':
        if (!empty) expectClose(token.name);
        return token.name === 'true';
      case 'string':
        return empty ? '' : textOf('string');
      case 'integer': {
        const text = empty ? '' : textOf('integer').trim();
        if (!/^[+-]?\d+$/.test(text)) fail(`has an <integer> that isn't a whole number (“${text}”)`, token.at);
        const number = Number(text);
        if (!Number.isSafeInteger(number)) fail(`has an <integer> too large to use (“${text}”)`, token.at);
        return number;
      }
      case 'real': {
        const text = empty ? '' : textOf('real').trim();
        const number = Number(text);
        if (text === '' || !Number.isFinite(number)) fail(`has a <real> that isn't a number (“${text}”)`, token.at);
        return number;
      }
      case 'array': {
        const items: PlistValue[] = [];
        if (empty) return items;
        while (tokens[position]?.kind !== 'close') items.push(value());
        expectClose('array');
        return items;
      }
      case 'dict': {
        const entries: Record<string, PlistValue> = Object.create(null) as Record<string, PlistValue>;
        if (empty) return { ...entries };
        while (tokens[position]?.kind !== 'close') {
          const key = next()!;
          if (key.kind !== 'open' || key.name !== 'key') fail('has a <dict> entry without its <key>', key.at);
          const name = textOf('key');
          if (Object.hasOwn(entries, name)) fail(`has the key “${name}” twice in one <dict>`, key.at);
          entries[name] = value();
        }
        expectClose('dict');
        return { ...entries };
      }
      default:
        return fail(`has a <${token.name}>, which Strata doesn't read`, token.at);
    }
  };

  const root = next();
  if (root?.kind !== 'open' || root.name !== 'plist') fail('does not start with <plist>', root?.at);
  const document = value();
  expectClose('plist');
  if (position < tokens.length) fail('goes on after </plist>', tokens[position]?.at);
  return document;
}
