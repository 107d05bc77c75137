/** One line as the recogniser read it: its characters and how sure it was of them (0..1). */
export interface ReadLine {
  text: string;
  confidence: number;
}

/**
 * Greedy CTC decoding of a recogniser's output for one line: at each time step take the most likely
 * class (the values are softmax probabilities); class 0 is CTC's blank, and a class repeated in consecutive steps is one character (a real
 * double letter has a blank between its two steps). `probabilities` holds `steps` rows of
 * `classes` softmax values; class k ≥ 1 is `alphabet[k - 1]`. The confidence is the mean of the
 * kept characters' probabilities (PaddleOCR's rec score), 0 for an empty line.
 */
export function decodeCtc(probabilities: Float32Array, offset: number, steps: number, classes: number, alphabet: readonly string[]): ReadLine {
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = offset + t * classes;
    let best = 0;
    let bestP = probabilities[row]!;
    // Softmax values sum to 1, so one above 0.5 is the largest: most steps (blanks, clear letters)
    // stop there instead of reading all 6,625 classes, which kept the event loop busy for a second
    // on a page of text.
    for (let k = 1; k < classes && bestP <= 0.5; k++) {
      const p = probabilities[row + k]!;
      if (p > bestP) {
        bestP = p;
        best = k;
      }
    }
    if (best !== 0 && best !== previous) {
      text += alphabet[best - 1] ?? '';
      sum += bestP;
      kept++;
    }
    previous = best;
  }
  return { text, confidence: kept ? sum / kept : 0 };
}

/**
 * PaddleOCR's character list: one character per line of its keys file, then the space it appends
 * (use_space_char). Lines keep their content as is; only the line breaks are dropped.
 */
export function parseAlphabet(keysFile: string): string[] {
  const lines = keysFile.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return [...lines, ' '];
}
