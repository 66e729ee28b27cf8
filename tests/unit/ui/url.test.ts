import { describe, expect, it } from 'vitest';
import { nodeAddressToSearch, parseNodeAddress, withNodeAddress } from '../../../src/ui/runtime/url';

describe('the page URL of a node', () => {
  it('reads back the address it writes', () => {
    const a = { network: 'class-7', role: 'miner' as const, node: '3', topology: 'mesh' as const, preset: 'regtest' as const, interval: 10, tutorial: true };
    expect(parseNodeAddress(nodeAddressToSearch(a))).toEqual(a);
  });

  it('writes the picked node id and keeps every page-only parameter (lesson, signalling, ping, par, view, language)', () => {
    const page = '?network=c1&role=wallet&lesson=doubleSpend&signal=https%3A%2F%2Fsig.example%3A9000%2Fpeerjs&relay=1&ping=1000&par=0&view=messages&lang=ko';
    const search = withNodeAddress(page, { network: 'c1', role: 'wallet', topology: 'star', node: '12' });
    const q = new URLSearchParams(search);
    expect(parseNodeAddress(search)).toEqual({ network: 'c1', role: 'wallet', topology: 'star', node: '12' });
    expect(q.get('lesson')).toBe('doubleSpend');
    expect(q.get('signal')).toBe('https://sig.example:9000/peerjs');
    expect(q.get('relay')).toBe('1');
    expect(q.get('ping')).toBe('1000');
    expect(q.get('par')).toBe('0');
    expect(q.get('view')).toBe('messages');
    expect(q.get('lang')).toBe('ko');
  });

  it('knows every parameter an address writes: a page already at its address comes back unchanged', () => {
    const full = { network: 'c1', role: 'miner' as const, node: '4', topology: 'mesh' as const, preset: 'classroom' as const, interval: 30, ice: 'stun:10.0.0.1:3478', tutorial: true };
    const search = nodeAddressToSearch(full);
    expect(withNodeAddress(search, full)).toBe(search);
  });

  it('lets the address win over what the page said of it, once each', () => {
    const search = withNodeAddress('?network=c1&role=miner&node=4&tutorial=1&preset=regtest', { network: 'c1', role: 'miner', topology: 'star', node: '5' });
    const q = new URLSearchParams(search);
    expect(q.getAll('node')).toEqual(['5']);
    expect(q.has('tutorial')).toBe(false);
    expect(q.has('preset')).toBe(false);
  });
});
