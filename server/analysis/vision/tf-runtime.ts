/**
 * The TensorFlow.js runtime the vision models share inside the vision worker.
 *
 * Why this way: tfjs keeps one engine per thread (`globalThis._tfengine`), so every model here runs
 * on the same backend, chosen once: WASM (SIMD, single-threaded), ~3-5x faster than tfjs' pure-JS
 * CPU backend and needing no native addon. Its .wasm files are read from node_modules through a
 * file-system path (nothing is fetched). Model files are handed to tfjs through an IOHandler that
 * reads them from disk, because tfjs' own loaders (and @vladmandic/human's) `fetch('file://…')`,
 * which Node's fetch refuses.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);

let ready: Promise<string> | undefined;

/** Selects the WASM backend (falls back to 'cpu' when WASM cannot start); resolves to the backend's name. */
export function initTf(): Promise<string> {
  ready ??= (async () => {
    const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths(`${wasmDir}/`);
    try {
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return tf.getBackend();
      }
    } catch {
      // fall through to the CPU backend
    }
    // The CPU backend is registered by @tensorflow/tfjs, which nsfwjs imports.
    if (!(await tf.setBackend('cpu'))) throw new Error('No TensorFlow.js backend could start (wasm, cpu).');
    await tf.ready();
    return tf.getBackend();
  })();
  return ready;
}

/** An IOHandler that loads a tfjs graph model (model.json + weight shards) from the local disk. */
export function fileModelHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      const dir = dirname(modelJsonPath);
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      const shards: Buffer[] = [];
      for (const group of json.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const path of group.paths) shards.push(await readFile(join(dir, path)));
      }
      const all = Buffer.concat(shards);
      const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs,
        weightData,
      };
    },
  };
}
