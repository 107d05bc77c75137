// Which paid models describe and embed files, chosen from the configuration: the composition root's
// decision, so nothing below it knows which provider it talks to.
// The providers' SDKs (@google/genai, openai) load only when configured: ~0.3–1 s of CPU at every
// start of the embedded default otherwise, which never calls them.
import type { GeminiAnalyzerOptions, OpenAIChatAnalyzerOptions, OpenAIEmbedderOptions } from '../analysis/cloud/index.ts';
import type { CloudAnalyzer, Embedder } from '../analysis/types.ts';
import type { AiConfig } from '../config-ai.ts';
import type { CloudConfig } from '../config-cloud.ts';
import type { Logger } from '../logger.ts';

type Fixed = 'apiKey' | 'baseUrl' | 'model' | 'contentModeration' | 'log' | 'wholeVideoMaxBytes' | 'promptTextMaxTokens' | 'thinkingBudget';

/** Knobs the configuration does not carry (timeouts, retries, batching, picture sizes); tests shorten them. */
export interface CloudAdapterTuning {
  gemini?: Partial<Omit<GeminiAnalyzerOptions, Fixed>>;
  openaiChat?: Partial<Omit<OpenAIChatAnalyzerOptions, Fixed>>;
  openaiEmbedder?: Partial<Omit<OpenAIEmbedderOptions, 'apiKey' | 'baseUrl' | 'model' | 'dimensions' | 'log'>>;
}

/**
 * The cloud analyzer the configuration asks for: Gemini when GEMINI_API_KEY is set, else an
 * OpenAI-compatible chat model when OPENAI_ANALYSIS_MODEL is set (config-cloud.ts refuses both at
 * once), else undefined and files are described offline only. It always runs after the offline
 * analysis, which grounds its prompt.
 */
export async function createCloudAnalyzer(cloud: CloudConfig, ai: AiConfig, log: Logger, tuning: CloudAdapterTuning = {}): Promise<CloudAnalyzer | undefined> {
  const shared = { contentModeration: cloud.contentModeration, promptTextMaxTokens: ai.promptTextMaxTokens, log };
  if (cloud.gemini) {
    log.info({ model: cloud.gemini.model, baseUrl: cloud.gemini.baseUrl, wholeVideoMaxBytes: ai.wholeVideoMaxBytes }, 'file analysis by Gemini');
    const { GeminiAnalyzer } = await import('../analysis/cloud/gemini-analyzer.ts');
    return new GeminiAnalyzer({
      ...tuning.gemini, ...shared,
      apiKey: cloud.gemini.apiKey, baseUrl: cloud.gemini.baseUrl, model: cloud.gemini.model, wholeVideoMaxBytes: ai.wholeVideoMaxBytes,
      ...(ai.geminiThinkingBudget !== undefined ? { thinkingBudget: ai.geminiThinkingBudget } : {}),
    });
  }
  if (cloud.openai?.analysisModel) {
    log.info({ model: cloud.openai.analysisModel, baseUrl: cloud.openai.baseUrl }, 'file analysis by an OpenAI-compatible chat model');
    const { OpenAIChatAnalyzer } = await import('../analysis/cloud/openai-chat-analyzer.ts');
    return new OpenAIChatAnalyzer({
      ...tuning.openaiChat, ...shared,
      apiKey: cloud.openai.apiKey, baseUrl: cloud.openai.baseUrl, model: cloud.openai.analysisModel,
    });
  }
  return undefined;
}

/** OpenAI (or compatible) embeddings when OPENAI_API_KEY is set; undefined keeps the offline embedder. */
export async function createCloudEmbedder(cloud: CloudConfig, log: Logger, tuning: CloudAdapterTuning = {}): Promise<Embedder | undefined> {
  if (!cloud.openai) return undefined;
  log.info({ model: cloud.openai.embeddingModel, dimensions: cloud.openai.dimensions, baseUrl: cloud.openai.baseUrl }, 'embeddings by OpenAI');
  const { OpenAIEmbedder } = await import('../analysis/cloud/openai-embedder.ts');
  return new OpenAIEmbedder({
    ...tuning.openaiEmbedder,
    apiKey: cloud.openai.apiKey, baseUrl: cloud.openai.baseUrl,
    model: cloud.openai.embeddingModel, dimensions: cloud.openai.dimensions, log,
  });
}
