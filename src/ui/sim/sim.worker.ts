/**
 * The simulator's Web Worker: a thin shell around the engine host (host.ts), so the page's main
 * thread only draws while a thousand nodes run here.
 */
import { SimHost } from './host';
import type { FromEngine, ToEngine } from './protocol';

interface WorkerScope {
  postMessage(message: FromEngine): void;
  onmessage: ((event: MessageEvent<ToEngine>) => void) | null;
}

const scope = self as unknown as WorkerScope;
const host = new SimHost((m) => scope.postMessage(m));
scope.onmessage = (event) => host.handle(event.data);
scope.postMessage({ type: 'ready' });
