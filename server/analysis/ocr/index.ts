export { PaddleRecognizer, type PaddleOptions, type PaddleStats } from './paddle-recognizer.ts';
export type { PaddleFiles } from './paddle-engine.ts';
export { keepConfidentText, type ConfidentText, type OcrBlock } from './words.ts';
