import { memo, useCallback, useEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { Term } from '../../components/Term';
import { useTranslation } from 'react-i18next';
import { useView } from '../../useView';
import { short } from '../../format';
import type { BlockSummary, OrphanSummary, ReorgSummary } from '../../runtime/viewStore';
import { layoutChainTree, type TreeCell, type TreeLayout } from './treeLayout';
import { bitsHex, targetHex } from './blockParts';
import { Hash } from './Hash';
import { BlockDetail } from './BlockDetail';

/** Card geometry in em of the tree (the SVG connectors use the same units). */
const W = 19;
const H = 8.2;
const G = 1.6;
/** How long the reorg banner and card animation stay (ms). */
const REORG_SHOWN_MS = 20_000;

/** A card's place in the tree, with what is drawn on it. */
type CardData = { cell: TreeCell; block: BlockSummary | null; orphan: OrphanSummary | null };

/**
 * The chain view: every block this node knows as a card on a tree (active chain, side branches,
 * orphans), an animated banner when a reorg moves blocks and transactions, and the selected
 * block's header, transactions, merkle tree and raw bytes.
 */
export function ChainView() {
  const { t } = useTranslation();
  const blocks = useView((s) => s.blocks);
  const orphans = useView((s) => s.orphans);
  const tip = useView((s) => s.tip);
  const reorgs = useView((s) => s.reorgs);
  const [picked, setPicked] = useState<string | null>(null);
  const selected = picked ?? tip;

  const layout = useMemo(() => layoutChainTree(blocks, orphans, 100), [blocks, orphans]);
  const cards = useMemo(() => {
    const byHash = new Map(blocks.map((b) => [b.hash, b]));
    const orphanByHash = new Map(orphans.map((o) => [o.hash, o]));
    return layout.cells.map((cell): CardData => ({ cell, block: byHash.get(cell.hash) ?? null, orphan: orphanByHash.get(cell.hash) ?? null }));
  }, [layout, blocks, orphans]);

  const reorg = useRecentReorg(reorgs);
  const moved = useMemo(() => {
    const m = new Map<string, 'out' | 'in'>();
    if (reorg) {
      for (const d of reorg.disconnected) m.set(d.hash, 'out');
      for (const c of reorg.connected) m.set(c.hash, 'in');
    }
    return m;
  }, [reorg]);

  const selectedSummary = blocks.find((b) => b.hash === selected) ?? null;
  const selectedOrphan = selectedSummary ? null : (orphans.find((o) => o.hash === selected) ?? null);

  return (
    <div className="chain-view" data-testid="panel-chain">
      {reorg && <ReorgBanner reorg={reorg} />}
      <section className="panel chain-tree-panel" aria-labelledby="chain-tree-title" data-testid="chain-tree">
        <h2 id="chain-tree-title">{t('chainView.treeTitle')}</h2>
        <Legend />
        <Tree layout={layout} cards={cards} selected={selected} tip={tip} moved={moved} onSelect={setPicked} />
      </section>
      <section className="panel block-detail" aria-labelledby="block-detail-title" data-testid="block-detail">
        {selected && (selectedSummary || selectedOrphan) ? (
          <BlockDetail hash={selected} summary={selectedSummary} orphan={!!selectedOrphan} titleId="block-detail-title" />
        ) : (
          <>
            <h2 id="block-detail-title">{t('chainView.detailTitle')}</h2>
            <p className="muted">{t('chainView.pickBlock')}</p>
          </>
        )}
      </section>
    </div>
  );
}

/** The latest reorg while it is recent enough to animate (it goes away after REORG_SHOWN_MS). */
function useRecentReorg(reorgs: ReorgSummary[]): ReorgSummary | null {
  const last = reorgs[reorgs.length - 1] ?? null;
  const [shown, setShown] = useState<ReorgSummary | null>(null);
  useEffect(() => {
    if (!last || Date.now() - last.time > REORG_SHOWN_MS) return;
    setShown(last);
    const timer = setTimeout(() => setShown(null), REORG_SHOWN_MS - (Date.now() - last.time));
    return () => clearTimeout(timer);
  }, [last]);
  return shown;
}

function Legend() {
  const { t } = useTranslation();
  return (
    <ul className="chain-legend" aria-label={t('chainView.legend')}>
      <li><span className="legend-card card-active" aria-hidden="true" /> {t('chainView.kind.active')}</li>
      <li><span className="legend-card card-side" aria-hidden="true" /> {t('chainView.kind.side')}</li>
      <li><span className="legend-card card-orphan" aria-hidden="true" /> {t('chainView.kind.orphan')}</li>
      <li><span className="legend-card card-invalid" aria-hidden="true" /> {t('chainView.kind.invalidShort')}</li>
      <li><mark className="zeros">0000</mark> {t('chainView.legendZeros')}</li>
      <li className="terms"><Term id="block" /> <Term id="genesis" /> <Term id="fork" /> <Term id="reorg" /> <Term id="pow" /></li>
    </ul>
  );
}

/** The grid of cards with SVG connectors from each block to its parent (the "prev" link). */
function Tree({ layout, cards, selected, tip, moved, onSelect }: {
  layout: TreeLayout;
  cards: CardData[];
  selected: string | null;
  tip: string | null;
  moved: Map<string, 'out' | 'in'>;
  onSelect: (hash: string) => void;
}) {
  const { t } = useTranslation();
  const refs = useRef(new Map<string, HTMLButtonElement>());
  const width = layout.lanes * W + (layout.lanes - 1) * G;
  const height = layout.rows * H + Math.max(0, layout.rows - 1) * G;
  const x = (lane: number) => lane * (W + G) + W / 2;
  const y = (row: number) => row * (H + G);

  // Arrow keys walk the tree: down = parent (older), up = child, left/right = other lanes.
  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      const current = cards.find((c) => c.cell.hash === (document.activeElement as HTMLElement | null)?.dataset.hash);
      if (!current) return;
      const { lane, row } = current.cell;
      let next: CardData | undefined;
      const nearest = (list: CardData[], key: (c: CardData) => number) => list.sort((a, b) => key(a) - key(b))[0];
      if (e.key === 'ArrowDown') next = current.cell.parent ? cards.find((c) => c.cell.lane === current.cell.parent!.lane && c.cell.row === current.cell.parent!.row) : undefined;
      else if (e.key === 'ArrowUp') next = nearest(cards.filter((c) => c.cell.parent?.row === row && c.cell.parent.lane === lane), (c) => c.cell.lane);
      else if (e.key === 'ArrowRight') next = nearest(cards.filter((c) => c.cell.lane > lane), (c) => (c.cell.lane - lane) * 1000 + Math.abs(c.cell.row - row));
      else if (e.key === 'ArrowLeft') next = nearest(cards.filter((c) => c.cell.lane < lane), (c) => (lane - c.cell.lane) * 1000 + Math.abs(c.cell.row - row));
      else return;
      e.preventDefault();
      if (next) refs.current.get(next.cell.hash)?.focus();
    },
    [cards],
  );

  if (!cards.length) return <p className="muted">{t('chainView.noBlocks')}</p>;
  const laneTitle = (lane: number) =>
    lane === layout.orphanLane ? t('chainView.orphanLane') : lane === 0 ? t('chainView.kind.active') : t('chainView.kind.side');
  return (
    <div className="tree-scroll">
      <div className="tree-head" aria-hidden="true" style={{ gridTemplateColumns: `repeat(${layout.lanes}, ${W}em)`, columnGap: `${G}em`, width: `${width}em` }}>
        {Array.from({ length: layout.lanes }, (_, lane) => (
          <span key={lane} className={`lane-title lane-${lane === layout.orphanLane ? 'orphan' : lane === 0 ? 'active' : 'side'}`}>{laneTitle(lane)}</span>
        ))}
      </div>
      <div
        className="chain-tree"
        role="group"
        aria-label={t('chainView.treeAria')}
        onKeyDown={onKeyDown}
        style={{ gridTemplateColumns: `repeat(${layout.lanes}, ${W}em)`, gridAutoRows: `${H}em`, gap: `${G}em`, width: `${width}em`, height: `${height}em` }}
      >
        <svg className="tree-links" aria-hidden="true" width={`${width}em`} height={`${height}em`} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none">
          {layout.orphanLane !== null && (
            <line className="orphan-divider" x1={layout.orphanLane * (W + G) - G / 2} y1={0} x2={layout.orphanLane * (W + G) - G / 2} y2={height} />
          )}
          {cards.map(({ cell }) =>
            cell.parent ? (
              <path
                key={cell.hash}
                className={`link link-${cell.kind}`}
                d={`M ${x(cell.lane)} ${y(cell.row) + H} V ${y(cell.row) + H + G / 2} H ${x(cell.parent.lane)} V ${y(cell.parent.row)}`}
              />
            ) : null,
          )}
        </svg>
        {cards.map((c) => (
          <BlockCard
            key={c.cell.hash}
            data={c}
            selected={c.cell.hash === selected}
            isTip={c.cell.hash === tip}
            moved={moved.get(c.cell.hash) ?? null}
            onSelect={onSelect}
            refs={refs.current}
          />
        ))}
      </div>
    </div>
  );
}

/** One block as a card: the fields of its header a student compares between blocks. */
interface CardProps {
  data: CardData;
  selected: boolean;
  isTip: boolean;
  moved: 'out' | 'in' | null;
  onSelect: (hash: string) => void;
  /** Focus targets for arrow-key navigation, by hash. */
  refs: Map<string, HTMLButtonElement>;
}

const BlockCard = memo(function BlockCard({ data, selected, isTip, moved, onSelect, refs }: CardProps) {
  const { t, i18n } = useTranslation();
  const { cell, block, orphan } = data;
  const b = block ?? orphan;
  if (!b) return null;
  const invalid = block?.invalid;
  const kind = invalid ? 'invalid' : cell.kind;
  const height = block ? block.height : null;
  const status = invalid ? t('chainView.kind.invalid', { reason: invalid }) : isTip ? t('chainView.kind.tip') : t(`chainView.kind.${cell.kind}`);
  const time = new Date(b.time * 1000).toLocaleTimeString(i18n.resolvedLanguage, { hour12: false });
  const style = { gridRow: cell.row + 1, gridColumn: cell.lane + 1, '--slide': `${-cell.lane * (W + G)}em` } as CSSProperties;
  return (
    <button
      type="button"
      ref={(el) => {
        if (el) refs.set(b.hash, el);
        else refs.delete(b.hash);
      }}
      className={`block-card card-${kind} ${selected ? 'selected' : ''} ${isTip ? 'tip' : ''} ${moved ? `moved-${moved}` : ''}`}
      style={style}
      data-hash={b.hash}
      data-branch={kind}
      data-testid={height !== null ? `block-${height}` : `orphan-${b.hash}`}
      aria-pressed={selected}
      aria-label={t('chainView.cardAria', { height: height ?? '?', hash: short(b.hash, 16), status })}
      onClick={() => onSelect(b.hash)}
    >
      <span className="card-line card-head">
        <strong>{height !== null ? `#${height}` : t('chainView.noHeight')}</strong>
        <span className={`tag tag-${kind}`}>{status}</span>
        <span className="card-txs">{t('chainView.txs', { count: b.txCount })}</span>
      </span>
      <span className="card-line"><span className="k">{t('chainView.f.hash')}</span> <Hash hex={b.hash} chars={22} /></span>
      <span className="card-line"><span className="k">{t('chainView.f.prev')}</span> <Hash hex={b.prev} chars={22} /></span>
      <span className="card-line"><span className="k">{t('chainView.f.time')}</span> {time} <span className="k">{t('chainView.f.nonce')}</span> <span className="mono">{b.nonce}</span></span>
      <span className="card-line"><span className="k">{t('chainView.f.bits')}</span> <span className="mono">{bitsHex(b.bits)}</span> <span className="k">{t('chainView.f.target')}</span> <Hash hex={targetHex(b.bits)} chars={12} /></span>
      <span className="card-line"><span className="k">{t('chainView.f.miner')}</span> <span className="mono">{short(b.miner, 16)}</span></span>
      {moved === 'out' && <span className="card-line moved-note">{t('chainView.movedOut')}</span>}
    </button>
  );
}, sameCard);

/** Cards are rebuilt on every chain change; re-render only those whose place or state changed. */
function sameCard(a: CardProps, b: CardProps): boolean {
  const x = a.data;
  const y = b.data;
  return (
    a.selected === b.selected && a.isTip === b.isTip && a.moved === b.moved && a.onSelect === b.onSelect &&
    x.cell.hash === y.cell.hash && x.cell.lane === y.cell.lane && x.cell.row === y.cell.row && x.cell.kind === y.cell.kind &&
    x.block?.active === y.block?.active && x.block?.invalid === y.block?.invalid && !!x.orphan === !!y.orphan
  );
}

/** "Reorg!": which blocks left the active chain, which joined it, which txs went back to the mempool. */
function ReorgBanner({ reorg }: { reorg: ReorgSummary }) {
  const { t } = useTranslation();
  const [closed, setClosed] = useState<number | null>(null);
  if (closed === reorg.id) return null;
  const label = (h: { hash: string; height: number }) => `#${h.height} ${short(h.hash, 12)}`;
  const txs = reorg.disconnected.flatMap((d) => d.txids);
  const lost = txs.filter((x) => !reorg.returned.includes(x));
  return (
    <div className="reorg-banner" role="status" data-testid="reorg-banner">
      <p className="reorg-title">
        <strong>{t('chainView.reorg.title', { height: reorg.fork.height })}</strong>{' '}
        {t('chainView.reorg.summary', { out: reorg.disconnected.length, in: reorg.connected.length })}
      </p>
      <ul className="reorg-moves">
        <li>
          <span className="move-out">{t('chainView.reorg.left')}</span>{' '}
          <span className="mono">{reorg.disconnected.map(label).join(', ')}</span>
        </li>
        <li>
          <span className="move-in">{t('chainView.reorg.joined')}</span>{' '}
          <span className="mono">{reorg.connected.map(label).join(', ')}</span>
        </li>
        <li>
          {reorg.returned.length ? (
            <>
              {t('chainView.reorg.returned', { count: reorg.returned.length })}{' '}
              {reorg.returned.map((x) => (
                <span key={x} className="tx-chip tx-returning mono" data-testid="reorg-returned-tx">↩ {short(x, 12)}</span>
              ))}
            </>
          ) : (
            t('chainView.reorg.noneReturned')
          )}
          {lost.length > 0 && <span className="muted"> {t('chainView.reorg.notReturned', { count: lost.length })}</span>}
        </li>
      </ul>
      <button type="button" className="reorg-close" onClick={() => setClosed(reorg.id)} aria-label={t('chainView.reorg.dismiss')}>
        ×
      </button>
    </div>
  );
}
