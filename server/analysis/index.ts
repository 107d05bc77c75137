export type { Analysis, AnalysisInput, Analyzer, Embedder } from './types.ts';
export { OfflineAnalyzer, filenameWords } from './offline-analyzer.ts';
export { OfflineEmbedder } from './offline-embedder.ts';
export { EmbedWorkerPool } from './embed-worker-pool.ts';
export type { EmbedderLogger, EmbedderStats, OfflineEmbedderOptions, TextModel } from './offline-embedder.ts';
export { HashEmbedder, hashEmbed } from './hash-embedder.ts';
