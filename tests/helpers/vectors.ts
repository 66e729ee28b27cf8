import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real mainnet blocks shared beside the repository (../shared/vectors). */
export interface VectorBlock {
  name: string;
  hash: string;
  transactions: number;
  merkleRoot: string;
  hex: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * A file or folder of the shared vectors: ../shared/vectors/<rel> beside the repository when it is
 * there, else the copy in tests/fixtures/<rel> (a clean clone on a CI machine has only the copy).
 */
export function vectorPath(rel: string): string {
  for (const base of [path.resolve(here, '../../../shared/vectors'), path.resolve(here, '../fixtures')]) {
    const p = path.join(base, rel);
    if (existsSync(p)) return p;
  }
  throw new Error(`${rel} not found in ../shared/vectors or tests/fixtures`);
}

/** Loads ../shared/vectors/bitcoin-mainnet-blocks.json relative to the repository root. */
export function mainnetBlocks(): VectorBlock[] {
  const candidates = [
    path.resolve(here, '../../../shared/vectors/bitcoin-mainnet-blocks.json'),
    path.resolve(here, '../fixtures/bitcoin-mainnet-blocks.json'),
  ];
  for (const file of candidates) {
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as { blocks: VectorBlock[] }).blocks;
    } catch {
      // try the next place
    }
  }
  throw new Error('bitcoin-mainnet-blocks.json not found in ../shared/vectors or tests/fixtures');
}
