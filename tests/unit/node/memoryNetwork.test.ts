/**
 * The deterministic in-memory network and manual clock the node tests run on: timers fire in
 * time order (FIFO at equal times), links carry copies after their latency, partitions and losses
 * are reproducible, and a node that shut down is gone.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom } from '../../../src/adapters/memory/clock';
import { MemoryNetwork, type MemoryLink } from '../../../src/adapters/memory/network';

describe('ManualClock', () => {
  it('runs timers in time order, FIFO at equal times, and only when told', () => {
    const clock = new ManualClock(1000);
    const order: string[] = [];
    clock.setTimer(20, () => order.push('b@20'));
    clock.setTimer(10, () => order.push('a@10'));
    clock.setTimer(20, () => order.push('c@20'));
    const cleared = clock.setTimer(15, () => order.push('never'));
    clock.setTimer(0, () => {
      order.push('now');
      clock.setTimer(0, () => order.push('now, set by now'));
    });
    clock.clearTimer(cleared);
    expect(order).toEqual([]);
    expect(clock.pending).toBe(4);
    expect(clock.runDue()).toBe(2);
    expect(order).toEqual(['now', 'now, set by now']);
    expect(clock.nextAt()).toBe(1010);
    clock.advance(20);
    expect(order).toEqual(['now', 'now, set by now', 'a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(1020);
    expect(clock.pending).toBe(0);
  });

  it('a timer storm (a busy loop in zero time) fails fast when a limit is set', () => {
    const clock = new ManualClock();
    clock.stormLimit = 1000;
    const loop = () => clock.setTimer(0, loop);
    loop();
    expect(() => clock.runDue()).toThrow(/timer storm/);
  });

  it('10,000 timers at random times run in order', () => {
    const clock = new ManualClock(0);
    const rnd = new SeededRandom(3);
    const seen: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const at = Math.floor(rnd.next() * 1000);
      clock.setTimer(at, () => seen.push(at));
    }
    clock.advance(1000);
    expect(seen.length).toBe(10_000);
    expect(seen.every((t, i) => i === 0 || seen[i - 1] <= t)).toBe(true);
  });
});

describe('SeededRandom', () => {
  it('is reproducible', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    expect([a.next(), a.nonce64(), a.bytes32()]).toEqual([b.next(), b.nonce64(), b.bytes32()]);
    expect(new SeededRandom(43).next()).not.toBe(new SeededRandom(42).next());
  });
});

/** Two transports with a link between them, and what each side received. */
function pair(net: MemoryNetwork) {
  const got: Record<string, number[][]> = { A: [], B: [] };
  const links: Record<string, MemoryLink> = {};
  for (const id of ['A', 'B']) {
    const t = net.transport(id);
    t.onlink = (l) => {
      links[id] = l as MemoryLink;
      l.onmessage = (d) => got[id].push([...d]);
    };
  }
  net.transport('A').connect('B');
  return { got, links };
}

describe('MemoryNetwork', () => {
  it('delivers copies after the link latency, in order', () => {
    const net = new MemoryNetwork({ latency: 5 });
    const { got, links } = pair(net);
    net.clock.advance(5);
    expect(links.A.outbound).toBe(true);
    expect(links.B.outbound).toBe(false);
    const msg = Uint8Array.of(1, 2, 3);
    links.A.send(msg);
    links.A.send(Uint8Array.of(4));
    msg[0] = 99; // the network carried a copy
    net.clock.advance(4);
    expect(got.B).toEqual([]);
    net.clock.advance(1);
    expect(got.B).toEqual([[1, 2, 3], [4]]);
    expect(net.stats).toMatchObject({ sent: 2, delivered: 2, bytes: 4 });
  });

  it('with a bandwidth, a message takes size / bandwidth to send, and messages queue in order', () => {
    const net = new MemoryNetwork({ latency: 5 });
    const { got, links } = pair(net);
    net.clock.advance(5);
    net.setLink('A', 'B', { bandwidth: 10 }); // 10 bytes per ms = 10 kB/s
    const start = net.clock.now();
    const arrivals: number[] = [];
    net.transport('B').links.forEach((l) => (l.onmessage = (d) => (got.B.push([...d]), arrivals.push(net.clock.now() - start))));
    links.A.send(new Uint8Array(100)); // 10 ms on the wire + 5 ms latency
    links.A.send(Uint8Array.of(7)); // queued behind it: done at 10.1 ms, arrives 15.1 ms
    links.B.send(new Uint8Array(50)); // the other direction is free: 5 + 5 ms
    net.clock.advance(20);
    expect(arrivals[0]).toBe(15);
    expect(arrivals[1]).toBeCloseTo(15.1, 3);
    expect(got.B.map((m) => m.length)).toEqual([100, 1]);
    expect(got.A.map((m) => m.length)).toEqual([50]);
  });

  it('a partition drops messages and refuses new connections until healed', () => {
    const net = new MemoryNetwork();
    const { got, links } = pair(net);
    net.flush();
    net.partition(['A'], ['B']);
    links.A.send(Uint8Array.of(1));
    net.flush();
    expect(got.B).toEqual([]);
    let failed = '';
    net.transport('A').onconnectfailed = (_p, r) => (failed = r);
    net.transport('A').connect('B');
    net.flush();
    expect(failed).toBe('peer unreachable');
    net.heal();
    links.A.send(Uint8Array.of(2));
    net.flush();
    expect(got.B).toEqual([[2]]);
  });

  it('losses are reproducible for a seed', () => {
    const run = (seed: number) => {
      const net = new MemoryNetwork({ seed, dropRate: 0.5 });
      const { got, links } = pair(net);
      net.flush();
      for (let i = 0; i < 50; i++) links.A.send(Uint8Array.of(i));
      net.flush();
      return got.B.map((m) => m[0]);
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7).length).toBeGreaterThan(10);
    expect(run(7).length).toBeLessThan(40);
  });

  it('closing one end closes the other after the latency; cut() drops a live link', () => {
    const net = new MemoryNetwork({ latency: 2 });
    const { links } = pair(net);
    net.clock.advance(2);
    const closed: string[] = [];
    links.A.onclose = (r) => closed.push(`A:${r}`);
    links.B.onclose = (r) => closed.push(`B:${r}`);
    links.A.close('bye');
    expect(closed).toEqual(['A:bye']);
    net.clock.advance(2);
    expect(closed).toEqual(['A:bye', 'B:closed by peer']);
    const again = pair(net);
    net.clock.advance(2);
    const seen: string[] = [];
    again.links.B.onclose = (r) => seen.push(r);
    net.cut('B', 'A');
    expect(seen).toEqual(['connection lost']);
  });

  it('a transport that closed is gone: dialling it fails instead of reaching a ghost', () => {
    const net = new MemoryNetwork();
    const { links } = pair(net);
    net.flush();
    expect(links.A).toBeDefined();
    net.transport('B').close();
    net.flush();
    expect(links.A.closed).toBe(true);
    expect(net.reachable('A', 'B')).toBe(false);
    let failed = '';
    let opened = false;
    net.transport('A').onlink = () => (opened = true);
    net.transport('A').onconnectfailed = (_p, r) => (failed = r);
    net.transport('A').connect('B');
    net.flush();
    expect(opened).toBe(false);
    expect(failed).toBe('peer not found');
    // The same id can come back (a node restarting) with a new transport.
    const b2 = net.transport('B');
    expect(b2.closed).toBe(false);
    expect(net.reachable('A', 'B')).toBe(true);
  });
});
