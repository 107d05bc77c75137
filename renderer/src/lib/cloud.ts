/**
 * The words the UI uses for who described a file, where it stands with the cloud AI model, and
 * what AI cost — one place, so the detail view, the badges and Settings say the same thing.
 */
import type { AnalyzerName, CloudStatus } from '../../../shared/api/schemas.ts';

/** "Described by …" for each analyzer. */
export function describedBy(analyzer: AnalyzerName): string {
  switch (analyzer) {
    case 'gemini': return 'Described by Gemini';
    case 'openai-chat': return 'Described by an OpenAI-compatible model';
    case 'offline': return 'Described offline by Trove\u2019s built-in models';
  }
}

export type CloudNoteTone = 'neutral' | 'info' | 'warning';

export interface CloudNote {
  text: string;
  tone: CloudNoteTone;
}

/**
 * What to tell the user about the file and the cloud model, or null when there is nothing to add
 * ("Described by Gemini" already says it; no cloud model configured is not news per file).
 */
export function cloudNote(status: CloudStatus | null, reason: string | null): CloudNote | null {
  // The server's reasons are whole sentences that name the model ("Gemini declined to describe this file: …").
  const why = sentence(reason);
  switch (status) {
    case null:
    case 'done':
    case 'not_configured':
      return null;
    case 'awaiting_budget':
      return { text: `Waiting for AI budget \u2014 described offline for now.${why ? ` ${why}` : ''} The cloud model describes it once budget is available again.`, tone: 'warning' };
    case 'kept_local':
      return { text: 'Kept on this device \u2014 no cloud AI model sees this file.', tone: 'info' };
    case 'blocked':
      return { text: `${why || 'The cloud AI model declined to describe this file.'} The offline description is shown.`, tone: 'warning' };
    case 'failed':
      return { text: `${why || 'The cloud AI model could not describe this file.'} The offline description is shown.`, tone: 'warning' };
  }
}

/** A reason as a sentence: trimmed, with its final full stop. */
function sentence(text: string | null): string {
  const t = text?.trim() ?? '';
  return t === '' || /[.!?]$/.test(t) ? t : `${t}.`;
}

export interface CloudBadgeInfo {
  kind: 'budget' | 'local';
  label: string;
  /** For tight places (grid cards). */
  short: string;
}

/** A badge for the states worth seeing in a list, or null. */
export function cloudBadge(status: CloudStatus | null, keepLocal: boolean): CloudBadgeInfo | null {
  if (status === 'awaiting_budget') return { kind: 'budget', label: 'Waiting for AI budget', short: 'Awaiting budget' };
  if (keepLocal || status === 'kept_local') return { kind: 'local', label: 'Kept on this device', short: 'On this device' };
  return null;
}

export { formatCount, formatUsd } from '../../../shared/format.ts';
