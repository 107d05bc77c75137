export interface DocumentText {
  text: string;
  pageCount?: number;
  title?: string;
  author?: string;
  /** True when `text` is not the whole document (page or character limit reached). */
  truncated: boolean;
}

export const DEFAULT_MAX_CHARS = 10_000;

/** Cuts to `maxChars` without leaving half of a surrogate pair (an emoji) at the end. */
export function clipText(text: string, maxChars: number): { text: string; clipped: boolean } {
  if (text.length <= maxChars) return { text, clipped: false };
  let end = maxChars;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { text: text.slice(0, end), clipped: true };
}
