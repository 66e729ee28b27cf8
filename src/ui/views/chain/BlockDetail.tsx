import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  blockHash,
  encodeBlock,
  encodeHeader,
  HEADER_FIELDS,
  hashToHex,
  isCoinbase,
  leadingZeroBits,
  merkleTree,
  toHex,
  txid,
  txidHex,
  type Block,
  type Coin,
} from '../../../core';
import { coins, short } from '../../format';
import { useNode } from '../../runtime/context';
import { useView } from '../../useView';
import type { BlockSummary } from '../../runtime/viewStore';
import { addressOfScript, bitsHex, blockByteGroups, spacedBytes, targetHex, zeroBitsOfHex } from './blockParts';
import { Hash } from './Hash';
import { TxFlow } from '../../components/TxFlow';

type Section = 'header' | 'txs' | 'merkle' | 'raw';
const SECTIONS: Section[] = ['header', 'txs', 'merkle', 'raw'];
/** Transactions listed before "show all" (a classroom block rarely has more). */
const TX_PAGE = 40;
/** Bytes of one transaction shown in the raw view before it is cut. */
const RAW_TX_BYTES = 512;

/**
 * Everything inside one block: its header fields with their bytes, its transactions (what each
 * input spends, what each output pays), the merkle tree whose root is in the header, and the raw
 * serialization grouped by field. Reads the block from this tab's node; blocks never change.
 */
export function BlockDetail({ hash, summary, orphan, titleId }: { hash: string; summary: BlockSummary | null; orphan: boolean; titleId: string }) {
  const { t } = useTranslation();
  const tip = useView((s) => s.tip);
  const [section, setSection] = useState<Section>('header');
  const { query } = useNode();
  const data = useMemo(() => {
    const block = query.block(hash);
    if (!block) return null;
    // Undo data exists while the block is connected: the coins its inputs spent, in input order.
    return { block, undo: query.undo(hash) ?? null, active: !!summary?.active };
    // The tip is a dependency: connecting or disconnecting changes the undo data and output status.
  }, [query, hash, tip, summary?.active]);

  const title = summary ? t('chainView.detail.title', { height: summary.height }) : t('chainView.detail.orphanTitle');
  if (!data)
    return (
      <>
        <h2 id={titleId}>{title}</h2>
        <p className="muted">{t('chainView.detail.missing')}</p>
      </>
    );
  const status = summary?.invalid
    ? t('chainView.kind.invalid', { reason: summary.invalid })
    : orphan
      ? t('chainView.kind.orphan')
      : summary?.active
        ? t('chainView.kind.active')
        : t('chainView.kind.side');
  return (
    <>
      <h2 id={titleId}>
        {title} <span className="tag">{status}</span>
      </h2>
      <p className="detail-hash">
        <Hash hex={hash} />
      </p>
      <div className="segmented" role="group" aria-label={t('chainView.detail.sections')}>
        {SECTIONS.map((s) => (
          <button key={s} type="button" aria-pressed={section === s} className={section === s ? 'on' : ''} onClick={() => setSection(s)}>
            {t(`chainView.detail.section.${s}`)}
          </button>
        ))}
      </div>
      {section === 'header' && <HeaderFields block={data.block} height={summary?.height ?? null} />}
      {section === 'txs' && <Transactions block={data.block} undo={data.undo} active={data.active} utxoHas={(k) => !!query.coin(k)} />}
      {section === 'merkle' && <MerkleTree block={data.block} />}
      {section === 'raw' && <RawBytes block={data.block} />}
    </>
  );
}

function HeaderFields({ block, height }: { block: Block; height: number | null }) {
  const { t, i18n } = useTranslation();
  const h = block.header;
  const bytes = encodeHeader(h);
  const hex = (key: string) => {
    const f = HEADER_FIELDS.find((x) => x.key === key)!;
    return spacedBytes(toHex(bytes.subarray(f.start, f.start + f.length)));
  };
  const root = merkleTree(block.txs.map(txid)).at(-1)![0]!;
  const rootOk = hashToHex(root) === hashToHex(h.merkleRoot);
  const target = targetHex(h.bits);
  const hash = blockHash(h);
  const hashHex = hashToHex(hash);
  const meets = BigInt(`0x${hashHex}`) <= BigInt(`0x${target}`);
  return (
    <div className="table-scroll">
      <table className="header-fields">
        <caption className="sr-only">{t('chainView.detail.section.header')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('chainView.detail.field')}</th>
            <th scope="col">{t('chainView.detail.value')}</th>
            <th scope="col">{t('chainView.detail.bytes')}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{t('chainView.h.version')}</th>
            <td>{h.version}</td>
            <td className="mono bytes">{hex('version')}</td>
          </tr>
          <tr>
            <th scope="row">{t('chainView.h.prevHash')}</th>
            <td>
              <Hash hex={hashToHex(h.prevHash)} />
              <div className="muted">{height !== null && height > 0 ? t('chainView.h.prevNote', { height: height - 1 }) : height === 0 ? t('chainView.h.genesisPrev') : t('chainView.h.prevUnknown')}</div>
            </td>
            <td className="mono bytes">{hex('prevHash')}</td>
          </tr>
          <tr>
            <th scope="row">{t('chainView.h.merkleRoot')}</th>
            <td>
              <span className="mono">{hashToHex(h.merkleRoot)}</span>
              <div className={rootOk ? 'ok' : 'error'}>{rootOk ? t('chainView.h.rootOk') : t('chainView.h.rootBad')}</div>
            </td>
            <td className="mono bytes">{hex('merkleRoot')}</td>
          </tr>
          <tr>
            <th scope="row">{t('chainView.h.time')}</th>
            <td>
              {h.time} <span className="muted">({new Date(h.time * 1000).toLocaleString(i18n.resolvedLanguage, { hour12: false })})</span>
            </td>
            <td className="mono bytes">{hex('time')}</td>
          </tr>
          <tr>
            <th scope="row">{t('chainView.h.bits')}</th>
            <td>
              <span className="mono">0x{bitsHex(h.bits)}</span>
              <div>
                {t('chainView.h.target')} <Hash hex={target} bits={zeroBitsOfHex(target)} />
              </div>
            </td>
            <td className="mono bytes">{hex('bits')}</td>
          </tr>
          <tr>
            <th scope="row">{t('chainView.h.nonce')}</th>
            <td>
              {h.nonce} <span className="muted mono">(0x{(h.nonce >>> 0).toString(16)})</span>
            </td>
            <td className="mono bytes">{hex('nonce')}</td>
          </tr>
          <tr className="computed">
            <th scope="row">{t('chainView.h.hash')}</th>
            <td colSpan={2}>
              <Hash hex={hashHex} bits={leadingZeroBits(hash)} />
              <div className={meets ? 'ok' : 'error'}>{meets ? t('chainView.h.meets') : t('chainView.h.misses')}</div>
              <div className="muted">{t('chainView.h.hashNote')}</div>
            </td>
          </tr>
        </tbody>
      </table>
      <p className="muted">{t('chainView.h.littleEndian')}</p>
    </div>
  );
}

function Transactions({ block, undo, active, utxoHas }: { block: Block; undo: readonly Coin[] | null; active: boolean; utxoHas: (key: string) => boolean }) {
  const { t } = useTranslation();
  const [all, setAll] = useState(false);
  // Undo coins are in input order over the block's non-coinbase transactions.
  const spent = useMemo(() => {
    const out: (Coin | null)[][] = [];
    let u = 0;
    for (const tx of block.txs) out.push(isCoinbase(tx) ? [] : tx.inputs.map(() => (undo ? (undo[u++] ?? null) : null)));
    return out;
  }, [block, undo]);
  const shown = all ? block.txs : block.txs.slice(0, TX_PAGE);
  return (
    <div className="block-txs">
      {!undo && <p className="muted">{t('chainView.tx.noUndo')}</p>}
      <ol className="tx-list">
        {shown.map((tx, i) => {
          const id = txidHex(tx);
          const cb = isCoinbase(tx);
          const ins = spent[i]!;
          const inSum = ins.every((c) => c) ? ins.reduce((s, c) => s + c!.value, 0n) : null;
          const outSum = tx.outputs.reduce((s, o) => s + o.value, 0n);
          return (
            <li key={`${id}-${i}`} className="tx-card" data-testid="block-tx" data-txid={id}>
              <p className="tx-head">
                <strong>{t('chainView.tx.title', { index: i })}</strong> {cb && <span className="tag">{t('chainView.tx.coinbase')}</span>}{' '}
                <span className="mono" title={id}>{short(id, 20)}</span>
                {!cb && inSum !== null && <span className="muted"> · {t('chainView.tx.fee', { fee: coins(inSum - outSum) })}</span>}
              </p>
              <TxFlow
                inTitle={t('chainView.tx.inputs')}
                inputs={
                  cb ? (
                    <li>{t('chainView.tx.newCoins')}</li>
                  ) : (
                    tx.inputs.map((input, k) => {
                      const key = `${hashToHex(input.prevout.txid)}:${input.prevout.vout}`;
                      const coin = ins[k];
                      return (
                        <li key={k}>
                          {t('chainView.tx.spends')} <span className="mono" title={key}>{short(hashToHex(input.prevout.txid), 12)}:{input.prevout.vout}</span>
                          {coin && (
                            <>
                              {' '}— <strong>{coins(coin.value)}</strong> {t('chainView.tx.coinsOf')} <span className="mono">{short(addressOfScript(coin.script) ?? t('chainView.tx.nonStandard'), 14)}</span>
                            </>
                          )}
                        </li>
                      );
                    })
                  )
                }
                outTitle={t('chainView.tx.outputs')}
                outputs={
                  tx.outputs.map((o, v) => {
                    const unspent = utxoHas(`${id}:${v}`);
                    return (
                      <li key={v}>
                        <span className="muted">#{v}</span> <strong>{coins(o.value)}</strong> → <span className="mono">{short(addressOfScript(o.script) ?? t('chainView.tx.nonStandard'), 14)}</span>{' '}
                        <span className={`tag ${unspent ? 'tag-ok' : ''}`}>{!active ? t('chainView.tx.notActive') : unspent ? t('chainView.tx.unspent') : t('chainView.tx.spent')}</span>
                      </li>
                    );
                  })
                }
              />
            </li>
          );
        })}
      </ol>
      {!all && block.txs.length > TX_PAGE && (
        <button type="button" onClick={() => setAll(true)}>{t('chainView.tx.showAll', { count: block.txs.length })}</button>
      )}
    </div>
  );
}

function MerkleTree({ block }: { block: Block }) {
  const { t } = useTranslation();
  const levels = useMemo(() => merkleTree(block.txs.map(txid)), [block]);
  const root = hashToHex(levels[levels.length - 1]![0]!);
  const ok = root === hashToHex(block.header.merkleRoot);
  const leaves = levels[0]!.length;
  const columns = 2 ** (levels.length - 1);
  const asGrid = columns <= 32;
  return (
    <div className="merkle">
      <p>{t('chainView.merkle.intro')}</p>
      <p className={ok ? 'ok' : 'error'} data-testid="merkle-root-check">
        {ok ? t('chainView.merkle.matches', { root: short(root, 16) }) : t('chainView.merkle.differs', { root: short(root, 16) })}
      </p>
      <ol className="merkle-levels" aria-label={t('chainView.merkle.aria', { count: leaves })}>
        {[...levels].reverse().map((level, r) => {
          const depth = levels.length - 1 - r; // 0 = leaves
          const span = 2 ** depth;
          const odd = level.length > 1 && level.length % 2 === 1;
          const label = depth === levels.length - 1 ? t('chainView.merkle.root') : depth === 0 ? t('chainView.merkle.leaves') : t('chainView.merkle.level', { n: depth });
          return (
            <li key={depth} className="merkle-level">
              <span className="merkle-label">{label}</span>
              <ul className={asGrid ? 'merkle-row grid' : 'merkle-row'} style={asGrid ? { gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` } : undefined}>
                {level.map((h, j) => (
                  <li key={j} className={`merkle-node ${depth === 0 ? 'leaf' : ''}`} style={asGrid ? { gridColumn: `${j * span + 1} / span ${span}` } : undefined} title={hashToHex(h)}>
                    {depth === 0 && <span className="merkle-tx">{j === 0 ? t('chainView.merkle.coinbaseLeaf') : t('chainView.merkle.txLeaf', { index: j })}</span>}
                    <span className="mono">{hashToHex(h).slice(0, 8)}…</span>
                  </li>
                ))}
                {odd && (
                  <li className="merkle-node copy" style={asGrid ? { gridColumn: `${level.length * span + 1} / span ${span}` } : undefined}>
                    <span className="merkle-tx">{t('chainView.merkle.copy')}</span>
                    <span className="mono">{hashToHex(level[level.length - 1]!).slice(0, 8)}…</span>
                  </li>
                )}
              </ul>
            </li>
          );
        })}
      </ol>
      <p className="muted">{t('chainView.merkle.note')}</p>
    </div>
  );
}

function RawBytes({ block }: { block: Block }) {
  const { t } = useTranslation();
  const [full, setFull] = useState(false);
  const bytes = encodeBlock(block);
  const groups = useMemo(() => blockByteGroups(bytes, block), [bytes, block]);
  return (
    <div className="raw-bytes">
      <p>{t('chainView.raw.intro', { count: bytes.length })}</p>
      <div className="table-scroll">
        <table className="byte-groups">
          <caption className="sr-only">{t('chainView.detail.section.raw')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('chainView.raw.offset')}</th>
              <th scope="col">{t('chainView.detail.field')}</th>
              <th scope="col">{t('chainView.detail.bytes')}</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => {
              const len = g.hex.length / 2;
              const cut = !full && g.kind === 'tx' && len > RAW_TX_BYTES;
              return (
                <tr key={`${g.kind}-${g.key}-${g.index ?? ''}`} className={`bytes-${g.kind} bytes-${g.key}`}>
                  <td className="mono">{g.start}</td>
                  <th scope="row">
                    {g.kind === 'tx' ? t('chainView.raw.tx', { index: g.index, count: len }) : g.kind === 'count' ? t('chainView.raw.count', { count: block.txs.length }) : t(`chainView.h.${g.key}`)}
                    {g.kind === 'header' && <span className="muted"> · {t('chainView.raw.headerBytes', { count: len })}</span>}
                  </th>
                  <td className="mono bytes">
                    {spacedBytes(cut ? g.hex.slice(0, RAW_TX_BYTES * 2) : g.hex)}
                    {cut && <span className="muted"> … {t('chainView.raw.more', { count: len - RAW_TX_BYTES })}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {!full && groups.some((g) => g.kind === 'tx' && g.hex.length / 2 > RAW_TX_BYTES) && (
        <button type="button" onClick={() => setFull(true)}>{t('chainView.raw.showAll')}</button>
      )}
    </div>
  );
}
