import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import cytoscape, { type Core } from 'cytoscape';
import { viewStore, type ViewState } from '../../runtime/viewStore';
import type { MessageEvent } from '../../../node/events';
import { COMMAND_COLORS, commandColor } from './commandColors';
import { PacketLayer } from './packetLayer';

/** Most message animations in flight at once, and started per store update (a sync burst must not flood the canvas). */
const MAX_PACKETS = 24;
const MAX_NEW_PER_UPDATE = 8;
const PACKET_MS = 600;
/**
 * Redraws per second of the messages in flight (the graph itself redraws only when it changes).
 * Each redraw re-uploads the overlay canvas (~1 ms in a software-composited tab): 20 keeps a
 * packet's flight smooth enough (12 positions) at two thirds of the cost of 30.
 */
const PACKET_FPS = 20;

/**
 * This node and every node it knows of (peers and addr), live connections as edges, each message
 * animated along its edge and labelled with its command. Layout by cytoscape (concentric: this
 * node in the middle, peers around it, nodes known only by address on the outer ring).
 */
export function NetworkGraph() {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const overlay = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const cy = cytoscape({
      container: box.current!,
      style: [
        {
          selector: 'node.peer',
          style: {
            label: 'data(label)', 'text-wrap': 'wrap', 'text-valign': 'center', 'font-size': 13, color: '#fff',
            'background-color': 'data(color)', width: 78, height: 78, 'text-outline-width': 0, 'border-width': 2, 'border-color': '#333',
            // Nodes above packets: a message's label passes under a node's name, never over it.
            'z-index': 10,
          },
        },
        { selector: 'node.self', style: { 'border-width': 5, 'border-color': '#1b1f24', width: 96, height: 96, 'font-weight': 'bold' } },
        { selector: 'node.known', style: { 'background-color': '#c9ced6', color: '#1b1f24', 'border-style': 'dashed' } },
        { selector: 'edge', style: { width: 3, 'line-color': '#8c96a3', 'curve-style': 'straight' } },
      ],
      userZoomingEnabled: true,
      boxSelectionEnabled: false,
      autoungrabify: false,
    });
    cyRef.current = cy;
    let lastShape = '';
    let lastMessage = -1;
    const layer = new PacketLayer(overlay.current!, { durationMs: PACKET_MS, maxPackets: MAX_PACKETS, fps: PACKET_FPS });
    const fitLayer = () => layer.resize(box.current!.clientWidth, box.current!.clientHeight, window.devicePixelRatio || 1);
    fitLayer();
    const ro = new ResizeObserver(fitLayer);
    ro.observe(box.current!);

    const roleColor = (role?: string) => (role === 'central' ? '#6f42c1' : role === 'miner' ? '#b35c00' : role === 'wallet' ? '#0b6bcb' : '#5f6b7a');

    let lastGraph = '';
    const sync = (s: ViewState) => {
      const ids = new Set<string>([s.nodeId, ...s.peers.map((p) => p.id), ...s.knownNodes]);
      const ready = new Set(s.peers.filter((p) => p.ready).map((p) => p.id));
      // What the graph shows: if none of it changed, cytoscape is not touched at all (even an
      // empty batch asks it for a redraw).
      const graph = `${s.nodeId}|${s.role}|${s.height}|${s.peers.map((p) => `${p.id}:${p.role}:${p.height}:${p.ready}`).join(',')}|${s.knownNodes.join(',')}`;
      if (graph !== lastGraph) {
        lastGraph = graph;
        updateGraph(s, ids, ready);
      }
      animateNew(s);
    };

    const updateGraph = (s: ViewState, ids: Set<string>, ready: Set<string>) => {
      cy.batch(() => {
        for (const id of ids) {
          const peer = s.peers.find((p) => p.id === id);
          const self = id === s.nodeId;
          const role = self ? s.role : peer?.role;
          const height = self ? s.height : peer?.height;
          const label = `${id}\n${role ? t(`role.${role}`) : '?'}${height !== undefined && height >= 0 ? `\n#${height}` : ''}`;
          const data = { id: `n${id}`, label, color: roleColor(role) };
          const existing = cy.getElementById(`n${id}`);
          // Touch an element only when it changed: any data or class write makes cytoscape redraw
          // the whole graph, and the store updates several times a second under load.
          if (existing.empty()) cy.add({ group: 'nodes', data, classes: 'peer' });
          else if (existing.data('label') !== label || existing.data('color') !== data.color) existing.data(data);
          const el = cy.getElementById(`n${id}`);
          const known = !self && !ready.has(id);
          if (el.hasClass('self') !== self) el.toggleClass('self', self);
          if (el.hasClass('known') !== known) el.toggleClass('known', known);
        }
        cy.nodes('.peer').forEach((n) => {
          if (!ids.has(n.id().slice(1))) n.remove();
        });
        for (const id of ready) {
          const eid = `e${id}`;
          if (cy.getElementById(eid).empty()) cy.add({ group: 'edges', data: { id: eid, source: `n${s.nodeId}`, target: `n${id}` } });
        }
        cy.edges().forEach((e) => {
          if (!ready.has(e.id().slice(1))) e.remove();
        });
      });
      const shape = [...ids].sort().join(',') + '|' + [...ready].sort().join(',');
      if (shape !== lastShape) {
        lastShape = shape;
        cy.layout({
          name: 'concentric',
          concentric: (n: cytoscape.NodeSingular) => (n.hasClass('self') ? 3 : n.hasClass('known') ? 1 : 2),
          levelWidth: () => 1,
          minNodeSpacing: 40,
          animate: false,
          fit: true,
          padding: 40,
        } as cytoscape.LayoutOptions).run();
      }
    };

    const animateNew = (s: ViewState) => {
      // Animate the messages that arrived since the last update.
      const fresh: MessageEvent[] = [];
      for (let i = s.messages.length - 1; i >= 0 && s.messages[i].id > lastMessage; i--) fresh.push(s.messages[i]);
      if (s.messages.length) lastMessage = s.messages[s.messages.length - 1].id;
      // In a burst (initial sync: hundreds of messages per update) show a sample, newest first.
      for (const m of fresh.slice(0, MAX_NEW_PER_UPDATE).reverse()) animate(m, s.nodeId);
    };

    const animate = (m: MessageEvent, self: string) => {
      const fromId = `n${m.dir === 'out' ? self : m.peer}`;
      const toId = `n${m.dir === 'out' ? m.peer : self}`;
      if (cy.getElementById(fromId).empty() || cy.getElementById(toId).empty()) return;
      const at = (id: string) => {
        const n = cy.getElementById(id);
        if (n.empty()) return null;
        const { x, y } = n.renderedPosition();
        return { x, y, r: n.renderedOuterWidth() / 2 + 7 };
      };
      layer.add({ from: () => at(fromId), to: () => at(toId) }, m.command, commandColor(m.command));
    };

    sync(viewStore.getState());
    const unsub = viewStore.subscribe(sync);
    const onResize = () => cy.resize();
    window.addEventListener('resize', onResize);
    return () => {
      unsub();
      window.removeEventListener('resize', onResize);
      ro.disconnect();
      layer.destroy();
      cy.destroy();
    };
  }, [t]);

  return (
    <section className="panel graph-panel" aria-labelledby="graph-title" data-testid="network-graph">
      <h2 id="graph-title">{t('graph.title')}</h2>
      <div className="graph-wrap">
        <div ref={box} className="graph" role="img" aria-label={t('graph.aria')} />
        <canvas ref={overlay} className="packet-layer" aria-hidden="true" />
      </div>
      <ul className="legend" aria-label={t('graph.legend')}>
        {Object.entries(COMMAND_COLORS).filter(([c]) => c !== 'params' && c !== 'getparams').map(([c, color]) => (
          <li key={c}><span className="swatch" style={{ background: color }} aria-hidden="true" /> {c}</li>
        ))}
        <li><span className="swatch dashed" aria-hidden="true" /> {t('graph.knownOnly')}</li>
      </ul>
    </section>
  );
}
