import { TroveError } from '../../shared/api/errors.ts';
import type { AnalyzerName, CloudStatus } from '../../shared/api/schemas.ts';
import type { FileType } from '../../shared/file-types.ts';
import { usageOf } from '../analysis/cloud/errors.ts';
import { embeddingText } from '../analysis/embedding-text.ts';
import { spread } from '../analysis/offline/content.ts';
import type { Analysis, AnalysisInput, Analyzer, CloudAnalyzer, ContentChunk, Embedder, ModelUsage } from '../analysis/types.ts';
import type { UsageRow } from '../db/usage-repo.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { UsageService } from './usage-service.ts';

export interface UnderstandingDeps {
  /** The built-in analyzer with every offline model: it always runs, and grounds the cloud model. */
  offline: Analyzer;
  /** The configured cloud model, if any. */
  cloud: CloudAnalyzer | undefined;
  /** The configured embedder (OpenAI in cloud mode, the offline model otherwise). */
  embedder: Embedder;
  /** The offline embedder, for files no paid model may see; the same object as `embedder` when that is offline. */
  localEmbedder: Embedder;
  usage: UsageService;
  metrics: Metrics;
  log: Logger;
}

export interface UnderstandContext {
  userId: string;
  uploadId: string;
  fileType: FileType;
  /** Asked right before anything leaves the machine, so a "keep on this device" sent late still counts. */
  keepLocal: () => Promise<boolean>;
  /** The last attempt the job will make: a cloud failure then keeps the offline description instead of failing the file. */
  lastAttempt: boolean;
}

export interface Understood {
  analysis: Analysis;
  analyzer: AnalyzerName;
  cloudStatus: CloudStatus;
  cloudReason: string | null;
  embedding: number[];
  embeddingModel: string;
  /** The file's pages or transcript segments; the first MAX_EMBEDDED_CHUNKS carry a vector in the file's space. */
  chunks: EmbeddedChunk[];
  /** Priced calls, written with the result in one transaction. */
  usage: UsageRow[];
}

export interface EmbeddedChunk extends ContentChunk {
  embedding: number[] | null;
}

/**
 * Parts of one file embedded besides the file itself, each one more text in the same embedding call.
 * Offline, a part costs ~75 ms on a busy 2-core machine (100 pages: 7.5 s beside 0.23 s for the file's
 * own vector), so a long document gets vectors for at most MAX_EMBEDDED_PAGES pages, spread evenly
 * over it (meaning reaches every part of it, at that grain); every page is still found by its words.
 * Transcript segments and frame labels are short, up to MAX_EMBEDDED_CHUNKS in all.
 */
export const MAX_EMBEDDED_CHUNKS = 100;
export const MAX_EMBEDDED_PAGES = 24;
/** What of a part goes to the embedder: a page's heading and opening lines, where its topic usually is. */
const CHUNK_EMBED_CHARS = 500;

/**
 * Decides who describes and embeds a file, and does it: the offline analysis always runs first (it
 * is the fallback and the cloud model's grounding); a cloud model describes the file unless the
 * upload asked to stay on this device, the owner's budget is spent, or none is configured. Files no
 * paid model may see are embedded by the offline embedder, in its own vector space, which search
 * queries beside the configured one.
 */
export class Understanding {
  private readonly paid: boolean;

  constructor(private readonly deps: UnderstandingDeps) {
    this.paid = deps.cloud !== undefined || deps.embedder !== deps.localEmbedder;
  }

  async understand(input: AnalysisInput, ctx: UnderstandContext, signal: AbortSignal, stage: (name: string) => void): Promise<Understood> {
    const { deps } = this;
    const grounding = await deps.offline.analyze(input, signal);
    const route = await this.route(ctx);
    // The pipeline's pages and the offline analysis's timed parts; a cloud description has neither.
    // A document whose text the file's own vector holds whole gains nothing from page vectors.
    const pagesBeyondFileVector = input.metadata.truncated === true;
    const chunks = [
      ...(input.chunks ?? []).map((c) => ({ ...c, embed: pagesBeyondFileVector })),
      ...(grounding.chunks ?? []).map((c) => ({ ...c, embed: true })),
    ];
    if (route.kind === 'local') {
      stage('embedding');
      const vector = await this.embed(deps.localEmbedder, grounding, input.filename, chunks, ctx, signal);
      return { analysis: grounding, analyzer: 'offline', cloudStatus: route.status, cloudReason: route.reason, ...vector };
    }
    let described: Pick<Understood, 'analysis' | 'analyzer' | 'cloudStatus' | 'cloudReason'> & { usage: UsageRow[] } = {
      analysis: grounding, analyzer: 'offline', cloudStatus: 'not_configured', cloudReason: null, usage: [],
    };
    if (deps.cloud) {
      stage('describing');
      described = await this.describe(deps.cloud, input, grounding, ctx, signal);
    }
    stage('embedding');
    const vector = await this.embed(deps.embedder, described.analysis, input.filename, chunks, ctx, signal);
    return { ...described, ...vector, usage: [...described.usage, ...vector.usage] };
  }

  private async route(ctx: UnderstandContext): Promise<{ kind: 'cloud' } | { kind: 'local'; status: CloudStatus; reason: string | null }> {
    if (await ctx.keepLocal()) return { kind: 'local', status: 'kept_local', reason: null };
    if (!this.paid) return { kind: 'cloud' };
    const allowance = await this.deps.usage.allowance(ctx.userId);
    if (allowance.ok) return { kind: 'cloud' };
    this.deps.metrics.budgetDeferred.inc();
    this.deps.log.info({ uploadId: ctx.uploadId }, 'AI budget spent: described offline until budget is available');
    return { kind: 'local', status: 'awaiting_budget', reason: allowance.reason };
  }

  private async describe(cloud: CloudAnalyzer, input: AnalysisInput, grounding: Analysis, ctx: UnderstandContext, signal: AbortSignal) {
    const priced = (usage: ModelUsage[]) => usage.map((u) => this.deps.usage.price({ ...this.usageContext(ctx), kind: 'analysis' }, u));
    try {
      const outcome = await cloud.describe(input, grounding, signal);
      if (outcome.kind === 'blocked') {
        this.deps.log.warn({ uploadId: ctx.uploadId, reason: outcome.reason }, 'the cloud model declined this file; the offline description stands');
        return { analysis: grounding, analyzer: 'offline' as const, cloudStatus: 'blocked' as const, cloudReason: outcome.reason, usage: priced(outcome.usage) };
      }
      return { analysis: outcome.analysis, analyzer: cloud.name, cloudStatus: 'done' as const, cloudReason: null, usage: priced(outcome.usage) };
    } catch (err) {
      // The job's own time-out or a shutdown: not the provider's failure.
      if (signal.aborted) throw err;
      const trove = err instanceof TroveError ? err : new TroveError('MODEL_UNAVAILABLE', `The cloud model failed: ${String(err)}`, undefined, { cause: err });
      this.deps.metrics.providerErrors.inc({ provider: cloud.name, code: trove.code });
      // A malformed or cut-off answer was billed all the same.
      const spent = priced(usageOf(err));
      // Waiting may help a 429 or an outage: the queue retries. On the last attempt, or for a refusal
      // that waiting cannot change (a rejected file, a wrong key), the offline description stands.
      if (trove.retryable && !ctx.lastAttempt) {
        await this.deps.usage.recordNow(spent);
        throw trove;
      }
      this.deps.log.warn({ uploadId: ctx.uploadId, code: trove.code, err: trove.message }, 'the cloud model could not describe this file; the offline description stands');
      return { analysis: grounding, analyzer: 'offline' as const, cloudStatus: 'failed' as const, cloudReason: trove.message, usage: spent };
    }
  }

  /** The file's vector and its parts' in one call, so a paid embedder batches them into one request. */
  private async embed(embedder: Embedder, analysis: Analysis, filename: string, chunks: (ContentChunk & { embed: boolean })[], ctx: UnderstandContext, signal: AbortSignal) {
    const usage: UsageRow[] = [];
    const wanted = chunks.filter((c) => c.embed);
    const pages = wanted.filter((c) => c.kind === 'page');
    const embedded = [...spread(pages, MAX_EMBEDDED_PAGES), ...wanted.filter((c) => c.kind !== 'page')].slice(0, MAX_EMBEDDED_CHUNKS);
    if (wanted.length > embedded.length) {
      this.deps.log.info({ uploadId: ctx.uploadId, parts: wanted.length, embedded: embedded.length },
        'Long file: only some of its parts are embedded for search by meaning; every part is still found by its words');
    }
    const texts = [embeddingText(filename, analysis.summary, analysis.extractedText, analysis.tags), ...embedded.map((c) => c.text.slice(0, CHUNK_EMBED_CHARS))];
    const vectors = await embedder.embed(texts, signal,
      (u) => usage.push(this.deps.usage.price({ ...this.usageContext(ctx), kind: 'embedding' }, u)));
    if (vectors.length !== texts.length || vectors.some((v) => v.length !== embedder.dimensions)) {
      throw new TroveError('MODEL_UNAVAILABLE', 'The embedding model returned a vector of the wrong size.');
    }
    const [embedding] = vectors as [number[], ...number[][]];
    const vectorOf = new Map(embedded.map((c, i) => [c, vectors[i + 1] ?? null]));
    return {
      embedding, embeddingModel: embedder.model, usage,
      chunks: chunks.map(({ embed: _, ...c }, i) => ({ ...c, embedding: vectorOf.get(chunks[i]!) ?? null })),
    };
  }

  private usageContext(ctx: UnderstandContext) {
    return { userId: ctx.userId, uploadId: ctx.uploadId, fileType: ctx.fileType };
  }
}
