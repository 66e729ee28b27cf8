import { describe, expect, it } from 'vitest';
import { annotateFrame } from '../../../src/node/wire/annotate';
import { encodeMessage, type Message } from '../../../src/node/wire/messages';
import { TestChain, testKey, testParams } from '../../helpers/chainBuilder';

const H = 'ab'.repeat(32);

describe('message annotation for the hex dump', () => {
  const central = testKey('CENTRAL');
  const tc = new TestChain(testParams(central));
  const w = testKey('W');
  const tx = tc.pay(central, w, 3);
  const block = tc.mine(central, [tx]);
  const samples: Message[] = [
    { command: 'version', payload: { version: 70001, services: 1n, timestamp: 1_700_000_000n, addrRecv: '3000', addrFrom: '3001', nonce: 42n, userAgent: '/tabchain:0.1.0(wallet)/', startHeight: 7, relay: true, genesis: H } },
    { command: 'verack' },
    { command: 'inv', items: [{ type: 2, hash: H }, { type: 1, hash: H }] },
    { command: 'getdata', items: [{ type: 2, hash: H }] },
    { command: 'getblocks', version: 70001, locator: [H, H], stop: '00'.repeat(32) },
    { command: 'addr', addrs: [{ time: 1_700_000_000, services: 1n, id: '3002' }] },
    { command: 'ping', nonce: 9n },
    { command: 'reject', message: 'tx', code: 0x10, reason: 'bad-txns-in-belowout', hash: H },
    { command: 'tx', tx },
    { command: 'block', block },
  ];

  for (const m of samples) {
    it(`${m.command}: fields are contiguous and cover every byte`, () => {
      const frame = encodeMessage(0x0b110907, m);
      const fields = annotateFrame(frame);
      expect(fields.slice(0, 4).map((f) => f.name)).toEqual(['magic', 'command', 'length', 'checksum']);
      expect(fields[1].value).toBe(m.command);
      let pos = 0;
      for (const f of fields) {
        expect(f.start, f.name).toBe(pos);
        expect(f.end, f.name).toBeGreaterThanOrEqual(f.start);
        pos = f.end;
      }
      expect(pos).toBe(frame.length);
    });
  }

  it('reads with the codec: its labels, numbered parts, a block’s transactions grouped', () => {
    const fields = annotateFrame(encodeMessage(0x0b110907, { command: 'block', block }));
    const byName = new Map(fields.map((f) => [f.name, f]));
    expect(byName.get('header bits')!.value).toBe(`0x${block.header.bits.toString(16).padStart(8, '0')}`);
    expect(byName.get('block transactions')!.value).toBe('2');
    expect(byName.get('tx 1 in 0: prevout txid')!.group).toBe('tx');
    expect(byName.get('tx 1 out 1: output value')!.value).toBe(String(block.txs[1].outputs[1].value));
    const inv = annotateFrame(encodeMessage(1, { command: 'inv', items: [{ type: 2, hash: H }] }));
    expect(inv.slice(4).map((f) => `${f.name}=${f.value}`)).toEqual(['inventory items=1', 'item 0: inv type=MSG_BLOCK (2)', `item 0: inv hash=${H}`]);
  });

  it('stops where the decoder refuses: a relay flag of 2 ends the version message there', () => {
    const frame = encodeMessage(1, samples[0]);
    const relayAt = annotateFrame(frame).find((f) => f.name === 'relay')!.start;
    frame[relayAt] = 2;
    const fields = annotateFrame(frame);
    expect(fields.at(-1)!.name).toBe('relay');
  });

  it('shows what it can of a malformed message', () => {
    const frame = encodeMessage(1, { command: 'inv', items: [{ type: 2, hash: H }] });
    const cut = frame.subarray(0, frame.length - 10);
    const fields = annotateFrame(cut);
    expect(fields.map((f) => f.name)).toContain('inventory items');
    expect(fields.at(-1)!.end).toBeLessThanOrEqual(cut.length);
  });
});
