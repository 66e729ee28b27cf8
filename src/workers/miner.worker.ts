/**
 * The mining Web Worker: a thin shell that feeds messages to the shared search job
 * (`search.ts`) and posts its replies back. Created by `pool.ts` with Vite's worker pattern.
 */
import { createWorkerHandler, type FromWorker, type ToWorker } from './search';

interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}

const scope = self as unknown as WorkerScope;
const handle = createWorkerHandler((m) => scope.postMessage(m));
scope.onmessage = (event) => handle(event.data);
