import { cleanBlock, clip, oneLine } from '../offline/text.ts';
import type { Analysis, ModelUsage } from '../types.ts';
import { totalTokens } from './usage.ts';

/**
 * Reading a model's JSON answer defensively, and merging it with the grounding (the offline
 * analysis) into the Analysis that is stored: the model's words, the local facts' tags and text.
 */

export const MAX_SUMMARY_CHARS = 1000;
export const MAX_TAGS = 48;
const MAX_TAG_CHARS = 40;
const MAX_MEDIA_TEXT_CHARS = 4000;

export interface ModelAnswer {
  summary: string;
  tags: string[];
  textInMedia: string;
  nsfw: { flagged: boolean; score?: number } | undefined;
}

/**
 * Reads the model's answer, tolerating code fences, text around the object and wrong field types.
 * Returns undefined only when no JSON object with a usable summary can be found at all.
 */
export function parseAnswer(raw: string): ModelAnswer | undefined {
  const obj = firstJsonObject(raw);
  if (!obj) return undefined;
  const summary = typeof obj.summary === 'string' ? clip(oneLine(obj.summary), MAX_SUMMARY_CHARS) : '';
  if (summary === '') return undefined;
  const tagsRaw: unknown[] = Array.isArray(obj.tags) ? obj.tags : typeof obj.tags === 'string' ? obj.tags.split(',') : [];
  const textRaw = obj.text_in_media ?? obj.textInMedia;
  return {
    summary,
    tags: normaliseTags(tagsRaw),
    textInMedia: typeof textRaw === 'string' ? cleanBlock(textRaw).slice(0, MAX_MEDIA_TEXT_CHARS) : '',
    nsfw: readNsfw(obj.nsfw),
  };
}

/**
 * The Analysis the pipeline stores. The summary is the model's; tags are the model's followed by the
 * grounding's (which carry what a model cannot see: date taken, camera, format, file-name words);
 * the extracted text is the grounding's (document text, OCR, transcript) plus whatever new text the
 * model read, so keyword search finds the file whatever the model answered; the metadata is the
 * grounding's plus the model's NSFW judgement, which stays metadata, never a tag.
 */
export function toAnalysis(
  answer: ModelAnswer, grounding: Analysis, usage: readonly ModelUsage[],
  opts: { contentModeration: boolean; model: string; provider: string },
): Analysis {
  const analysis: Analysis = {
    summary: answer.summary,
    tags: normaliseTags([...answer.tags, ...grounding.tags]),
    extractedText: mergeTexts(grounding.extractedText, answer.textInMedia),
    tokenCount: totalTokens(usage),
    model: opts.model,
  };
  const metadata: Record<string, unknown> = { ...grounding.metadata };
  // The model's verdict replaces the offline classifier's (which misfires on close-up flowers).
  if (opts.contentModeration && answer.nsfw) metadata.nsfw = { ...answer.nsfw, by: opts.provider };
  if (Object.keys(metadata).length > 0) analysis.metadata = metadata;
  return analysis;
}

/** The grounding's text, then the lines of the model's text that it does not already hold. */
function mergeTexts(local: string, model: string): string {
  const base = cleanBlock(local);
  const known = normalised(base);
  const fresh = cleanBlock(model).split('\n').filter((line) => {
    const n = normalised(line);
    return n !== '' && !known.includes(n);
  });
  return [base, ...fresh].filter((t) => t !== '').join('\n');
}

const normalised = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();

export function normaliseTags(values: unknown[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string' || out.size >= MAX_TAGS) continue;
    const tag = oneLine(v).toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    if (tag !== '' && tag.length <= MAX_TAG_CHARS && !/^(nsfw|sfw)$/.test(tag)) out.add(tag);
  }
  return [...out];
}

function readNsfw(v: unknown): ModelAnswer['nsfw'] {
  if (typeof v === 'boolean') return { flagged: v };
  if (v === null || typeof v !== 'object') return undefined;
  const r = v as Record<string, unknown>;
  if (typeof r.flagged !== 'boolean') return undefined;
  const score = typeof r.score === 'number' && Number.isFinite(r.score) ? Math.min(1, Math.max(0, r.score)) : undefined;
  return score === undefined ? { flagged: r.flagged } : { flagged: r.flagged, score };
}

function firstJsonObject(raw: string): Record<string, unknown> | undefined {
  const text = raw.replace(/^\uFEFF/, '').trim();
  const candidates = [text];
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  if (fenced?.[1]) candidates.push(fenced[1]);
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start >= 0 && end > start) candidates.push(text.slice(start, end + 1));
  for (const c of candidates) {
    try {
      const parsed: unknown = JSON.parse(c);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      // Some models wrap the object in a one-element array.
      if (Array.isArray(parsed) && parsed[0] !== null && typeof parsed[0] === 'object') return parsed[0] as Record<string, unknown>;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}
