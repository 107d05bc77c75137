import type { CloudConfig } from '../../config-cloud.ts';
import type { Logger } from '../../logger.ts';
import type { Analyzer, Embedder } from '../types.ts';
import { GeminiAnalyzer, type GeminiAnalyzerOptions } from './gemini-analyzer.ts';
import { OpenAIChatAnalyzer, type OpenAIChatAnalyzerOptions } from './openai-chat-analyzer.ts';
import { OpenAIEmbedder, type OpenAIEmbedderOptions } from './openai-embedder.ts';

export { GeminiAnalyzer, OpenAIChatAnalyzer, OpenAIEmbedder };
export type { GeminiAnalyzerOptions, OpenAIChatAnalyzerOptions, OpenAIEmbedderOptions };

/** Knobs the configuration does not carry (timeouts, retries, batching); tests shorten them. */
export interface CloudAdapterTuning {
  gemini?: Partial<Omit<GeminiAnalyzerOptions, 'apiKey' | 'baseUrl' | 'model' | 'contentModeration' | 'log'>>;
  openaiChat?: Partial<Omit<OpenAIChatAnalyzerOptions, 'apiKey' | 'baseUrl' | 'model' | 'contentModeration' | 'log'>>;
  openaiEmbedder?: Partial<Omit<OpenAIEmbedderOptions, 'apiKey' | 'baseUrl' | 'model' | 'dimensions' | 'log'>>;
}

/**
 * The analyzer cloud configuration asks for: Gemini when GEMINI_API_KEY is set, else an
 * OpenAI-compatible chat model when OPENAI_ANALYSIS_MODEL is set (config-cloud.ts refuses both at
 * once), else undefined and the caller keeps the offline analyzer.
 */
export function createCloudAnalyzer(cloud: CloudConfig, log: Logger, tuning: CloudAdapterTuning = {}): Analyzer | undefined {
  if (cloud.gemini) {
    log.info({ model: cloud.gemini.model, baseUrl: cloud.gemini.baseUrl }, 'file analysis by Gemini');
    return new GeminiAnalyzer({
      ...tuning.gemini,
      apiKey: cloud.gemini.apiKey, baseUrl: cloud.gemini.baseUrl, model: cloud.gemini.model,
      contentModeration: cloud.contentModeration, log,
    });
  }
  if (cloud.openai?.analysisModel) {
    log.info({ model: cloud.openai.analysisModel, baseUrl: cloud.openai.baseUrl }, 'file analysis by an OpenAI-compatible chat model');
    return new OpenAIChatAnalyzer({
      ...tuning.openaiChat,
      apiKey: cloud.openai.apiKey, baseUrl: cloud.openai.baseUrl, model: cloud.openai.analysisModel,
      contentModeration: cloud.contentModeration, log,
    });
  }
  return undefined;
}

/** OpenAI (or compatible) embeddings when OPENAI_API_KEY is set; undefined keeps the offline embedder. */
export function createCloudEmbedder(cloud: CloudConfig, log: Logger, tuning: CloudAdapterTuning = {}): Embedder | undefined {
  if (!cloud.openai) return undefined;
  log.info({ model: cloud.openai.embeddingModel, dimensions: cloud.openai.dimensions, baseUrl: cloud.openai.baseUrl }, 'embeddings by OpenAI');
  return new OpenAIEmbedder({
    ...tuning.openaiEmbedder,
    apiKey: cloud.openai.apiKey, baseUrl: cloud.openai.baseUrl,
    model: cloud.openai.embeddingModel, dimensions: cloud.openai.dimensions, log,
  });
}
