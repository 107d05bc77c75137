import type { GeminiAnalyzerOptions } from './gemini-analyzer.ts';
import type { OpenAIChatAnalyzerOptions } from './openai-chat-analyzer.ts';
import type { OpenAIEmbedderOptions } from './openai-embedder.ts';

export { GeminiAnalyzer } from './gemini-analyzer.ts';
export { OpenAIChatAnalyzer } from './openai-chat-analyzer.ts';
export { OpenAIEmbedder } from './openai-embedder.ts';
export { usageOf } from './errors.ts';
export type { GeminiAnalyzerOptions, OpenAIChatAnalyzerOptions, OpenAIEmbedderOptions };
