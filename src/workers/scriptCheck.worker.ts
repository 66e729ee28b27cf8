/**
 * The script-check Web Worker: a thin shell around the engine's `runScriptJobs` (the same code the
 * main-thread fallback runs). Created by `scriptPool.ts` with Vite's worker pattern; it loads the
 * engine (libsecp256k1 as WebAssembly) once.
 */
import { handleScriptMessage, type ScriptReply, type ScriptRequest } from './scriptPool';

interface WorkerScope {
  postMessage(message: ScriptReply): void;
  onmessage: ((event: MessageEvent<ScriptRequest>) => void) | null;
}

const scope = self as unknown as WorkerScope;
scope.onmessage = (event) => scope.postMessage(handleScriptMessage(event.data));
