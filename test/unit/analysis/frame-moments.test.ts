import { describe, expect, it } from 'vitest';
import { OfflineAnalyzer } from '../../../server/analysis/offline-analyzer.ts';
import type { AnalysisInput, DetectedObject, ObjectDetector, SpeechRecognizer } from '../../../server/analysis/types.ts';

// Fixed adapters that answer per picture path: they pin which parts of a clip carry a time.
function detector(byPath: Record<string, DetectedObject[]>): ObjectDetector {
  return { model: 'fixed', detect: (p) => Promise.resolve(byPath[p] ?? []), close: () => Promise.resolve() };
}
const speech: SpeechRecognizer = {
  model: 'fixed', close: () => Promise.resolve(),
  transcribe: () => Promise.resolve({ text: 'hello there the moon landing', confidence: 'low', segments: [
    { start_s: 1.2, end_s: 2.5, text: 'hello there' }, { start_s: 21, end_s: 23.4, text: 'the moon landing' },
  ] }),
};

const clip: AnalysisInput = {
  fileType: 'video', filename: 'clip.mp4', mimeType: 'video/mp4', metadata: { durationSec: 35, width: 640, height: 360 },
  imagePaths: ['/f0.jpg', '/f1.jpg', '/f2.jpg', '/f3.jpg'], frameTimes: [0, 10, 20, 30], audioPath: '/clip.wav',
};

describe('the timed parts of a clip', () => {
  it('keeps each transcript segment and each frame\'s sure labels with their times', async () => {
    const analyzer = new OfflineAnalyzer({
      speech,
      detector: detector({
        '/f1.jpg': [{ label: 'dog', score: 0.8 }, { label: 'cup', score: 0.3 }],
        '/f2.jpg': [{ label: 'dog', score: 0.7 }, { label: 'person', score: 0.9 }],
        '/f3.jpg': [{ label: 'cup', score: 0.2 }],
      }),
    });
    const a = await analyzer.analyze(clip);
    expect(a.chunks).toEqual([
      { kind: 'transcript', start_s: 1.2, end_s: 2.5, text: 'hello there' },
      { kind: 'transcript', start_s: 21, end_s: 23.4, text: 'the moon landing' },
      // Unsure labels (cup at 0.3 and 0.2) carry no time: a wrong moment is worse than none.
      { kind: 'frames', start_s: 10, end_s: 20, text: 'dog' },
      { kind: 'frames', start_s: 20, end_s: 30, text: 'dog, person' },
    ]);
  });

  it('a picture or a clip without frame times has no frame parts', async () => {
    const analyzer = new OfflineAnalyzer({ detector: detector({ '/f0.jpg': [{ label: 'dog', score: 0.9 }] }) });
    expect((await analyzer.analyze({ ...clip, frameTimes: undefined, audioPath: undefined })).chunks).toBeUndefined();
    expect((await analyzer.analyze({ fileType: 'image', filename: 'a.jpg', mimeType: 'image/jpeg', metadata: {}, imagePaths: ['/f0.jpg'] })).chunks).toBeUndefined();
  });
});
