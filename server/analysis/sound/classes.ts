/** What the signal classifier tells apart; silence is a loudness rule, not a class it was fitted on. */
export const SOUND_CLASSES = ['speech', 'musical', 'noise'] as const;
export type SoundClass = (typeof SOUND_CLASSES)[number];

/** Only the opening of a recording is analysed: enough to hear what it is, bounded in time. */
export const SOUND_ANALYSIS_SECONDS = 120;
