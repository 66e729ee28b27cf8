/**
 * The teacher in control: commands signed with the network's teacher key, given to one node (as the
 * dashboard does over its observer channel), reach every node through the P2P network and act —
 * mining paused and resumed, a throttle, one node cut off, the class split in two and healed, a
 * message on every screen. A student's forged command, a replayed one and a command from another
 * network are refused and named; a late joiner and a reloaded node land in the class's state.
 */
import { describe, expect, it } from 'vitest';
import { TimedNetwork } from './support/timedNetwork';
import { frameOf, handshaken } from './support/rawPeer';
import { SimulatedMiner } from '../../src/adapters/memory/simMiner';
import { decodeSignedTeacherCommand, encodeSignedTeacherCommand, signTeacherCommand, teacherPublicKey, toHex, type TeacherAction } from '../../src/core';
import type { FullNode } from '../../src/node/node';
import type { NodeEvent } from '../../src/node/events';

const TEACHER = new Uint8Array(32).fill(0x42);
const STUDENT = new Uint8Array(32).fill(0x17);

function classroom(seed: number) {
  const tn = new TimedNetwork({ seed, latency: 20, params: { teacherKey: toHex(teacherPublicKey(TEACHER)) } });
  let counter = 1_764_000_000_000;
  const command = (action: TeacherAction, key = TEACHER, over: { network?: string; counter?: number; time?: number } = {}) =>
    encodeSignedTeacherCommand(
      signTeacherCommand({ network: over.network ?? tn.params.network, counter: over.counter ?? ++counter, time: over.time ?? Math.floor(tn.clock.now() / 1000), action }, key),
    );
  const central = tn.add('C', 'central', { mining: 'off' });
  return { tn, command, central };
}

const teacherEvents = (log: NodeEvent[]) => log.filter((e): e is Extract<NodeEvent, { type: 'teacher' }> => e.type === 'teacher');

describe('teacher commands', () => {
  it('pause, throttle and resume reach every node; a paused miner mines nothing, not even "mine now"', async () => {
    const { tn, command, central } = classroom(51);
    const sims: SimulatedMiner[] = [];
    const miners: FullNode[] = [];
    for (let i = 0; i < 3; i++) {
      const sim = new SimulatedMiner(tn.clock, tn.net.random, 1);
      sims.push(sim);
      miners.push(tn.add(`M${i}`, 'miner', { seeds: ['C'], mining: 'continuous', miner: sim }));
    }
    const wallet = tn.add('W', 'wallet', { seeds: ['C'] });
    await tn.runFor(30_000);
    expect(central.height).toBeGreaterThan(2);

    expect(central.teacherCommand(command({ kind: 'mining', paused: true }))).toBeNull();
    await tn.runFor(2_000);
    for (const n of [central, wallet, ...miners]) expect(n.teacherState().miningPaused, n.id).toBe(true);
    expect(miners.some((m) => m.isMining)).toBe(false);
    const h = central.height;
    miners[0]!.mineOnce();
    await tn.runFor(60_000);
    expect(central.height).toBe(h);

    central.teacherCommand(command({ kind: 'throttle', percent: 25 }));
    await tn.runFor(1_000);
    expect(sims.map((s) => s.hashRate)).toEqual([0.25, 0.25, 0.25]);

    central.teacherCommand(command({ kind: 'mining', paused: false }));
    await tn.runFor(60_000);
    expect(miners.every((m) => !m.teacherState().miningPaused)).toBe(true);
    expect(central.height).toBeGreaterThan(h);
    // Each node applied each command once, whichever peer it came through.
    for (const id of ['C', 'M0', 'W']) expect(teacherEvents(tn.events.get(id)!).map((e) => e.action.kind), id).toEqual(['mining', 'throttle', 'mining']);
  }, 60_000);

  it("refuses a student's forged command, a replay, a command for another network, and names the sender", async () => {
    const { tn, command, central } = classroom(52);
    const wallet = tn.add('W', 'wallet', { seeds: ['C'] });
    await tn.runFor(2_000);
    const pause = command({ kind: 'mining', paused: true });
    const resume = command({ kind: 'mining', paused: false });
    central.teacherCommand(pause);
    central.teacherCommand(resume);
    await tn.runFor(1_000);
    const student = await handshaken(tn.net, () => tn.runFor(200), 'S', wallet);
    const cases = [
      { bytes: command({ kind: 'mining', paused: true }, STUDENT), code: 'teacher-forged' },
      { bytes: pause, code: 'teacher-replay' },
      { bytes: command({ kind: 'message', text: 'hi' }, TEACHER, { network: 'other' }), code: 'teacher-other-network' },
      { bytes: command({ kind: 'message', text: 'from tomorrow' }, TEACHER, { time: Math.floor(tn.clock.now() / 1000) + 3_600 }), code: 'teacher-future' },
    ];
    for (const c of cases) student.send({ command: 'teacher', signed: decodeSignedTeacherCommand(c.bytes) });
    await tn.runFor(1_000);
    const refused = tn.events.get('W')!.filter((e) => e.type === 'rejected' && e.command === 'teacher');
    expect(refused.map((e) => (e as { code: string }).code)).toEqual(cases.map((c) => c.code));
    expect(refused.every((e) => (e as { peer: string }).peer === 'S' && !(e as { punished: boolean }).punished)).toBe(true);
    // Nothing of it was applied or passed on.
    expect(wallet.teacherState()).toMatchObject({ miningPaused: false, message: null });
    expect(central.teacherState().miningPaused).toBe(false);
    // Garbage as a teacher message is a malformed payload (the peer is punished, as for any message).
    student.sendRaw(frameOf(wallet.magic, 'teacher', Uint8Array.of(1, 2, 3)));
    await tn.runFor(500);
    expect(tn.events.get('W')!.filter((e) => e.type === 'rejected').at(-1)).toMatchObject({ peer: 'S', code: 'malformed-payload', punished: true });
    // From the dashboard side, a forged command is refused and reported too, and garbage too.
    expect(central.teacherCommand(Uint8Array.of(1, 2, 3))?.code).toBe('teacher-malformed');
    expect(central.teacherCommand(command({ kind: 'mining', paused: true }, STUDENT))?.code).toBe('teacher-forged');
    expect(tn.events.get('C')!.filter((e) => e.type === 'teacher-refused').map((e) => (e as { code: string }).code)).toEqual(['teacher-malformed', 'teacher-forged']);
  });

  it('cuts one node off, splits the class in two and heals it; the two halves mine apart and converge', async () => {
    const { tn, command, central } = classroom(53);
    const a = tn.add('A', 'miner', { seeds: ['C'], topology: 'mesh', mining: 'off' });
    const b = tn.add('B', 'miner', { seeds: ['C'], topology: 'mesh', mining: 'off' });
    const w = tn.add('W', 'wallet', { seeds: ['C'], topology: 'mesh', mining: 'off' });
    await tn.runFor(5_000);

    // The dashboard hands each command to every node it watches (its own channel, which a cut-off
    // or partitioned node keeps); the nodes also relay it to their peers.
    const everyone = [central, a, b, w];
    const dashboard = (bytes: Uint8Array) => everyone.forEach((n) => n.teacherCommand(bytes));
    // Through the P2P relay alone: only C is told, W hears it from C and cuts itself off.
    central.teacherCommand(command({ kind: 'offline', node: 'W', offline: true }));
    await tn.runFor(1_000);
    expect(w.offline).toBe(true);
    expect(w.peerIds()).toEqual([]);
    // W has no links now: only the dashboard's own channel can bring it back.
    dashboard(command({ kind: 'offline', node: 'W', offline: false }));
    await tn.runFor(6_000);
    expect(w.peerIds()).toContain('C');

    dashboard(command({ kind: 'partition', groups: [['C', 'A'], ['B', 'W']] }));
    await tn.runFor(3_000);
    expect(new Set(central.peerIds())).toEqual(new Set(['A']));
    expect(new Set(b.peerIds())).toEqual(new Set(['W']));
    // The partition holds: B redials nobody across it (a redial would be refused anyway).
    await tn.runFor(20_000);
    expect(b.peerIds().includes('C') || b.peerIds().includes('A')).toBe(false);
    a.mineOnce();
    b.mineOnce();
    await tn.runFor(2_000);
    b.mineOnce();
    await tn.runFor(2_000);
    expect(central.tipHash).toBe(a.tipHash);
    expect(w.tipHash).toBe(b.tipHash);
    expect(central.tipHash).not.toBe(w.tipHash);

    dashboard(command({ kind: 'partition', groups: [] }));
    await tn.runFor(15_000);
    for (const n of [central, a, w]) expect(n.tipHash, n.id).toBe(b.tipHash);
  }, 60_000);

  it('a late joiner and a reloaded node land in the current state; a message shows on every screen', async () => {
    const { tn, command, central } = classroom(54);
    central.teacherCommand(command({ kind: 'mining', paused: true }));
    central.teacherCommand(command({ kind: 'message', text: '블록 5를 보세요 / look at block 5' }));
    const late = tn.add('L', 'miner', { seeds: ['C'], mining: 'continuous', miner: new SimulatedMiner(tn.clock, tn.net.random, 1) });
    await tn.runFor(3_000);
    expect(late.teacherState()).toMatchObject({ miningPaused: true, message: { text: '블록 5를 보세요 / look at block 5' } });
    expect(late.isMining).toBe(false);
    // Reload: the stored commands are checked again and applied before the node goes online.
    const stored = late.teacherCommands();
    late.stop();
    const back = tn.add('L', 'miner', { seeds: ['C'], mining: 'continuous', params: tn.params, teacherCommands: stored, miner: new SimulatedMiner(tn.clock, tn.net.random, 1) });
    expect(back.teacherState().miningPaused).toBe(true);
    expect(back.isMining).toBe(false);
  });
});
