import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import cytoscape, { type Core } from 'cytoscape';
import { useDash } from './store';
import { byNodeId, graphOf, tipGroups } from './derived';
import type { MessageRecord } from './model';
import { branchOf, COMMAND_COLORS, commandColor } from './shared';
import { isKeepalive } from '../views/network/commandColors';

const ROLE_COLORS: Record<string, string> = { central: '#6f42c1', miner: '#b35c00', wallet: '#0b6bcb' };
const ROLE_SHAPES: Record<string, string> = { central: 'round-rectangle', miner: 'hexagon', wallet: 'ellipse' };
/** Packets in flight at once; beyond it the oldest new messages are skipped (the log has them all). */
const MAX_PACKETS = 40;
const PACKET_MS = 900;
type LayoutName = 'concentric' | 'circle' | 'cose';

/**
 * Every node of the network and its live links (cytoscape), with each message drawn as a packet
 * travelling along its link, coloured and labelled by its command.
 */
export function NetworkGraph() {
  const { t } = useTranslation();
  const data = useDash((s) => s.data);
  const box = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const layoutRef = useRef<cytoscape.Layouts | null>(null);
  const lastSeq = useRef(0);
  const packets = useRef(0);
  const [layout, setLayout] = useState<LayoutName>('concentric');
  const [animate, setAnimate] = useState(true);
  const [pings, setPings] = useState(false);
  const graph = useMemo(() => graphOf(data), [data]);
  const groups = useMemo(() => tipGroups(data), [data]);
  const shapeKey = `${graph.nodes.map((n) => n.id).join(',')}|${graph.edges.map((e) => `${e.a}-${e.b}`).join(',')}|${layout}`;

  // Create cytoscape once.
  useEffect(() => {
    const cy = cytoscape({
      container: box.current,
      elements: [],
      minZoom: 0.3,
      maxZoom: 2.5,
      wheelSensitivity: 0.3,
      style: [
        {
          selector: 'node.peer',
          style: {
            label: 'data(label)',
            'text-wrap': 'wrap',
            'text-valign': 'center',
            'text-halign': 'center',
            'font-size': 15,
            'font-weight': 'bold',
            color: '#fff',
            'text-outline-color': 'data(color)',
            'text-outline-width': 2,
            'background-color': 'data(color)',
            shape: 'data(shape)' as never,
            width: 150,
            height: 80,
            'border-width': 'data(border)' as never,
            'border-color': 'data(branch)',
            'border-style': 'solid',
          },
        },
        { selector: 'node.peer.offline', style: { opacity: 0.45, 'border-style': 'dashed' } },
        { selector: 'node.peer.unknown', style: { 'background-color': '#7a828c', 'text-outline-color': '#7a828c' } },
        {
          selector: 'edge',
          style: { width: 4, 'line-color': '#8c96a3', 'curve-style': 'straight' },
        },
        { selector: 'edge.half', style: { 'line-style': 'dashed' } },
        { selector: 'edge.busy', style: { 'line-color': '#2f6fd6', width: 6 } },
        {
          selector: 'node.packet',
          style: {
            label: 'data(label)',
            'font-size': 13,
            'font-weight': 'bold',
            'font-family': 'ui-monospace, monospace',
            color: '#111',
            'text-valign': 'center',
            'text-halign': 'center',
            'background-color': 'data(color)',
            'border-width': 1.5,
            'border-color': '#333',
            shape: 'round-rectangle',
            width: 'label',
            height: 20,
            padding: '3px',
            'z-index': 10,
            events: 'no',
          },
        },
      ],
    });
    cyRef.current = cy;
    return () => {
      cy.destroy();
      cyRef.current = null;
    };
  }, []);

  // Nodes, labels and edges.
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const branches = branchOf(groups);
    const forked = groups.length > 1;
    cy.batch(() => {
      const want = new Set<string>();
      for (const n of graph.nodes) {
        const id = `n${n.id}`;
        want.add(id);
        const node = data.nodes[n.id];
        const branch = node?.online && forked ? branches.get(node.tip ?? '') : undefined;
        const lines = [n.id, n.role ? t(`role.${n.role}`) : t('dashboard.graph.notReporting')];
        if (n.height !== null) lines.push(t('dashboard.graph.height', { height: n.height }) + (branch ? ` · ${t('dashboard.forks.branch', { letter: branch.letter })}` : ''));
        if (node && !node.online) lines.push(t('dashboard.graph.offline'));
        const d = {
          id,
          label: lines.join('\n'),
          color: n.role ? ROLE_COLORS[n.role] : '#7a828c',
          shape: n.role ? ROLE_SHAPES[n.role] : 'ellipse',
          branch: branch?.color ?? '#ffffff',
          border: branch ? 7 : 2,
        };
        const el = cy.getElementById(id);
        if (el.empty()) cy.add({ group: 'nodes', data: d, classes: 'peer' });
        else el.data(d);
        const e = cy.getElementById(id);
        e.toggleClass('offline', !n.online);
        e.toggleClass('unknown', !n.role);
      }
      cy.nodes('.peer').forEach((el) => {
        if (!want.has(el.id())) el.remove();
      });
      const wantEdges = new Set<string>();
      for (const e of graph.edges) {
        const id = `e${e.a}|${e.b}`;
        wantEdges.add(id);
        if (cy.getElementById(id).empty()) cy.add({ group: 'edges', data: { id, source: `n${e.a}`, target: `n${e.b}` } });
        cy.getElementById(id).toggleClass('half', !e.both);
      }
      cy.edges().forEach((el) => {
        if (!wantEdges.has(el.id())) el.remove();
      });
    });
  }, [graph, groups, data.nodes, t]);

  // Layout only when the set of nodes or links changes: positions stay put otherwise.
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const els = cy.elements().not('.packet');
    if (els.empty()) return;
    const opts =
      layout === 'concentric'
        ? { name: 'concentric' as const, concentric: (n: cytoscape.NodeSingular) => n.degree(false), levelWidth: () => 1, minNodeSpacing: 60 }
        : layout === 'circle'
          ? { name: 'circle' as const, sort: (a: cytoscape.NodeSingular, b: cytoscape.NodeSingular) => byNodeId(a.id().slice(1), b.id().slice(1)) }
          : { name: 'cose' as const, nodeRepulsion: () => 400_000, idealEdgeLength: () => 160, randomize: false };
    layoutRef.current?.stop(); // a layout still animating would fight the new one
    const run = els.layout({ ...opts, animate: true, animationDuration: 300, padding: 50, fit: true, nodeDimensionsIncludeLabels: true } as cytoscape.LayoutOptions);
    layoutRef.current = run;
    run.run();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shapeKey]);

  // Re-fit when the panel changes size (projector, window resize).
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      cyRef.current?.resize();
      cyRef.current?.fit(undefined, 50);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Animate new messages.
  useEffect(() => {
    const cy = cyRef.current;
    const fresh: MessageRecord[] = [];
    // The log is in time order, so new records may sit a little before the end.
    let top = lastSeq.current;
    for (let i = data.messages.length - 1; i >= Math.max(0, data.messages.length - 400); i--) {
      const m = data.messages[i]!;
      if (m.seq > lastSeq.current) fresh.push(m);
      top = Math.max(top, m.seq);
    }
    lastSeq.current = top;
    // A hidden tab gets no animation frames: packets would pile up and play all at once later.
    if (!cy || !animate || fresh.length === 0 || document.hidden) return;
    fresh.sort((a, b) => a.time - b.time || a.seq - b.seq);
    for (const m of fresh) {
      if (!pings && isKeepalive(m.cmd)) continue;
      if (packets.current >= MAX_PACKETS) break;
      const from = cy.getElementById(`n${m.from}`);
      const to = cy.getElementById(`n${m.to}`);
      if (from.empty() || to.empty()) continue;
      const [a, b] = byNodeId(m.from, m.to) <= 0 ? [m.from, m.to] : [m.to, m.from];
      const edge = cy.getElementById(`e${a}|${b}`);
      packets.current++;
      // Travel between the two nodes' outlines, so a packet never hides a node's label.
      const a0 = { ...from.position() };
      const b0 = { ...to.position() };
      const len = Math.hypot(b0.x - a0.x, b0.y - a0.y) || 1;
      const margin = (n: typeof from) => Math.max(n.width(), n.height()) / 2 + 14;
      const f0 = Math.min(0.45, margin(from) / len);
      const f1 = Math.max(0.55, 1 - margin(to) / len);
      const at = (f: number) => ({ x: a0.x + (b0.x - a0.x) * f, y: a0.y + (b0.y - a0.y) * f });
      const p = cy.add({ group: 'nodes', data: { id: `p${m.seq}`, label: m.cmd, color: commandColor(m.cmd) }, classes: 'packet', position: at(f0) });
      edge.addClass('busy');
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        packets.current--;
        if (!cy.destroyed()) {
          p.remove();
          edge.removeClass('busy');
        }
      };
      p.animate({ position: at(f1) }, { duration: PACKET_MS, easing: 'ease-in-out-sine', complete: finish });
      setTimeout(finish, PACKET_MS * 3); // never leave a packet behind (an animation can be cut short)
    }
  }, [data.messages, animate, pings]);

  const roles = (['central', 'miner', 'wallet'] as const).map((r) => t(`role.${r}`));
  return (
    <section className="dash-panel dash-graph" aria-labelledby="dash-graph-title">
      <div className="dash-panel-head">
        <h2 id="dash-graph-title">{t('dashboard.graph.title')}</h2>
        <div className="dash-controls">
          <label className="choice">
            <input type="checkbox" checked={animate} onChange={(e) => setAnimate(e.target.checked)} /> {t('dashboard.graph.animate')}
          </label>
          <label className="choice">
            <input type="checkbox" checked={pings} onChange={(e) => setPings(e.target.checked)} disabled={!animate} /> {t('dashboard.graph.pings')}
          </label>
          <label className="choice">
            {t('dashboard.graph.layout')}
            <select value={layout} onChange={(e) => setLayout(e.target.value as LayoutName)}>
              <option value="concentric">{t('dashboard.graph.layoutConcentric')}</option>
              <option value="circle">{t('dashboard.graph.layoutCircle')}</option>
              <option value="cose">{t('dashboard.graph.layoutCose')}</option>
            </select>
          </label>
          <button type="button" onClick={() => cyRef.current?.fit(undefined, 50)}>
            {t('dashboard.graph.fit')}
          </button>
        </div>
      </div>
      <div
        ref={box}
        className="dash-cy"
        role="img"
        aria-label={t('dashboard.graph.summary', { nodes: graph.nodes.length, links: graph.edges.length })}
        data-testid="dash-graph"
        data-nodes={graph.nodes.map((n) => n.id).join(' ')}
        data-edges={graph.edges.map((e) => `${e.a}-${e.b}`).join(' ')}
      />
      <p className="dash-legend">
        <span className="dash-legend-title">{t('dashboard.graph.legendRoles')}</span>
        {(['central', 'miner', 'wallet'] as const).map((r, i) => (
          <span key={r} className={`role-badge role-${r}`}>
            {roles[i]}
          </span>
        ))}
        <span className="dash-legend-title">{t('dashboard.graph.legendCommands')}</span>
        {Object.keys(COMMAND_COLORS)
          .filter((c) => !['verack', 'pong', 'getaddr', 'reject', 'notfound'].includes(c))
          .map((c) => (
            <span key={c} className="dash-cmd" style={{ background: commandColor(c) }}>
              {c}
            </span>
          ))}
      </p>
    </section>
  );
}
