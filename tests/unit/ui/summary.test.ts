/**
 * Message log lines in the page's language: every summary a node writes (wire/messages
 * summarize) reads back through the English strings unchanged, and in Korean carries no English
 * word but protocol names and data.
 */
import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { resources } from '../../../src/ui/i18n/resources';
import { localSummary } from '../../../src/ui/summary';
import { summarize, type Message } from '../../../src/node/wire/messages';
import { labelText } from '../../../src/ui/labels';

const H = 'ab'.repeat(32);
const HEADER = { version: 1, prevHash: new Uint8Array(32), merkleRoot: new Uint8Array(32), time: 1_700_000_000, bits: 0x207fffff, nonce: 0 };
const MESSAGES: Message[] = [
  { command: 'version', payload: { version: 70001, services: 1n, timestamp: 1n, addrRecv: '3001', addrFrom: '3000', nonce: 1n, userAgent: '/tabchain:0.1.0(central)/', startHeight: 2, relay: true, genesis: H } },
  { command: 'verack' },
  { command: 'getaddr' },
  { command: 'getparams' },
  { command: 'params', json: '{}' },
  { command: 'addr', addrs: [{ time: 1, services: 1n, id: '3001' }] },
  { command: 'addr', addrs: [{ time: 1, services: 1n, id: '3001' }, { time: 1, services: 1n, id: '3002' }] },
  { command: 'inv', items: [{ type: 2, hash: H }] },
  { command: 'inv', items: [{ type: 2, hash: H }, { type: 2, hash: H }, { type: 1, hash: H }] },
  { command: 'getdata', items: [{ type: 1, hash: H }] },
  { command: 'getdata', items: [{ type: 4, hash: H }] },
  { command: 'getdata', items: [{ type: 4, hash: H }, { type: 4, hash: H }, { type: 2, hash: H }] },
  { command: 'notfound', items: [] },
  { command: 'getblocks', version: 70001, locator: [H, H], stop: '0'.repeat(64) },
  { command: 'getblocks', version: 70001, locator: [H], stop: H },
  { command: 'ping', nonce: 42n },
  { command: 'pong', nonce: 42n },
  { command: 'reject', message: 'tx', code: 0x10, reason: 'bad-txns-inputs-missingorspent' },
  { command: 'getheaders', version: 70014, locator: [H], stop: '0'.repeat(64) },
  { command: 'sendheaders' },
  { command: 'headers', headers: [] },
  { command: 'headers', headers: [HEADER] },
  { command: 'headers', headers: [HEADER, HEADER] },
  { command: 'sendcmpct', announce: true, version: 1n },
  { command: 'sendcmpct', announce: false, version: 1n },
  { command: 'cmpctblock', compact: { header: HEADER, nonce: 7n, shortIds: [1, 2], prefilled: [] } },
  { command: 'getblocktxn', hash: H, indexes: [1, 2] },
  { command: 'blocktxn', hash: H, txs: [] },
  { command: 'nodeinfo', records: [{ node: '3001', role: 'wallet', seq: 1, height: 2, tip: H, labels: [{ label: 'WALLET_1', hash: new Uint8Array(20) }] }] },
];

async function lang(lng: 'en' | 'ko') {
  const i = i18next.createInstance();
  await i.init({ resources, lng, fallbackLng: 'en', interpolation: { escapeValue: false } });
  return i.t.bind(i);
}

describe('message summaries in the page’s language', () => {
  it('English reads every summary back unchanged', async () => {
    const t = await lang('en');
    for (const m of MESSAGES) expect(localSummary(t, m.command, summarize(m)), m.command).toBe(summarize(m));
  });

  it('Korean leaves no English word but protocol names, ids and data', async () => {
    const t = await lang('ko');
    for (const m of MESSAGES) {
      const line = localSummary(t, m.command, summarize(m));
      const words = line.replace(/\/tabchain:[^/]*\//g, '').replace(/[0-9a-f]{8,}…?/g, '').match(/[A-Za-z_][A-Za-z_0-9]{2,}/g) ?? [];
      expect(words.filter((w) => !/^(bad|txns|inputs|missingorspent|WALLET_1|v70001|BIP)$/.test(w)), `${m.command}: ${line}`).toEqual([]); // a Core reason stays Core's
    }
  });

  it('default address labels are said in the page’s language; names people gave stay as they are', async () => {
    const ko = await lang('ko');
    expect(labelText(ko, 'wallet 3001')).toBe('지갑 3001');
    expect(labelText(ko, 'address 2')).toBe('주소 2');
    expect(labelText(ko, 'central')).toBe('중앙');
    expect(labelText(ko, 'WALLET_1')).toBe('WALLET_1');
  });
});
