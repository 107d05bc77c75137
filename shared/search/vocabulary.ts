import type { FileType } from '../file-types.ts';

/**
 * Words that name a kind of file. Plural nouns ("photos") always act as a filter; singular ones
 * ("photo") only when they do not modify the next word: "a video of the dog" asks for videos, a
 * "video game" or a "music festival" is a subject. `keep` puts a word back in the text, where the
 * kind alone would lose meaning (a screenshot is a picture of a screen).
 */
export interface TypeWord {
  types: FileType[];
  plural: boolean;
  keep?: string;
}

const plural = (types: FileType[], keep?: string): TypeWord => ({ types, plural: true, ...(keep ? { keep } : {}) });
const singular = (types: FileType[], keep?: string): TypeWord => ({ types, plural: false, ...(keep ? { keep } : {}) });

/** Multi-word names first: the longest match wins. Keys are lower case, words separated by one space. */
export const TYPE_WORDS: Readonly<Record<string, TypeWord>> = {
  'voice memos': plural(['audio']), 'voice memo': singular(['audio']),
  'voice notes': plural(['audio']), 'voice note': singular(['audio']),
  'voice recordings': plural(['audio']), 'voice recording': singular(['audio']),
  'audio recordings': plural(['audio']), 'audio files': plural(['audio']),
  'sound recordings': plural(['audio']),
  'video clips': plural(['video']), 'home videos': plural(['video']),
  'word documents': plural(['document']), 'word docs': plural(['document']),
  'text files': plural(['document']), 'text documents': plural(['document']),
  'screen recordings': plural(['video'], 'screen recording'),
  photos: plural(['image']), photo: singular(['image']),
  pictures: plural(['image']), picture: singular(['image']),
  pics: plural(['image']), pic: singular(['image']),
  images: plural(['image']), image: singular(['image']),
  snapshots: plural(['image']),
  screenshots: plural(['image'], 'screenshot'), screenshot: singular(['image'], 'screenshot'),
  selfies: plural(['image'], 'selfie'), selfie: singular(['image'], 'selfie'),
  videos: plural(['video']), video: singular(['video']),
  movies: plural(['video']), footage: singular(['video']),
  recordings: plural(['audio']), recording: singular(['audio']),
  songs: plural(['audio']), song: singular(['audio']),
  // "music" stays a word too: Trove hears which recordings are music (server/analysis/sound/), so it ranks them first.
  music: singular(['audio'], 'music'), audio: singular(['audio']),
  podcasts: plural(['audio'], 'podcast'), podcast: singular(['audio'], 'podcast'),
  documents: plural(['document']), document: singular(['document']),
  docs: plural(['document']),
};

/** The longest entry of TYPE_WORDS, in words. */
export const TYPE_WORDS_MAX_LENGTH = 2;

/**
 * English function words: never a subject on their own. Used to trim what is left around a filter
 * ("videos of the dog" → "dog"), to end a camera's or a place's name, and to notice a query of
 * common words only.
 */
export const FUNCTION_WORDS = new Set([
  'a', 'an', 'the', 'of', 'from', 'in', 'on', 'at', 'with', 'by', 'for', 'and', 'or', 'to', 'into', 'onto', 'about',
  'my', 'our', 'your', 'his', 'her', 'their', 'its', 'me', 'i', 'we', 'us', 'you', 'it', 'this', 'that', 'these', 'those',
  'all', 'any', 'some', 'every', 'which', 'who', 'what', 'where', 'when', 'were', 'was', 'is', 'are', 'be', 'been',
  'show', 'find', 'search', 'get', 'give', 'list', 'taken', 'shot', 'made', 'recorded', 'filmed', 'during', 'since',
  'before', 'after', 'until', 'till', 'between', 'than', 'then', 'there', 'here', 'just', 'only', 'also', 'not', 'no',
  'do', 'does', 'did', 'have', 'has', 'had', 'can', 'could', 'would', 'should', 'will', 'so', 'as', 'if', 'but',
  'file', 'files', 'earlier', 'later',
]);

/** Words after which a date is a date ("since March"), rather than a word of the subject ("March madness"). */
export const DATE_PREPOSITIONS = new Set(['in', 'on', 'from', 'since', 'before', 'after', 'during', 'until', 'till', 'through', 'of', 'by', 'around', 'last', 'this', 'past']);

/** Start of an open range at the date's beginning ("since 2019") or just after it ("after 2019"). */
export const FROM_WORDS = new Set(['since', 'starting']);
export const AFTER_WORDS = new Set(['after']);
/** End of an open range before the date ("before 2020") or at its end ("until 2020"). */
export const BEFORE_WORDS = new Set(['before']);
export const UNTIL_WORDS = new Set(['until', 'till', 'through', 'thru', 'by']);
/** Words that introduce a plain date ("photos from 2019" are photos of 2019): taken off with it. */
export const PLAIN_DATE_WORDS = new Set(['in', 'on', 'during', 'of', 'around', 'from', 'last', 'this']);

/** "taken with the Canon", "shot on my iPhone 12". */
export const CAMERA_LEAD_INS: readonly (readonly string[])[] = [
  ['taken', 'with'], ['taken', 'on'], ['taken', 'by'], ['shot', 'with'], ['shot', 'on'], ['photographed', 'with'],
  ['photographed', 'on'], ['filmed', 'with'], ['filmed', 'on'], ['recorded', 'with'], ['recorded', 'on'],
];
/** Skipped between a camera lead-in and the camera's name. */
export const CAMERA_ARTICLES = new Set(['the', 'my', 'a', 'an', 'our', 'his', 'her', 'their']);
/** The longest camera name taken from words: "Canon EOS 5D Mark IV". */
export const CAMERA_MAX_WORDS = 5;
/** The longest folder or collection name taken from words without a list of the user's own. */
export const PLACE_MAX_WORDS = 3;
