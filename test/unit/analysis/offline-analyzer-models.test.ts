import { describe, it, expect } from 'vitest';
import { OfflineAnalyzer, type SceneCuesFn } from '../../../server/analysis/offline-analyzer.ts';
import type { Logger } from '../../../server/logger.ts';
import type {
  AnalysisInput, DetectedObject, NsfwClassifier, ObjectDetector, SpeechRecognizer, TextRecognizer,
} from '../../../server/analysis/types.ts';

// Fixed adapters that answer per picture path: they pin the wording and merging of what models find.
// The real adapters are exercised in offline-analyzer-real.test.ts.

function detector(byPath: Record<string, DetectedObject[]>): ObjectDetector {
  return { model: 'fixed', detect: (p) => Promise.resolve(byPath[p] ?? []), close: () => Promise.resolve() };
}
const nsfw = (score: number): NsfwClassifier => ({
  model: 'fixed', classify: () => Promise.resolve({ nsfw: score >= 0.5, score }), close: () => Promise.resolve(),
});
const ocr = (text: string, confidence = 0.9): TextRecognizer => ({
  model: 'fixed', recognize: () => Promise.resolve({ text, confidence }), close: () => Promise.resolve(),
});
const speech = (text: string | null): SpeechRecognizer => ({
  model: 'fixed', transcribe: () => Promise.resolve(text === null ? null : { text, confidence: 'low' as const }), close: () => Promise.resolve(),
});
const cues: SceneCuesFn = () => Promise.resolve({
  colours: [{ name: 'orange', share: 0.5 }, { name: 'blue', share: 0.3 }], brightness: 'normal', night: false,
});
const failing = (msg: string) => ({ model: 'broken', close: () => Promise.resolve(), detect: () => Promise.reject(new Error(msg)) });

function recordingLog(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const noop = () => undefined;
  return { warnings, info: noop, debug: noop, error: noop, warn: (_obj: object | string, msg?: string) => void warnings.push(msg ?? '') };
}

const photo: AnalysisInput = {
  fileType: 'image', filename: 'IMG_0001.jpg', mimeType: 'image/jpeg', imagePaths: ['/photo.jpg'],
  metadata: { width: 1280, height: 853, exif: { takenAt: '2019-07-14T19:32:10' } },
};

describe('OfflineAnalyzer with models', () => {
  it('describes a photo in readable sentences: kind, objects, colours, text', async () => {
    const analyzer = new OfflineAnalyzer({
      detector: detector({ '/photo.jpg': [{ label: 'person', score: 0.91 }, { label: 'dog', score: 0.8 }, { label: 'dog', score: 0.6 }, { label: 'cup', score: 0.35 }] }),
      nsfw: nsfw(0.02), ocr: ocr('Invoice 2024-118\nTotal 40 EUR'), sceneCues: cues,
    });
    const a = await analyzer.analyze(photo);
    expect(a.summary).toBe(
      "JPEG photo, 1280×853, medium landscape, taken on 14 July 2019 in the evening. Shows a person and a dog. May also show a cup. " +
      "Mostly orange and blue. Text: 'Invoice 2024-118 Total 40 EUR'.",
    );
    expect(a.tags).toEqual(expect.arrayContaining(['person', 'dog', 'orange', 'blue']));
    expect(a.tags).not.toContain('cup');
    expect(a.extractedText).toContain('Invoice 2024-118');
    expect(a.model).toBe('offline-v3');
    expect(a.metadata).toEqual({
      objects: [{ label: 'person', score: 0.91 }, { label: 'dog', score: 0.8 }, { label: 'cup', score: 0.35 }],
      colours: ['orange', 'blue'], brightness: 'normal', nsfw: { flagged: false, score: 0.02 },
      ocr: { confidence: 0.9, characters: 29 },
    });
  });

  it('keeps the NSFW verdict out of the summary and tags', async () => {
    const a = await new OfflineAnalyzer({ nsfw: nsfw(0.97) }).analyze(photo);
    expect(a.metadata?.nsfw).toEqual({ flagged: true, score: 0.97 });
    expect(`${a.summary} ${a.tags.join(' ')} ${a.extractedText}`).not.toMatch(/nsfw|explicit|porn|sexy|adult/i);
  });

  it('merges a video’s labels by how many frames show them and transcribes its sound', async () => {
    const frames = Array.from({ length: 9 }, (_, i) => `/f${i}.jpg`);
    const byPath: Record<string, DetectedObject[]> = {};
    // 6 of the 9 frames are analysed (f0, f1, f3, f4, f6, f7): the dog is in 4 of them, the person in 2.
    for (const f of ['/f0.jpg', '/f1.jpg', '/f3.jpg', '/f4.jpg']) byPath[f] = [{ label: 'dog', score: 0.7 }];
    for (const f of ['/f6.jpg', '/f7.jpg']) byPath[f] = [{ label: 'person', score: 0.9 }];
    byPath['/f8.jpg'] = [{ label: 'car', score: 0.99 }];
    const a = await new OfflineAnalyzer({ detector: detector(byPath), speech: speech('good boy come here') }).analyze({
      fileType: 'video', filename: 'VID_1.mp4', mimeType: 'video/mp4', imagePaths: frames, audioPath: '/a.wav',
      metadata: { durationSec: 60, hasAudio: true },
    });
    expect(a.summary).toContain('Shows a dog in 4 of 6 frames and a person in 2 of 6 frames.');
    expect(a.summary).not.toContain('car');
    expect(a.summary).toContain("Speech (low-confidence automatic transcript): 'good boy come here'.");
    expect(a.extractedText).toContain('good boy come here');
    expect(a.metadata?.objects).toEqual([{ label: 'dog', score: 0.7, frames: 4 }, { label: 'person', score: 0.9, frames: 2 }]);
    expect(a.metadata?.transcript).toEqual({ confidence: 'low', characters: 18 });
  });

  it('reads a scanned PDF’s pages with OCR and uses that as its text', async () => {
    const a = await new OfflineAnalyzer({ ocr: ocr('Region-based segmentation of coins') }).analyze({
      fileType: 'document', filename: 'scan.pdf', mimeType: 'application/pdf', text: '',
      metadata: { pageCount: 1, scanned: true }, imagePaths: ['/page1.png'],
    });
    expect(a.summary).toContain("Scanned; its text (read by OCR) begins: 'Region-based segmentation of coins'.");
    expect(a.summary).not.toContain('No text layer');
    expect(a.extractedText).toBe('Region-based segmentation of coins');
  });

  it('audio without a speech engine (null) keeps its tag description', async () => {
    const a = await new OfflineAnalyzer({ speech: speech(null) }).analyze({
      fileType: 'audio', filename: 'a.mp3', mimeType: 'audio/mpeg', audioPath: '/a.mp3', metadata: { durationSec: 5, tags: { title: 'Bell' } },
    });
    expect(a.summary).toBe("MP3 audio, 5 s (short clip): 'Bell'.");
    expect(a.metadata).toBeUndefined();
  });

  it('a failing model leaves only its own part out, and warns once', async () => {
    const log = recordingLog();
    const analyzer = new OfflineAnalyzer({ detector: failing('model files missing'), sceneCues: cues, log });
    const first = await analyzer.analyze(photo);
    const second = await analyzer.analyze(photo);
    expect(first.summary).toContain('Mostly orange and blue.');
    expect(second.summary).not.toContain('Shows');
    expect(log.warnings).toEqual(['offline analysis: object detection failed; files are indexed without it']);
  });

  it('names people from faces and person counts, and a drawing only when the NSFW model is sure of it', async () => {
    const withFace = (face: DetectedObject, drawing = 0.1) => new OfflineAnalyzer({
      detector: detector({ '/photo.jpg': [{ label: 'person', score: 0.9 }, face] }),
      nsfw: { model: 'fixed', classify: () => Promise.resolve({ nsfw: false, score: 0.01, drawing }), close: () => Promise.resolve() },
    }).analyze(photo);
    const portrait = await withFace({ label: 'face', score: 0.88, count: 1, share: 0.043 });
    expect(portrait.summary).toContain("A portrait: one person's face.");
    expect(portrait.summary).not.toMatch(/Shows a face|a face and/); // faces are people, not listed objects
    expect(portrait.tags).toEqual(expect.arrayContaining(['portrait', 'face', 'person']));
    expect(portrait.summary).not.toContain('drawing');

    const small = await withFace({ label: 'face', score: 0.77, count: 1, share: 0.02 });
    expect(small.summary).toContain("A person's face.");
    expect(small.tags).not.toContain('portrait');

    const group = await new OfflineAnalyzer({ detector: detector({ '/photo.jpg': [{ label: 'person', score: 0.8, count: 5 }, { label: 'face', score: 0.8, count: 2, share: 0.01 }] }) }).analyze(photo);
    expect(group.summary).toContain('A group of 5 people.');
    expect(group.tags).toEqual(expect.arrayContaining(['group', 'people']));

    const drawn = await withFace({ label: 'face', score: 0.8, count: 2, share: 0.05 }, 0.64);
    expect(drawn.summary).toContain('Two people.');
    expect(drawn.summary).toContain('Looks like a drawing, painting or illustration.');
    expect(drawn.tags).toEqual(expect.arrayContaining(['illustration', 'drawing']));
    expect((await withFace({ label: 'face', score: 0.8, count: 1, share: 0.05 }, 0.44)).tags).not.toContain('illustration');
  });

  it('stops when the job is aborted instead of carrying on without the models', async () => {
    const controller = new AbortController();
    const slow: ObjectDetector = {
      model: 'slow', close: () => Promise.resolve(),
      detect: (_p, signal) => new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')))),
    };
    const pending = new OfflineAnalyzer({ detector: slow }).analyze(photo, controller.signal);
    controller.abort(new Error('job timed out'));
    await expect(pending).rejects.toThrow('job timed out');
  });
});
