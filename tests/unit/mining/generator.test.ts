import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  OUTPUTS, buildScalarWasm, buildSimdVariant, buildSimdWasm, jsSource, liveNodes, traceSha256d, wasmSource,
} from '../../../scripts/gen-sha256d';
import { kernelWasmBytes } from '../../../src/core/mining/wasm';
import { writeJobWords } from '../../../src/core/mining/kernel';
import { nobleHash, randomBytes, seeded, topWord } from './helpers';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('generated kernels are built from source', () => {
  it('the checked-in files equal what scripts/gen-sha256d.ts generates now', () => {
    expect(readFileSync(root + OUTPUTS.wasm, 'utf8')).toBe(wasmSource());
    expect(readFileSync(root + OUTPUTS.js, 'utf8')).toBe(jsSource());
  });

  it('the embedded base64 decodes to the generated modules, which validate', () => {
    expect(kernelWasmBytes('wasm-simd')).toEqual(buildSimdWasm());
    expect(kernelWasmBytes('wasm-scalar')).toEqual(buildScalarWasm());
    expect(WebAssembly.validate(buildSimdWasm() as Uint8Array<ArrayBuffer>)).toBe(true);
    expect(WebAssembly.validate(buildScalarWasm() as Uint8Array<ArrayBuffer>)).toBe(true);
  });

  it('generates the same bytes twice (deterministic)', () => {
    expect(buildSimdWasm()).toEqual(buildSimdWasm());
  });

  it('leaves only per-nonce work in the loop: the fold removes rounds 0..2 and the tail of hash 2', () => {
    const { g, tops } = traceSha256d(1);
    const live = liveNodes(g, tops);
    const perNonce = [...live].filter((id) => g.nodes[id].level === 2);
    const count = (op: string) => perNonce.filter((id) => g.nodes[id].op === op).length;
    // Hash 1 runs rounds 3..63 per nonce, but round 3 reads only per-job e and a: Σ1, Σ0 in 4..63.
    // Hash 2 starts from the constant IV (round 0 folds away) and ends at e after round 60:
    // Σ1 in rounds 1..60; Σ0 in rounds 1..56 (later `a` values never reach that e).
    expect(count('S1')).toBe(60 + 60);
    expect(count('S0')).toBe(60 + 56);
    // The whole per-nonce budget (a regression guard for the folding; docs/MINING.md uses it):
    // σ0 in hash 1 only for W18 (σ0 of the nonce) and W33..63; in hash 2 for W16..22 and W31..60.
    expect({ s0: count('s0'), s1: count('s1'), add: count('add'), xor: count('xor'), and: count('and'), bswap: count('bswap') })
      .toEqual({ s0: 32 + 37, s1: 87, add: 1045, xor: 470, and: 236, bswap: 2 });
  });
});

describe('benchmark variants of the SIMD kernel', () => {
  it.each([
    ['2 groups interleaved', 2, {}],
    ['2 groups in sequence', 2, { interleave: false }],
    ['1 group, inline constants', 1, { inlineConsts: true }],
  ] as const)('%s computes the same top words as @noble/hashes', async (_, groups, opts) => {
    const { instance } = await WebAssembly.instantiate(buildSimdVariant(groups, opts) as Uint8Array<ArrayBuffer>);
    const ex = instance.exports as { memory: WebAssembly.Memory; scan: (s: number, c: number) => number };
    const io = new Int32Array(ex.memory.buffer, 0, 32);
    const rand = seeded(9);
    for (let i = 0; i < 50; i++) {
      const header = randomBytes(rand, 80);
      const start = rand();
      writeJobWords(header, io);
      io[11] = -1;
      expect(ex.scan(start | 0, 4 * groups)).toBe(0);
      for (let l = 0; l < 4 * groups; l++) expect(io[16 + l] >>> 0).toBe(topWord(nobleHash(header, start + l)));
    }
  });
});
