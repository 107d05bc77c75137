export { PaddleRecognizer, type PaddleFiles, type PaddleOptions, type PaddleStats } from './paddle-recognizer.ts';
export { keepConfidentText, type ConfidentText, type OcrBlock } from './words.ts';
