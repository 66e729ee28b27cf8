import type { FullNode } from '../../node/node';
import type { NodeApi } from '../../node/api';
import { PeerJsTransport, signalConfigFromLocation, type SignalConfig } from '../../adapters/peerjs/transport';
import { iceUrl, resolveSignal } from '../../adapters/peerjs/signal';
import { workerClock } from '../../adapters/clock/workerClock';
import { NodeStore, databaseName, type StoredNode } from '../../adapters/idb/nodeStore';
import { Chain, decodeBlock, encodeBlock, forgetDecompressedKeys, type Miner } from '../../core';
import { startTabNode } from '../../app/tabNode';
import { WorkerScriptChecker } from '../../workers/scriptPool';
import { CENTRAL_ID, withNodeAddress, type NodeAddress } from './url';
import { viewStore } from './viewStore';
import { bindNode } from './bindNode';
import { startObserverReporter } from '../../adapters/peerjs/observer';
import { ScenarioTracker, progressKey, type ProgressStore } from '../views/scenario/tracker';
import { applyTutorialNames, hasTutorialNames } from './tutorial';

/** What the page's components may use of this tab's node: the node's API and the miner's controls. */
export interface Session {
  node: NodeApi;
  miner: Miner & { concurrency: number; kernel?: string | null };
  address: NodeAddress;
  /** The teacher's secret key, on the central node that created the network (else null). */
  teacherSecret: Uint8Array | null;
  /** The guided scenario's progress (it keeps counting while other views show). */
  scenario: ScenarioTracker;
  /** Stops the node, deletes its database and reloads as a fresh node with the same id. */
  reset(): Promise<void>;
}

/** The tab's full wiring, published as `window.tabchain` for tests and the curious. */
export interface TabSession extends Session {
  node: FullNode;
  store: NodeStore;
  transport: PeerJsTransport;
  /** The engine's codec and chain, for benches and tests that drive a tab from outside (window.tabchain). */
  debug: { decodeBlock: typeof decodeBlock; encodeBlock: typeof encodeBlock; Chain: typeof Chain; forgetDecompressedKeys: typeof forgetDecompressedKeys };
  stop(): void;
}

let starting: Promise<TabSession | null> | null = null;

function status(text: string): void {
  viewStore.setState({ status: text });
}

/** localStorage, or null where the page may not use it (tutorial progress is then not kept). */
function safeLocalStorage(): ProgressStore | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Nodes of a network registered on the signalling server right now (this page's server unless given). */
export async function onlineNodes(network: string, signal: SignalConfig = signalConfigFromLocation(location, import.meta.env.VITE_SIGNAL_URL)): Promise<string[]> {
  try {
    const res = await fetch(`${iceUrl(signal).replace(/\/ice$/, '')}${signal.path.replace(/\/$/, '')}/peerjs/peers`);
    const ids = (await res.json()) as string[];
    const prefix = `tabchain-${network}-`;
    return ids.filter((i) => i.startsWith(prefix)).map((i) => i.slice(prefix.length));
  } catch {
    return [];
  }
}

/** Node ids with a database in this browser (offline nodes that may come back). */
export async function storedNodes(network: string): Promise<string[]> {
  try {
    const dbs = await indexedDB.databases();
    const prefix = `tabchain-${network}-`;
    return dbs.map((d) => d.name ?? '').filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
  } catch {
    return [];
  }
}

/**
 * Next free id after the central node's 3000 (3001, 3002, …), with its lock already taken: tabs
 * opened at the same moment (Quick start opens two) would otherwise both pick the same id, and
 * the second would be refused. An id whose lock another tab holds is skipped.
 */
async function pickNodeId(network: string, signal: SignalConfig, skip: Set<string> = new Set()): Promise<string> {
  const taken = new Set([...(await onlineNodes(network, signal)), ...(await storedNodes(network)), ...skip]);
  for (let n = Number(CENTRAL_ID) + 1; ; n++) if (!taken.has(String(n)) && (await lockNode(network, String(n)))) return String(n);
}

/**
 * Holds the Web Lock for a node id for the life of this tab. Resolves false if another tab
 * holds it: two tabs must never write one node's database.
 */
function lockNode(network: string, id: string): Promise<boolean> {
  if (!('locks' in navigator)) return Promise.resolve(true);
  return new Promise((resolve) => {
    void navigator.locks.request(`tabchain:${network}:${id}`, { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(false);
        return undefined;
      }
      resolve(true);
      return new Promise<void>(() => {}); // held until the tab closes
    });
  });
}


/**
 * Starts this tab's node: picks its id, takes the lock, opens its store, connects to the
 * signalling server, then `startTabNode` restores it (or creates the network, for a central node).
 */
export function startSession(address: NodeAddress, makeMiner: () => Miner & { concurrency: number }, maxConcurrency = 1): Promise<TabSession | null> {
  // One node per tab, however often React runs the effect.
  starting ??= start(address, makeMiner, maxConcurrency);
  return starting;
}

/** Keep-alive ping interval: 5 s, or `?ping=ms` (at least 500; benches sample round trips with it). */
function pingMs(): number {
  const asked = Number(new URLSearchParams(location.search).get('ping'));
  return Number.isFinite(asked) && asked >= 500 ? asked : 5_000;
}

/**
 * The script-check workers (Core's -par): one per core but the page's own, at most 4; `?par=N`
 * sets the number, `?par=0` checks signatures on the main thread.
 */
function makeScriptChecker(): WorkerScriptChecker | null {
  const asked = new URLSearchParams(location.search).get('par');
  const cores = navigator.hardwareConcurrency || 2;
  const n = asked !== null && /^\d+$/.test(asked) ? Number(asked) : Math.min(4, Math.max(1, cores - 1));
  return n > 0 ? new WorkerScriptChecker({ concurrency: n }) : null;
}

async function start(address: NodeAddress, makeMiner: () => Miner & { concurrency: number }, maxConcurrency: number): Promise<TabSession | null> {
  viewStore.setState({ phase: 'starting', network: address.network, role: address.role, topology: address.topology });
  const picked = address.role !== 'central' && !address.node;
  const skip = new Set<string>();
  let id = '';
  let addr: NodeAddress = address;
  let store: NodeStore;
  let saved: StoredNode;
  let transport: PeerJsTransport;
  // Signalling server and ICE servers (STUN/TURN from the server's /ice on a classroom LAN).
  const signal = await resolveSignal(signalConfigFromLocation(location, import.meta.env.VITE_SIGNAL_URL));
  viewStore.setState({ ice: { servers: signal.iceServers.length, relay: signal.iceTransportPolicy === 'relay' } });
  // An id picked here may be in use by a tab in another browser (only the signalling server
  // knows): then the next free id is tried, a few times, before the tab gives up.
  for (let attempt = 0; ; attempt++) {
    id = address.role === 'central' ? CENTRAL_ID : address.node ?? (await pickNodeId(address.network, signal, skip));
    addr = { ...address, node: id };
    // The node's address in the page URL, every page-only parameter (view, language, lesson,
    // signalling server, ping, par) kept beside it: they are read after this, and again on reload.
    history.replaceState(null, '', withNodeAddress(location.search, addr));
    viewStore.setState({ nodeId: id });
    document.title = `tabchain ${id} (${address.role})`;

    if (!picked && !(await lockNode(address.network, id))) {
      viewStore.setState({ phase: 'refused', error: 'already-open' });
      return null;
    }
    status('opening-storage');
    store = await NodeStore.open(databaseName(address.network, id), (p) => viewStore.setState({ storage: p }));
    saved = await store.load();
    if (saved.role && saved.role !== address.role) {
      viewStore.setState({ phase: 'error', error: `role-mismatch:${saved.role}` });
      return null;
    }
    status('connecting-signalling');
    transport = new PeerJsTransport(address.network, id, signal);
    transport.onstatus = (s) => viewStore.setState({ signal: s });
    transport.onrefused = () => viewStore.setState({ refusals: { ...transport.refusals() } as Record<string, number> });
    try {
      await transport.ready();
      break;
    } catch (e) {
      transport.close();
      const fresh = !saved.params && !saved.tip;
      if (picked && fresh && attempt < 5) {
        store.close();
        await NodeStore.destroy(databaseName(address.network, id));
        skip.add(id);
        continue;
      }
      viewStore.setState({ phase: 'refused', error: `id-taken:${(e as Error).message}` });
      return null;
    }
  }
  const miner = makeMiner();
  const scriptChecker = makeScriptChecker();
  // Timers in a worker: a tab in the background keeps its pings, stall checks and reports on time.
  const clock = workerClock();
  const tab = await startTabNode({
    network: address.network, id, role: address.role, topology: address.topology,
    ...(address.preset ? { preset: address.preset } : {}),
    ...(address.interval ? { blockInterval: address.interval } : {}),
    transport, miner, store, saved, clock,
    ...(scriptChecker ? { scriptChecker } : {}),
    timing: { pingInterval: pingMs(), pingTimeout: 15_000 },
    onGenesis: () => status('creating-genesis'),
  });
  const node = tab.node;
  if (node.restoreReport?.repaired.length) viewStore.setState({ repaired: node.restoreReport });
  const unbind = bindNode(node, viewStore, { clock: node.clock, miner: { concurrency: miner.concurrency, maxConcurrency } });
  // The guided scenario must see every event from the start.
  // The Tutorial opened this tab: name its addresses as the seed tutorial does (once; kept in its wallet).
  if (address.tutorial && !hasTutorialNames(node)) applyTutorialNames(node);
  const scenario = new ScenarioTracker(node, safeLocalStorage(), progressKey(address.network, id)).attach();
  // Teacher dashboard: out-of-band reports to `?dashboard=` tabs; the node never depends on it.
  const observer = startObserverReporter(node, { network: address.network, topology: address.topology, signal, clock });
  viewStore.setState({ phase: 'running', status: '' });
  const session: TabSession = {
    node,
    store,
    transport,
    miner,
    address: addr,
    teacherSecret: tab.teacherSecret,
    scenario,
    debug: { decodeBlock, encodeBlock, Chain, forgetDecompressedKeys },
    stop() {
      scenario.detach();
      unbind();
      observer.stop();
      tab.stop();
    },
    async reset() {
      scenario.clear();
      session.stop();
      await NodeStore.destroy(store.name);
      location.reload();
    },
  };
  // Leave the network cleanly when the tab closes or reloads: peers see the links close at once
  // (instead of after their ping timeout, ~20 s) and the signalling server frees this node's id
  // before the reloaded page asks for it again.
  // Chain writes wait a little (adapters/idb/chainWrites.ts): a tab being hidden or closed writes them now.
  addEventListener('pagehide', () => {
    void store.flushed();
    node.stop();
  }, { once: true });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void store.flushed();
  });
  (window as unknown as { tabchain: TabSession }).tabchain = session;
  return session;
}
