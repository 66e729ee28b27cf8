import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { NodeContext } from '../runtime/context';
import { NetworkGraph } from '../views/network/NetworkGraph';
import { PeersPanel } from '../views/network/PeersPanel';
import { MessagesView } from '../views/messages/MessagesView';
import { ChainView } from '../views/chain/ChainView';
import { TimelineView } from '../views/timeline/TimelineView';
import type { SimConnection } from './connection';
import { SimNodeView } from './simNodeView';

/** The node tab's own views, pointed at one simulated node. */
const TABS = [
  { id: 'overview', label: 'nav.overview', View: () => (<><NetworkGraph /><PeersPanel /></>) },
  { id: 'messages', label: 'nav.messages', View: MessagesView },
  { id: 'chain', label: 'nav.chain', View: ChainView },
  { id: 'timeline', label: 'nav.timeline', View: TimelineView },
];

/** Picks a simulated node and shows it exactly as a node tab shows its own node. */
export function NodeViews({ conn }: { conn: SimConnection }) {
  const { t } = useTranslation();
  const graph = useStore(conn.store, (s) => s.graph);
  const node = useStore(conn.store, (s) => s.node);
  const version = useStore(conn.store, (s) => s.blocksVersion);
  const [tab, setTab] = useState('overview');
  const [typed, setTyped] = useState<string | null>(null);
  // A new object when a block the views asked for arrives, so the block detail reads it again.
  const view = useMemo(() => new SimNodeView(conn, node), [conn, node, version]);
  if (!graph) return null;
  const n = graph.settings.nodes;
  const active = TABS.find((x) => x.id === tab) ?? TABS[0]!;
  const Active = active.View;
  return (
    <section className="sim-node" aria-labelledby="sim-node-title">
      <div className="tabs">
        <h2 id="sim-node-title">{t('sim.node.title', { node })}</h2>
        <form className="inline" onSubmit={(e) => { e.preventDefault(); const v = Number(typed); if (typed !== null && Number.isInteger(v) && v >= 0 && v < n) { conn.select(v); setTyped(null); } }}>
          <label className="inline">
            {t('sim.node.pick', { max: n - 1 })}
            <input type="number" min={0} max={n - 1} value={typed ?? String(node)} onChange={(e) => setTyped(e.target.value)} />
          </label>
          <button type="submit">{t('sim.node.show')}</button>
          <select aria-label={t('sim.node.miners')} value="" onChange={(e) => e.target.value !== '' && conn.select(Number(e.target.value))}>
            <option value="">{t('sim.node.miners')}</option>
            {graph.miners.map((m, k) => <option key={k} value={m}>{t('sim.node.minerAt', { k, node: m })}</option>)}
          </select>
        </form>
        <div role="tablist" aria-label={t('sim.node.views')}>
          {TABS.map((v) => (
            <button key={v.id} role="tab" id={`sim-tab-${v.id}`} aria-selected={v.id === active.id} aria-controls="sim-view" className={v.id === active.id ? 'selected' : ''} onClick={() => setTab(v.id)}>
              {t(v.label)}
            </button>
          ))}
        </div>
      </div>
      <div id="sim-view" role="tabpanel" aria-labelledby={`sim-tab-${active.id}`} className="view" data-testid={`sim-view-${active.id}`}>
        <NodeContext.Provider value={view}>
          <Active />
        </NodeContext.Provider>
      </div>
    </section>
  );
}
