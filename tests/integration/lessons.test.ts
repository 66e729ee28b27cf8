/**
 * The lessons on the in-memory network, with real blocks and transactions:
 * - slow motion, pause and step: a paused class holds every message (no block connects), waiting
 *   far longer than the stall timeout trips nothing, a step delivers exactly one message, resume
 *   delivers what waited in arrival order and the class converges; slow motion spaces messages;
 * - the double spend: two copies of one payment sent to two peers meet as `txn-mempool-conflict`,
 *   a block confirms one, every mempool evicts the other, and the merchant sees what it lost;
 * - the private chain: a 51 % attacker pays a merchant publicly, withholds a longer chain that pays
 *   the coin back, releases it, and every node reorganises: the payment leaves the public history
 *   with its confirmations; selfish mining publishes as the public chain grows;
 * - the tamper lab: each stage of a tampered block is refused by every peer with Core's reason, in
 *   order, and costs its sender the links (discouraged).
 */
import { describe, expect, it } from 'vitest';
import { TimedNetwork } from './support/timedNetwork';
import { StepMiner } from './support/stepMiner';
import { testKey } from '../helpers/chainBuilder';
import {
  COIN,
  checkInPlace,
  editBlock,
  encodeSignedTeacherCommand,
  signTeacherCommand,
  teacherPublicKey,
  toHex,
  txidHex,
  withMerkleRoot,
  type TeacherAction,
} from '../../src/core';
import type { FullNode } from '../../src/node/node';
import type { NodeEvent } from '../../src/node/events';

const TEACHER = new Uint8Array(32).fill(0x42);

function classroom(seed: number, latency = 20) {
  const tn = new TimedNetwork({ seed, latency, params: { teacherKey: toHex(teacherPublicKey(TEACHER)) } });
  let counter = 1_764_000_000_000;
  const command = (action: TeacherAction) =>
    encodeSignedTeacherCommand(signTeacherCommand({ network: tn.params.network, counter: ++counter, time: Math.floor(tn.clock.now() / 1000), action }, TEACHER));
  return { tn, command };
}

type Ev<T extends NodeEvent['type']> = Extract<NodeEvent, { type: T }>;
const of = <T extends NodeEvent['type']>(log: NodeEvent[], type: T): Ev<T>[] => log.filter((e): e is Ev<T> => e.type === type);
const connectedBlocks = (log: NodeEvent[]) => of(log, 'chain').filter((e) => e.event.type === 'block-connected').length;
const sum = (n: FullNode) => [...n.chain!.utxo.entries()].reduce((s, [, c]) => s + c.value, 0n);

describe('slow motion, pause and step', () => {
  it('a paused class holds every message; waiting trips no timeout; a step delivers one; resume delivers in order and converges', async () => {
    const { tn, command } = classroom(71);
    const C = tn.add('C', 'central', { mining: 'off' });
    const M = tn.add('M', 'miner', { seeds: ['C'], mining: 'off' });
    const W = tn.add('W', 'wallet', { seeds: ['C'] });
    await tn.runFor(2_000);
    const h0 = C.height;

    expect(C.teacherCommand(command({ kind: 'delivery', mode: 'paused', intervalMs: 0 }))).toBeNull();
    await tn.runFor(500);
    for (const n of [C, M, W]) expect(n.teacherState().delivery, n.id).toEqual({ mode: 'paused', intervalMs: 0 });
    const before = { M: connectedBlocks(tn.events.get('M')!), W: connectedBlocks(tn.events.get('W')!) };
    C.mineOnce();
    C.mineOnce();
    await tn.runFor(500);
    expect(C.height).toBe(h0 + 1);
    // The announcement (BIP 130 headers: both asked for them) waits at both peers.
    for (const n of [M, W]) expect(n.lessons.held().map((m) => m.command), n.id).toEqual(['headers']);

    // W reads the headers (one step) and asks for the block; C holds the getdata. A minute passes —
    // fifteen stall timeouts — and nobody is disconnected: held messages are not late answers.
    // (The teacher's own messages and ping/pong are never held.)
    const lesson = (m: Ev<'message'>) => m.dir === 'in' && !['teacher', 'ping', 'pong'].includes(m.command);
    const inBefore = of(tn.events.get('W')!, 'message').filter(lesson).length;
    C.teacherCommand(command({ kind: 'step', node: 'W', count: 1 }));
    await tn.runFor(200);
    const inAfter = of(tn.events.get('W')!, 'message').filter(lesson);
    expect(inAfter.length - inBefore).toBe(1);
    expect(inAfter.at(-1)!.command).toBe('headers');
    expect(W.blocksInFlight).toBe(1);
    expect(C.lessons.held().map((m) => `${m.peer}:${m.command}`)).toEqual(['W:getdata']);
    await tn.runFor(60_000);
    expect(W.peerIds()).toEqual(['C']);
    expect(M.peerIds()).toEqual(['C']);
    expect(C.peerIds().sort()).toEqual(['M', 'W']);
    expect(of(tn.events.get('W')!, 'peer-disconnected')).toEqual([]);
    // Nothing connected anywhere while paused.
    expect(connectedBlocks(tn.events.get('M')!)).toBe(before.M);
    expect(connectedBlocks(tn.events.get('W')!)).toBe(before.W);

    // Resume: what waited is delivered in arrival order, and the class converges.
    const waiting = C.lessons.held().map((m) => m.command);
    const cIn = of(tn.events.get('C')!, 'message').filter((m) => m.dir === 'in').length;
    C.teacherCommand(command({ kind: 'delivery', mode: 'live', intervalMs: 0 }));
    const delivered = of(tn.events.get('C')!, 'message').filter((m) => m.dir === 'in').slice(cIn).map((m) => m.command);
    expect(delivered.slice(0, waiting.length)).toEqual(waiting);
    await tn.runFor(2_000);
    for (const n of [M, W]) expect(n.tipHash, n.id).toBe(C.tipHash);
    for (const n of [C, M, W]) expect(n.lessons.delivery().held).toBe(0);
  }, 60_000);

  it('slow motion delivers one message per interval; a tab can pause itself and step on its own', async () => {
    const { tn, command } = classroom(72);
    const C = tn.add('C', 'central', { mining: 'off' });
    const W = tn.add('W', 'wallet', { seeds: ['C'] });
    await tn.runFor(2_000);
    C.teacherCommand(command({ kind: 'delivery', mode: 'slow', intervalMs: 1_000 }));
    await tn.runFor(200);
    const start = tn.clock.now();
    C.mineOnce();
    await tn.runFor(10_000);
    expect(W.tipHash).toBe(C.tipHash);
    // headers → getdata → cmpctblock: each message at the receiver a second apart at least.
    const times = of(tn.events.get('W')!, 'message').filter((m) => m.dir === 'in' && m.time > start && m.command !== 'ping' && m.command !== 'pong').map((m) => m.time);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_000);

    // Back to live for the class; W pauses itself: only W holds, and W steps through it alone.
    C.teacherCommand(command({ kind: 'delivery', mode: 'live', intervalMs: 0 }));
    W.lessons.setDelivery('paused');
    await tn.runFor(500);
    C.mineOnce();
    await tn.runFor(1_000);
    // W holds the block (and the central's nodeinfo with its new tip), in arrival order: C gave W
    // its last new tip, so W asked C to push blocks (BIP 152 high-bandwidth) and this one came as
    // a cmpctblock at once.
    const before = W.lessons.held().map((m) => m.command);
    expect(W.lessons.delivery()).toMatchObject({ effective: { mode: 'paused' }, class: { mode: 'live' }, local: { mode: 'paused' }, held: before.length });
    expect(before[0]).toBe('cmpctblock');
    expect(W.lessons.step()).toBe(1);
    await tn.runFor(500);
    // One message was the whole trip: W rebuilt the block from it (a coinbase only) and connected
    // it while the rest still waits, in its turn.
    expect(W.tipHash).toBe(C.tipHash);
    const after = W.lessons.held();
    expect(after.slice(0, before.length - 1).map((m) => m.command)).toEqual(before.slice(1));
    expect(after.some((m) => m.command === 'block' || m.command === 'cmpctblock')).toBe(false);
    W.lessons.setDelivery('live');
    await tn.runFor(500);
    expect(W.tipHash).toBe(C.tipHash);
  }, 60_000);
});

describe('double spend', () => {
  it('two copies of one payment sent to two peers: conflict where they meet, exactly one confirmed, the other evicted, the merchant lost it', async () => {
    const { tn } = classroom(73);
    const merchant = testKey('DS_MERCHANT');
    const thief = testKey('DS_THIEF');
    const C = tn.add('C', 'central', { mining: 'off', topology: 'mesh' });
    const W = tn.add('W', 'wallet', { seeds: ['C'], keys: [merchant], topology: 'mesh' });
    const M = tn.add('M', 'miner', { seeds: ['C'], mining: 'off', keys: [testKey('DS_MINER')], topology: 'mesh' });
    const X = tn.add('X', 'wallet', { seeds: ['C'], keys: [thief], topology: 'mesh' });
    await tn.runFor(10_000);
    C.send(tn.centralKey.address, thief.address, 5n * COIN, { mine: true });
    await tn.runFor(2_000);
    expect(X.peerIds()).toEqual(expect.arrayContaining(['W', 'M']));
    const back = X.newAddress('back to me');
    const ds = X.lessons.doubleSpend({ from: thief.address, to: [merchant.address, back.address], peers: ['W', 'M'], amount: 3n * COIN });
    expect(ds.txids[0]).not.toBe(ds.txids[1]);
    await tn.runFor(1_000);
    // The merchant holds copy A (pending for it), the miner copy B; where they met, the other was refused.
    expect(W.mempool!.has(ds.txids[0])).toBe(true);
    expect(M.mempool!.has(ds.txids[1])).toBe(true);
    const conflicts = [...tn.events.values()].flatMap((log) => of(log, 'rejected')).filter((r) => r.code === 'txn-mempool-conflict');
    expect(conflicts.length).toBeGreaterThan(0);
    expect(conflicts.every((r) => !r.punished)).toBe(true);
    const mw = W.lessons.conflicts();
    expect(mw[0]?.txs.find((t) => t.txid === ds.txids[1])?.state).toBe('refused');

    M.mineOnce();
    await tn.runFor(2_000);
    for (const n of [C, W, M, X]) {
      expect(n.tipHash, n.id).toBe(M.tipHash);
      expect(n.mempool!.size, n.id).toBe(0);
    }
    const block = M.chain!.getBlock(M.tipHash!)!;
    const confirmed = block.txs.map(txidHex).filter((id) => ds.txids.includes(id));
    expect(confirmed).toEqual([ds.txids[1]]);
    // The merchant's view: A evicted, 3 coins it counted on gone; B confirmed at the new height.
    const seen = W.lessons.conflicts();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.txs.find((t) => t.txid === ds.txids[0])).toMatchObject({ state: 'evicted', toUs: 3n * COIN });
    expect(seen[0]!.txs.find((t) => t.txid === ds.txids[1])).toMatchObject({ state: 'confirmed', height: M.height });
    expect(W.query.balances()[0]!.total).toBe(0n);
    // Balances add up: every coin ever minted, once; the thief kept its 5 coins.
    for (const n of [C, W, M, X]) expect(sum(n), n.id).toBe(BigInt(M.height + 1) * 10n * COIN);
    expect(X.query.balances().reduce((s, b) => s + b.confirmed, 0n)).toBe(5n * COIN);
  }, 60_000);
});

describe('private chain', () => {
  async function attackSetup(seed: number) {
    const { tn, command } = classroom(seed);
    const merchant = testKey('PC_MERCHANT');
    const C = tn.add('C', 'central', { mining: 'off' });
    const W = tn.add('W', 'wallet', { seeds: ['C'], keys: [merchant] });
    const H = tn.add('H', 'miner', { seeds: ['C'], mining: 'off', keys: [testKey('PC_HONEST')] });
    const attackerMiner = new StepMiner();
    const A = tn.add('A', 'miner', { seeds: ['C'], mining: 'off', keys: [testKey('PC_ATTACKER')], miner: attackerMiner });
    await tn.runFor(2_000);
    C.send(tn.centralKey.address, A.keys[0]!.address, 5n * COIN, { mine: true });
    await tn.runFor(2_000);
    for (const n of [W, H, A]) expect(n.tipHash).toBe(C.tipHash);
    return { tn, command, merchant, C, W, H, A, attackerMiner };
  }

  it('51 %: the attacker pays the merchant, withholds a longer chain, releases it; every node reorganises and the payment vanishes', async () => {
    const { tn, merchant, C, W, H, A, attackerMiner } = await attackSetup(74);
    const fork = A.height;
    const view = A.lessons.startPrivate({ strategy: 'withhold', payTo: merchant.address, amount: 2n * COIN });
    expect(view.payment).toMatchObject({ to: merchant.address, amount: 2n * COIN, confirmations: 0 });
    const paymentId = view.payment!.txid;
    await tn.runFor(1_000);
    expect(W.mempool!.has(paymentId)).toBe(true);

    // The public chain confirms the payment three times over; the attacker mines four blocks in private.
    for (let i = 0; i < 3; i++) {
      H.mineOnce();
      await tn.runFor(1_000);
    }
    attackerMiner.grant(4);
    await tn.runFor(1_000);
    const v = A.lessons.privateChain()!;
    expect(v).toMatchObject({ privateTip: { height: fork + 4 }, publicTip: { height: fork + 3 }, lead: 1 });
    expect(v.withheld).toHaveLength(4);
    expect(v.payment!.confirmations).toBe(3);
    // Withheld blocks never left the attacker: no other node knows them.
    for (const n of [C, W, H]) for (const h of v.withheld) expect(n.chain!.getEntry(h), n.id).toBeUndefined();
    // Not even as a header: nothing the attacker sent (cmpctblock, headers, inv, block) named one.
    for (const n of [C, W, H])
      for (const m of of(tn.events.get(n.id)!, 'message'))
        if (m.dir === 'in' && m.peer === 'A') for (const h of v.withheld) expect(m.hashes ?? [], `${n.id} ${m.command}`).not.toContain(h);
    expect(W.height).toBe(fork + 3);
    expect(W.query.balances()[0]!.confirmed).toBe(2n * COIN);

    const r = A.lessons.release();
    expect(r).toMatchObject({ blocks: 4, overturned: 3, wins: true });
    await tn.runFor(5_000);
    for (const n of [C, W, H]) expect(n.tipHash, n.id).toBe(v.privateTip.hash);
    // The payment is gone from every chain and mempool; its conflicting copy is confirmed instead.
    for (const n of [C, W, H, A]) {
      expect(n.mempool!.has(paymentId), n.id).toBe(false);
      expect(n.chain!.utxo.getCoin(`${paymentId}:0`), n.id).toBeUndefined();
    }
    expect(W.query.balances()[0]!.total).toBe(0n);
    const reorg = of(tn.events.get('W')!, 'chain').map((e) => e.event).find((e) => e.type === 'reorg');
    expect(reorg?.type === 'reorg' && reorg.disconnected.length).toBe(3);
    expect(A.lessons.privateChain()).toBeNull();
  }, 60_000);

  it('selfish mining: two blocks ahead, it publishes everything when the public chain finds one, and the public block is orphaned', async () => {
    const { tn, C, W, H, A, attackerMiner } = await attackSetup(75);
    A.lessons.startPrivate({ strategy: 'selfish' });
    attackerMiner.grant(2);
    await tn.runFor(1_000);
    const v = A.lessons.privateChain()!;
    expect(v.lead).toBe(2);
    H.mineOnce();
    await tn.runFor(3_000);
    // Lead 2 → 1 after the public block: it published both and the network took its longer chain.
    const after = A.lessons.privateChain()!;
    expect(after.withheld).toEqual([]);
    expect(after.published).toBe(2);
    for (const n of [C, W, H]) expect(n.tipHash, n.id).toBe(v.privateTip.hash);
    expect(of(tn.events.get('H')!, 'chain').some((e) => e.event.type === 'reorg')).toBe(true);
  }, 60_000);

  it('the teacher orders a node to mine privately and to release: the order reaches it through the network', async () => {
    const { tn, command, merchant, C, W, H, A, attackerMiner } = await attackSetup(76);
    C.teacherCommand(command({ kind: 'lesson', node: 'A', order: { do: 'private', strategy: 'withhold', payTo: merchant.address, amount: COIN } }));
    await tn.runFor(1_000);
    expect(A.lessons.privateChain()?.payment?.amount).toBe(COIN);
    H.mineOnce();
    await tn.runFor(1_000);
    attackerMiner.grant(2);
    await tn.runFor(1_000);
    C.teacherCommand(command({ kind: 'lesson', node: 'A', order: { do: 'release' } }));
    await tn.runFor(5_000);
    expect(A.lessons.lastRelease()).toMatchObject({ blocks: 2, overturned: 1, wins: true });
    for (const n of [C, W, H]) expect(n.tipHash).toBe(A.tipHash);
    // A one-shot order is not kept: a reload or a newcomer never runs it again.
    expect(A.teacherCommands().length).toBe(0);
  }, 60_000);
});

describe('tamper lab', () => {
  it('each stage of a tampered block is refused by every peer with Core’s reason, in order, and its sender is discouraged', async () => {
    const { tn } = classroom(77, 10);
    const C = tn.add('C', 'central', { mining: 'off', topology: 'mesh' });
    const peers = [C];
    for (const id of ['M', 'W']) peers.push(tn.add(id, id === 'M' ? 'miner' : 'wallet', { seeds: ['C'], topology: 'mesh', mining: 'off' }));
    const tamperers = ['T1', 'T2', 'T3'].map((id) => tn.add(id, 'wallet', { seeds: ['C'], topology: 'mesh' }));
    await tn.runFor(10_000);
    // A block with a payment in it, at the tip.
    C.send(tn.centralKey.address, peers[2]!.keys[0]!.address, 4n * COIN, { mine: true });
    await tn.runFor(2_000);
    const height = C.height;
    const honest = C.tipHash!;
    for (const t of tamperers) expect(t.tipHash).toBe(honest);

    const reasons: string[] = [];
    for (const [i, T] of tamperers.entries()) {
      const chain = T.chain!;
      const original = chain.getBlock(honest)!;
      let block = editBlock(original, { tx: 1, output: 0, script: T.keys[0]!.script });
      if (i >= 1) block = withMerkleRoot(block);
      let blocks = [block];
      if (i === 2) blocks = (await T.lessons.extendTampered((await T.lessons.mine(block))!))!;
      const verdict = checkInPlace(blocks[0]!, { params: chain.params, height, medianTimePast: chain.medianTimePast(chain.getEntry(honest)!.parent), spent: chain.getUndo(honest)! });
      reasons.push(verdict!.reason);
      const linksBefore = T.peerIds();
      expect(linksBefore.length).toBeGreaterThan(1);
      T.lessons.broadcast(blocks);
      await tn.runFor(2_000);
      // Every peer refused it with that reason and discouraged the sender.
      for (const id of linksBefore) {
        const refused = of(tn.events.get(id)!, 'rejected').filter((r) => r.peer === T.id && r.command === 'block');
        expect(refused[0]?.code, `${id} refusing ${T.id}`).toBe(verdict!.reason);
        expect(refused[0]!.punished).toBe(true);
        expect(tn.node(id).isDiscouraged(T.id)).toBe(true);
      }
      const answers = T.lessons.lastBroadcast()!.answers;
      expect(answers.map((a) => a.peer).sort()).toEqual([...linksBefore].sort());
      // (A reject carries at most 111 bytes of reason, as Core sends it.)
      expect(answers.every((a) => a.rejected === verdict!.reason.slice(0, 111) && a.closed)).toBe(true);
      expect(T.peerIds()).toEqual([]);
    }
    expect(reasons).toEqual(['bad-txnmrklroot', 'high-hash', 'mandatory-script-verify-flag-failed (Script evaluated without error but finished with a false/empty top stack element)']);
    // The honest chain is untouched everywhere.
    for (const n of peers) expect(n.tipHash, n.id).toBe(honest);
  }, 60_000);
});
