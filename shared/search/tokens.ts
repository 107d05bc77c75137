/**
 * A search query cut into what a person typed: words, "quoted phrases", -exclusions (a word or a
 * quoted phrase) and `key:value` operators (`type:pdf`, `camera:"Canon EOS"`, `after:2019`).
 */
export type Token =
  | { kind: 'word'; raw: string; core: string; lower: string }
  | { kind: 'phrase'; value: string }
  | { kind: 'exclude'; value: string }
  | { kind: 'operator'; key: OperatorKey; value: string; raw: string };

export const OPERATOR_KEYS = {
  type: 'type', is: 'type', kind: 'type', format: 'type',
  camera: 'camera', cam: 'camera',
  folder: 'folder', in: 'folder',
  collection: 'collection', album: 'collection',
  tag: 'tag', tags: 'tag',
  from: 'from', since: 'from', after: 'after', before: 'before', to: 'to', until: 'to', on: 'on', date: 'on', year: 'on',
} as const;
export type OperatorKey = (typeof OPERATOR_KEYS)[keyof typeof OPERATOR_KEYS];

const operatorOf = (key: string): OperatorKey | undefined =>
  Object.hasOwn(OPERATOR_KEYS, key) ? OPERATOR_KEYS[key as keyof typeof OPERATOR_KEYS] : undefined;

/** Letters and digits of any script, and emoji (🐶 means dog); everything else at a word's ends is punctuation. */
const EDGE_PUNCTUATION = /^[^\p{L}\p{N}\p{Extended_Pictographic}]+|[^\p{L}\p{N}\p{Extended_Pictographic}]+$/gu;
export const coreOf = (raw: string): string => raw.replace(EDGE_PUNCTUATION, '');

/** Whitespace inside a phrase or a name, collapsed. */
const squeeze = (s: string): string => s.replace(/\s+/g, ' ').trim();

// Alternatives, in order: key:"quoted value", -"quoted phrase" or "quoted phrase" (an unclosed
// quote runs to the end), any other run of non-space characters.
const TOKEN = /([\p{L}]+):"([^"]*)"?|(-?)"([^"]*)"?|(\S+)/gu;

export function tokenize(query: string): Token[] {
  // Typographic double quotes (what phones and word processors type) count as straight ones.
  const text = query.replace(/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"');
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const [whole, opKey, opValue, minus, quoted, bare] = m;
    if (opKey !== undefined) {
      const key = operatorOf(opKey.toLowerCase());
      const value = squeeze(opValue ?? '');
      if (key && value) tokens.push({ kind: 'operator', key, value, raw: whole });
      else if (value) tokens.push({ kind: 'phrase', value });
      continue;
    }
    if (quoted !== undefined) {
      const value = squeeze(quoted);
      if (value) tokens.push(minus ? { kind: 'exclude', value } : { kind: 'phrase', value });
      continue;
    }
    if (bare === undefined) continue;
    tokens.push(bareToken(bare));
  }
  return tokens;
}

function bareToken(raw: string): Token {
  if (raw.length > 1 && raw.startsWith('-')) {
    const value = coreOf(raw.slice(1));
    // "-draft" excludes; "-" alone, "--" or "->" are punctuation.
    if (value && /^[\p{L}\p{N}]/u.test(raw.slice(1))) return { kind: 'exclude', value };
  }
  const colon = raw.indexOf(':');
  if (colon > 0 && colon < raw.length - 1) {
    const key = operatorOf(raw.slice(0, colon).toLowerCase());
    const value = raw.slice(colon + 1);
    if (key && coreOf(value)) return { kind: 'operator', key, value, raw };
  }
  const core = coreOf(raw);
  return { kind: 'word', raw, core, lower: core.toLowerCase() };
}
