/**
 * The script-verification bench in a browser tab (bench/script.bench.ts drives it): the same
 * engine code as the node tabs, run on the page's main thread.
 */
import { prepareBlockScripts, type BlockScriptBench, type Prevout } from '../../../bench/scriptBlock';

declare global {
  interface Window {
    scriptBench: {
      load(hex: string, prevouts: Prevout[]): { inputs: number; checks: number };
      run(rounds: number): { verify: number[]; raw: number[] };
    };
  }
}

let bench: BlockScriptBench | null = null;

window.scriptBench = {
  load(hex, prevouts) {
    bench = prepareBlockScripts(hex, prevouts);
    return { inputs: bench.inputs, checks: bench.checks };
  },
  run(rounds) {
    if (!bench) throw new Error('load first');
    const verify: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < rounds; i++) {
      verify.push(bench.verifyAll());
      raw.push(bench.rawAll());
    }
    return { verify, raw };
  },
};
document.getElementById('status')!.textContent = 'ready';
