/**
 * A tab's node wired headless (fake-indexeddb, the in-memory network, a main-thread miner): the
 * central creates the network with a teacher key and keeps the secret; a wallet joins; a teacher
 * command and the address book survive the wallet's reload; the central comes back as the same
 * network with the same teacher.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { MemoryNetwork } from '../../../src/adapters/memory/network';
import { NodeStore, databaseName } from '../../../src/adapters/idb/nodeStore';
import { startTabNode, type TabNode } from '../../../src/app/tabNode';
import { encodeSignedTeacherCommand, signTeacherCommand, teacherPublicKey, toHex } from '../../../src/core';
import { TestMiner } from '../../helpers/testMiner';
import type { Role } from '../../../src/node/events';

async function open(net: MemoryNetwork, network: string, id: string, role: Role): Promise<TabNode> {
  const store = await NodeStore.open(databaseName(network, id));
  return startTabNode({
    network, id, role, topology: 'mesh', preset: 'regtest', transport: net.transport(id), miner: new TestMiner(), store, saved: await store.load(),
    clock: net.clock, random: net.random,
  });
}

async function settle(net: MemoryNetwork): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setImmediate(r));
    if (net.flush() === 0 && net.pending === 0) return;
  }
}

describe('a tab node without a page', () => {
  it('creates, joins, reloads: the teacher key, its commands and the address book persist', async () => {
    const net = new MemoryNetwork({ seed: 3 });
    const network = `headless${Date.now() % 100000}`;
    const central = await open(net, network, '3000', 'central');
    expect(central.teacherSecret).not.toBeNull();
    expect(central.node.params?.teacherKey).toBe(toHex(teacherPublicKey(central.teacherSecret!)));
    let wallet = await open(net, network, '3001', 'wallet');
    const other = await open(net, network, '3002', 'wallet');
    await settle(net);
    expect(wallet.node.height).toBe(0);
    expect(wallet.node.params?.teacherKey).toBe(central.node.params?.teacherKey);

    const pause = encodeSignedTeacherCommand(signTeacherCommand({ network, counter: 1, time: Math.floor(net.clock.now() / 1000), action: { kind: 'mining', paused: true } }, central.teacherSecret!));
    expect(central.node.teacherCommand(pause)).toBeNull();
    await settle(net);
    expect(wallet.node.teacherState().miningPaused).toBe(true);
    expect(wallet.node.knownNodes()).toEqual(expect.arrayContaining(['3000', '3002']));
    await wallet.store.flushed();
    wallet.stop();

    // The wallet reloads: the pause and the address book come back from its database, before any peer.
    wallet = await open(net, network, '3001', 'wallet');
    expect(wallet.node.teacherState().miningPaused).toBe(true);
    expect(wallet.node.knownAddresses().map((a) => a.id)).toEqual(expect.arrayContaining(['3000', '3002']));

    await central.store.flushed();
    const key = central.node.params?.teacherKey;
    central.stop();
    const back = await open(net, network, '3000', 'central');
    expect(back.node.params?.teacherKey).toBe(key);
    expect(back.teacherSecret && toHex(back.teacherSecret)).toBe(toHex(central.teacherSecret!));
    for (const t of [back, wallet, other]) t.stop();
  });
});
