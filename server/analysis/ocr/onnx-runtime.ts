/** A loaded ONNX model with one float input and one float output. */
export interface OnnxSession {
  run(input: Float32Array, dims: readonly number[]): Promise<{ data: Float32Array; dims: readonly number[] }>;
  release(): Promise<void>;
}

export interface OnnxRuntime {
  open(modelPath: string, threads: number): Promise<OnnxSession>;
}

/**
 * onnxruntime-node behind the one call the OCR needs. It is imported on first use: its native
 * library is ~20 MB to map, which a server that never reads a picture should not pay at start-up.
 * `run` executes on onnxruntime's own threads, so the event loop is free while a model runs.
 */
export async function loadOnnxRuntime(): Promise<OnnxRuntime> {
  const ort = await import('onnxruntime-node');
  return {
    async open(modelPath, threads) {
      const session = await ort.InferenceSession.create(modelPath, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        // The arena keeps the largest buffer each input size ever needed; inputs here vary with
        // every picture, and a desktop app should give that memory back between files.
        enableCpuMemArena: false,
      });
      const [input] = session.inputNames;
      const [output] = session.outputNames;
      if (!input || !output) throw new Error(`${modelPath} has no input or no output`);
      return {
        async run(data, dims) {
          const result = await session.run({ [input]: new ort.Tensor('float32', data, dims) });
          const tensor = result[output];
          if (!tensor || tensor.type !== 'float32') throw new Error(`${modelPath} gave no float output`);
          return { data: tensor.data as Float32Array, dims: tensor.dims };
        },
        release: () => session.release(),
      };
    },
  };
}
