import { TestNetwork } from '../../helpers/testNetwork';

/**
 * TestNetwork for links with latency: `settle()` delivers what is due now and lets miners
 * finish, but does not wait for messages still travelling (time has to pass for those:
 * `advance(ms)`, or `runFor(ms)` which jumps timer to timer). A busy loop in zero virtual time
 * fails fast as a "timer storm" instead of hanging the test.
 */
export class TimedNetwork extends TestNetwork {
  constructor(...args: ConstructorParameters<typeof TestNetwork>) {
    super(...args);
    this.clock.stormLimit = 20_000;
  }

  override async settle(maxRounds = 100_000): Promise<void> {
    for (let i = 0; i < maxRounds; i++) {
      const ran = this.net.flush();
      await new Promise((r) => setImmediate(r));
      const mining = [...this.nodes.values()].some((n) => n.isMining && this.miners.has(n.id) && !this.miners.get(n.id)!.hold);
      if (ran === 0 && !mining) return;
    }
    throw new Error('network did not settle');
  }

  /** Lets `ms` of virtual time pass, stopping at every timer (exact delivery times), settling as it goes. */
  async runFor(ms: number): Promise<void> {
    const end = this.clock.now() + ms;
    await this.settle();
    for (;;) {
      const next = this.clock.nextAt();
      if (next === undefined || next > end) break;
      this.clock.advance(next - this.clock.now());
      await this.settle();
    }
    this.clock.advance(end - this.clock.now());
    await this.settle();
  }
}
