// Turns what the models found into summary sentences, tags, indexable text and metadata. The NSFW
// verdict goes into metadata only: never a tag, never a word of the summary.
import type { Findings, SeenObject } from './content.ts';
import type { Parts } from './metadata.ts';
import { heardNoSpeech, soundMetadata, soundSentence, soundTags } from './sound-words.ts';
import { clip, oneLine } from './text.ts';

/** Objects at or above this score are named plainly; below it (down to the detector's own floor) as "may also show". */
const SURE = 0.5;
const MAX_NAMED = 5;
const OCR_QUOTE_CHARS = 120;
/**
 * The NSFW model's "drawing" class at or above this names a picture a drawing or illustration.
 * Chosen on the dev pictures (eval/wide, 5 Dec): at 0.45, 3 of the 4 pictures above it are drawn
 * (Tux Paint stamps, a wallpaper with a logo; the fourth an abstract wallpaper); at 0.3, 6 of 11
 * (photos of a rocket, a cameraman and a ladybird crept in). Most drawings score lower — a cue, not a
 * classifier — so only the sure end is used.
 */
export const DRAWING_MIN = 0.45;
/** One face covering at least this share of the picture makes it a portrait (the dev portrait: 0.043). */
const PORTRAIT_SHARE = 0.03;
const SPEECH_QUOTE_CHARS = 160;

/** Sentences about what is seen, in reading order; they go right after the first (type) sentence. */
export function seenSentences(f: Findings, fileType: string): string[] {
  const out: string[] = [];
  // Faces are described as people, not listed as objects.
  const objects = f.objects.filter((o) => o.label !== 'face');
  const sure = objects.filter((o) => o.score >= SURE).slice(0, MAX_NAMED);
  const unsure = objects.filter((o) => o.score < SURE).slice(0, Math.max(0, MAX_NAMED - sure.length));
  if (fileType === 'video' && f.pictures > 1) {
    if (sure.length > 0) out.push(`Shows ${list(sure.map((o) => `${withArticle(o.label)} in ${o.frames ?? 1} of ${f.pictures} frames`))}.`);
    if (unsure.length > 0) out.push(`${sure.length > 0 ? 'May also show' : 'May show'} ${list(unsure.map((o) => withArticle(o.label)))}.`);
  } else {
    if (sure.length > 0) out.push(`Shows ${list(sure.map((o) => withArticle(o.label)))}.`);
    if (unsure.length > 0) out.push(`${sure.length > 0 ? 'May also show' : 'May show'} ${list(unsure.map((o) => withArticle(o.label)))}.`);
  }
  const people = peopleWords(f);
  if (people) out.push(people.sentence);
  if (drawn(f)) out.push('Looks like a drawing, painting or illustration.');
  if (f.colours.length > 0) {
    const light = f.brightness === 'dark' ? '; dark' : f.brightness === 'bright' ? '; bright' : '';
    out.push(`Mostly ${list(f.colours)}${light}.`);
  } else if (f.brightness === 'dark' || f.brightness === 'bright') {
    out.push(f.brightness === 'dark' ? 'Dark picture.' : 'Bright picture.');
  }
  if (f.night) out.push('Looks like a night shot.');
  // A scan's OCR text is the document's own text; the document sentence quotes it instead.
  if (f.ocr && fileType !== 'document') out.push(`Text: '${clip(oneLine(f.ocr.text), OCR_QUOTE_CHARS)}'.`);
  // "Sounds like speech" only where no transcript says so already.
  const heard = f.sound && !(f.sound.kind === 'speech' && f.transcript) ? soundSentence(f.sound, fileType) : undefined;
  if (heard) out.push(heard);
  return out;
}

/** Adds findings to the parts (tags, indexable text); returns the metadata to store with the file. */
export function addFindings(f: Findings, fileType: string, parts: Parts): Record<string, unknown> {
  for (const o of f.objects) if (o.score >= SURE) parts.tags.add(o.label);
  parts.tags.add(...(peopleWords(f)?.tags ?? []));
  if (drawn(f)) parts.tags.add('illustration', 'drawing');
  parts.tags.add(...f.colours);
  if (f.brightness === 'dark' || f.brightness === 'bright') parts.tags.add(f.brightness);
  if (f.night) parts.tags.add('night');
  if (f.ocr && fileType !== 'document') parts.texts.push(f.ocr.text);
  if (f.sound) parts.tags.add(...soundTags(f.sound));
  if (f.transcript) {
    // Music, tones and noise make the recogniser hear words that were never said: the words stay
    // searchable (the classifier may be wrong), but are not presented as speech.
    if (!heardNoSpeech(f.sound)) parts.sentences.push(`Speech (${f.transcript.confidence}-confidence automatic transcript): '${clip(oneLine(f.transcript.text), SPEECH_QUOTE_CHARS)}'.`);
    parts.texts.push(f.transcript.text);
    if (!heardNoSpeech(f.sound)) parts.tags.add('speech');
  }
  return {
    ...(f.objects.length > 0 ? { objects: f.objects.map((o): SeenObject => ({ ...o })) } : {}),
    ...(f.colours.length > 0 ? { colours: f.colours } : {}),
    ...(f.brightness ? { brightness: f.brightness } : {}),
    ...(f.nsfw ? { nsfw: f.nsfw } : {}),
    ...(f.ocr ? { ocr: { confidence: f.ocr.confidence, characters: f.ocr.text.length } } : {}),
    ...(f.sound ? { sound: soundMetadata(f.sound) } : {}),
    ...(f.transcript ? { transcript: { confidence: f.transcript.confidence, characters: f.transcript.text.length } } : {}),
  };
}

/** Faces (the face detector) and people (the object detector) as words: a portrait, two people, a group. */
function peopleWords(f: Findings): { sentence: string; tags: string[] } | undefined {
  const face = f.objects.find((o) => o.label === 'face');
  const person = f.objects.find((o) => o.label === 'person' && o.score >= SURE);
  const faces = face ? face.count ?? 1 : 0;
  const people = Math.max(faces, person?.count ?? (person ? 1 : 0));
  if (people >= 3) return { sentence: `A group of ${people} people.`, tags: ['group', 'people'] };
  if (people === 2) return { sentence: 'Two people.', tags: ['people', 'couple'] };
  if (faces === 1 && (face?.share ?? 0) >= PORTRAIT_SHARE) return { sentence: "A portrait: one person's face.", tags: ['portrait', 'face'] };
  if (faces === 1) return { sentence: "A person's face.", tags: ['face'] };
  return undefined;
}

function drawn(f: Findings): boolean {
  return (f.nsfw?.drawing ?? 0) >= DRAWING_MIN;
}

function withArticle(label: string): string {
  return `${/^[aeiou]/i.test(label) ? 'an' : 'a'} ${label}`;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
