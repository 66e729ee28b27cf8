import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useView } from '../../useView';
import { clockTime } from '../../format';
import { annotateFrame } from '../../../node/wire/annotate';
import type { CompactBlockEvent, MessageEvent } from '../../../node/events';
import { HexDump } from './HexDump';
import { Term } from '../../components/Term';
import { localSummary } from '../../summary';
import { isKeepalive } from '../network/commandColors';

/**
 * Every message in and out as a sequence diagram (this node in the middle column, each peer a
 * lane), filterable by command and peer; selecting one shows its decoded fields and bytes.
 */
export function MessagesView() {
  const { t } = useTranslation();
  const messages = useView((s) => s.messages);
  const rejections = useView((s) => s.rejections);
  const nodeId = useView((s) => s.nodeId);
  const [command, setCommand] = useState('');
  const [peer, setPeer] = useState('');
  const [selected, setSelected] = useState<MessageEvent | null>(null);
  // Keepalives (a ping and a pong every few seconds per link) would bury version, inv, tx and block.
  const [keepalive, setKeepalive] = useState(false);
  const commands = useMemo(() => [...new Set(messages.map((m) => m.command))].sort(), [messages]);
  const peers = useMemo(() => [...new Set(messages.map((m) => m.peer))].sort(), [messages]);
  const shown = useMemo(
    () => messages.filter((m) => (!command || m.command === command) && (!peer || m.peer === peer) && (keepalive || command === m.command || !isKeepalive(m.command))).slice(-300).reverse(),
    [messages, command, peer, keepalive],
  );
  return (
    <div className="messages-view" data-testid="panel-messages">
      <section className="panel" aria-labelledby="msg-title">
        <h2 id="msg-title">{t('msgview.title', { n: messages.length })}</h2>
        <div className="filters">
          <label>
            {t('msgview.command')}
            <select value={command} onChange={(e) => setCommand(e.target.value)}>
              <option value="">{t('msgview.all')}</option>
              {commands.map((c) => (
                <option key={c} value={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            {t('msgview.peer')}
            <select value={peer} onChange={(e) => setPeer(e.target.value)}>
              <option value="">{t('msgview.all')}</option>
              {peers.map((p) => (
                <option key={p} value={p}>{p}</option>
              ))}
            </select>
          </label>
          <label className="choice">
            <input type="checkbox" checked={keepalive} onChange={(e) => setKeepalive(e.target.checked)} data-testid="show-keepalive" /> {t('msgx.showKeepalive')}
          </label>
        </div>
        <p className="muted small">{t('msgx.intro')} <Term id="inv" /> <Term id="nodeinfo" /></p>
        <div className="log sequence" role="log" aria-label={t('msgview.title', { n: messages.length })}>
          <table>
            <thead>
              <tr>
                <th>{t('msgview.time')}</th>
                <th>{t('msgview.from')}</th>
                <th aria-hidden="true" />
                <th>{t('msgview.to')}</th>
                <th>{t('msgview.command')}</th>
                <th>{t('msgview.bytes')}</th>
                <th>{t('msgview.summary')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((m) => {
                const rej = rejections[m.id];
                const reason = rej?.reason ?? m.reason;
                const [from, to] = m.dir === 'out' ? [nodeId, m.peer] : [m.peer, nodeId];
                return (
                  <tr
                    key={m.id}
                    className={`${reason ? 'rejected' : ''} ${selected?.id === m.id ? 'selected' : ''}`}
                    data-command={m.command}
                    tabIndex={0}
                    aria-selected={selected?.id === m.id}
                    onClick={() => setSelected(m)}
                    onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), setSelected(m))}
                  >
                    <td className="mono">{clockTime(m.time)}</td>
                    <td className={from === nodeId ? 'self' : ''}>{from}</td>
                    <td aria-hidden="true" className="arrow">{'──▶'}</td>
                    <td className={to === nodeId ? 'self' : ''}>{to}</td>
                    <td><span className={`cmd cmd-${m.command}`}>{m.command}</span></td>
                    <td>{m.bytes}</td>
                    <td>
                      {localSummary(t, m.command, m.summary)}
                      {reason && <div className="reason">{t('msgview.rejected', { reason })}{rej?.punished ? ` · ${t('msgview.punished')}` : ''}</div>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
      <MessageDetail message={selected} reason={selected ? rejections[selected.id]?.reason ?? selected.reason : undefined} />
    </div>
  );
}

/** Decoded fields and the annotated hex dump of one message. */
function MessageDetail({ message, reason }: { message: MessageEvent | null; reason?: string }) {
  const { t } = useTranslation();
  const fields = useMemo(() => (message ? annotateFrame(message.raw) : []), [message]);
  const compact = useView((s) => (message ? s.compact[message.id] : undefined));
  return (
    <section className="panel detail" aria-labelledby="msg-detail-title" data-testid="message-detail">
      <h2 id="msg-detail-title">{message ? t('msgview.detailTitle', { command: message.command, bytes: message.bytes }) : t('msgview.pick')}</h2>
      {message && (
        <>
          <p>
            {message.dir === 'in' ? t('msgview.receivedFrom', { peer: message.peer }) : t('msgview.sentTo', { peer: message.peer })} · {clockTime(message.time)}
          </p>
          <p className="muted">{t(`msgview.explain.${message.command}`, { defaultValue: t('msgview.explain.other') })}</p>
          {reason && <p className="reason" role="alert">{t('msgview.rejected', { reason })}</p>}
          {compact && <CompactRebuild c={compact} />}
          {message.raw.length < message.bytes && <p className="muted small">{t('msgview.rawCut', { shown: message.raw.length, bytes: message.bytes })}</p>}
          <HexDump bytes={message.raw} fields={fields} />
        </>
      )}
    </section>
  );
}

/**
 * How this node rebuilt a compact block (BIP 152) from the message: which of the block's
 * transactions came whole, which it already had (matched by short id in its mempool or among
 * orphan transactions), and which it had to ask for — in words and as a bar, never colour alone.
 */
function CompactRebuild({ c }: { c: CompactBlockEvent }) {
  const { t } = useTranslation();
  const fromPool = c.mempool + c.extra;
  const parts = [
    { key: 'prefilled', n: c.prefilled },
    { key: 'mempool', n: fromPool },
    { key: 'fetched', n: c.missing },
  ].filter((p) => p.n > 0);
  return (
    <section className="compact-rebuild" aria-labelledby="compact-title" data-testid="compact-rebuild" data-stage={c.stage}>
      <h3 id="compact-title">{t('msgview.compact.title')}</h3>
      <p>{t('msgview.compact.counts', { total: c.total, prefilled: c.prefilled, mempool: c.mempool, extra: c.extra, missing: c.missing })}</p>
      {c.total > 0 && (
        <div className="compact-bar" role="img" aria-label={t('msgview.compact.counts', { total: c.total, prefilled: c.prefilled, mempool: c.mempool, extra: c.extra, missing: c.missing })}>
          {parts.map((p) => (
            <span key={p.key} className={`seg seg-${p.key}`} style={{ flexGrow: p.n }}>
              {t(`msgview.compact.seg.${p.key}`, { n: p.n })}
            </span>
          ))}
        </div>
      )}
      <p>{t(`msgview.compact.stage.${c.stage}`, { peer: c.peer, missing: c.missing, fetched: c.fetched, debug: c.debug ?? '' })}</p>
      {c.collisions > 0 && <p className="muted">{t('msgview.compact.collisions', { n: c.collisions })}</p>}
    </section>
  );
}
