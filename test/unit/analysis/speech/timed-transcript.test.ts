import { describe, expect, it } from 'vitest';
import { parseTimedOutput } from '../../../../server/analysis/speech/pocketsphinx.ts';

// What `pocketsphinx_continuous -time yes` printed for two sentences four seconds apart (Debian 12).
const OUTPUT = `we got all these truths
<s> 0.000 0.030 1.000000
we 0.040 0.150 0.999800
got 0.160 0.330 0.790312
<sil> 0.850 0.890 0.999800
all 0.340 0.520 0.310666
these 0.530 0.840 0.305857
truths 0.900 1.360 0.001872
</s> 2.470 3.070 1.000000
the rock it is randy
<s> 5.880 5.980 1.000200
the 5.990 6.140 0.686298
[NOISE] 6.140 6.150 0.5
rock 6.150 6.360 0.208007
an(2) 6.370 6.520 0.337488
is 6.530 6.680 0.740496
randy 6.690 7.040 0.268756
</s> 7.050 7.420 1.000000
`;

describe('parseTimedOutput', () => {
  it('keeps the utterances as the text and each one as a timed segment, without markers', () => {
    const { text, segments } = parseTimedOutput(OUTPUT);
    expect(text).toBe('we got all these truths the rock it is randy');
    expect(segments).toEqual([
      { start_s: 0.04, end_s: 1.36, text: 'we got all these truths' },
      { start_s: 5.99, end_s: 7.04, text: 'the rock an is randy' },
    ]);
  });

  it('cuts a long utterance into segments of at most about 15 s', () => {
    const words = Array.from({ length: 40 }, (_, i) => `word ${i.toFixed(3)} ${(i + 0.5).toFixed(3)} 0.9`);
    const { segments } = parseTimedOutput(['one long utterance', '<s> 0.000 0.010 1.0', ...words, '</s> 40.0 40.5 1.0'].join('\n'));
    expect(segments.length).toBe(3);
    for (const seg of segments) expect(seg.end_s - seg.start_s).toBeLessThanOrEqual(15);
    expect(segments[1]!.start_s).toBe(15);
  });

  it('prints without times give the text and no segments', () => {
    expect(parseTimedOutput('hello world\nsecond line\n')).toEqual({ text: 'hello world second line', segments: [] });
  });
});
