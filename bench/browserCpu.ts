/**
 * CPU time of every process of the bench's browser (renderers, workers' threads, the GPU and
 * network processes, the browser itself), sampled from /proc while a figure runs: how much of the
 * machine a run used, which tells a CPU-bound run from one that waits. Linux only; elsewhere
 * `between` answers undefined and the figure is left out. The sampler itself takes about 3 % of
 * one core at a reading every 20 ms (the benches' rate), measured beside an idle browser.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on every Linux build in use). */
const TICKS_PER_SECOND = 100;
/**
 * /proc is listed for new processes about this often: a process is found well before a figure's
 * window starts (a tab loads for longer than this before its node starts), so the CPU it used
 * since it was born is not counted inside that window.
 */
const LIST_MS = 100;

export class BrowserCpu {
  /** [wall-clock ms (epoch), CPU ms used by the browser since start()]. */
  private readonly samples: [number, number][] = [];
  /** Ticks of each process when last read; a process first seen after start() counts from 0. */
  private readonly last = new Map<number, number>();
  private readonly isBrowser = new Map<number, boolean>();
  /** An open /proc/PID/stat per browser process: read again from offset 0, it gives fresh values. */
  private readonly statFd = new Map<number, number>();
  private readonly buf = Buffer.alloc(1024);
  private total = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Readings so far; /proc is listed every `listEvery` of them (listing is most of a reading's cost). */
  private readings = 0;
  private listEvery = 1;
  readonly available = process.platform === 'linux' && existsSync('/proc/self/stat');

  start(everyMs = 20): void {
    if (!this.available) return;
    this.listEvery = Math.max(1, Math.round(LIST_MS / everyMs));
    this.read(true);
    this.timer = setInterval(() => this.read(false), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.available) this.read(false);
    for (const pid of [...this.statFd.keys()]) this.forget(pid);
  }

  private forget(pid: number): void {
    const fd = this.statFd.get(pid);
    this.statFd.delete(pid);
    if (fd !== undefined)
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
  }

  /** CPU ms the browser used between two wall-clock times (epoch ms), interpolated between samples. */
  between(from: number, to: number): number | undefined {
    const a = this.at(from);
    const b = this.at(to);
    return a === undefined || b === undefined ? undefined : b - a;
  }

  private at(t: number): number | undefined {
    const s = this.samples;
    if (!s.length || t < s[0]![0] || t > s[s.length - 1]![0]) return undefined;
    let i = 1;
    while (i < s.length && s[i]![0] < t) i++;
    if (i >= s.length) return s[s.length - 1]![1];
    const [t0, c0] = s[i - 1]!;
    const [t1, c1] = s[i]!;
    return t1 === t0 ? c1 : c0 + ((c1 - c0) * (t - t0)) / (t1 - t0);
  }

  private read(baseline: boolean): void {
    // New processes (a tab just opened) are found when /proc is listed; in between only the known
    // browser processes are read, so the sampler takes little of the CPU it measures.
    const list = baseline || this.readings++ % this.listEvery === 0;
    const pids = list ? readdirSync('/proc').map(Number).filter(Number.isInteger) : [...this.last.keys()];
    for (const pid of pids) {
      let browser = this.isBrowser.get(pid);
      try {
        if (browser === undefined) {
          const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
          browser = /chrom|headless_shell/i.test(argv0.split('/').pop() ?? '');
          this.isBrowser.set(pid, browser);
        }
        if (!browser) continue;
        let fd = this.statFd.get(pid);
        if (fd === undefined) this.statFd.set(pid, (fd = openSync(`/proc/${pid}/stat`, 'r')));
        const n = readSync(fd, this.buf, 0, this.buf.length, 0);
        if (n === 0) throw new Error('process ended');
        const stat = this.buf.toString('latin1', 0, n);
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ticks = Number(f[11]) + Number(f[12]);
        const before = this.last.get(pid) ?? (baseline ? ticks : 0);
        this.total += Math.max(0, ticks - before);
        this.last.set(pid, ticks);
      } catch {
        // the process ended between the listing and the read: its last reading stands
        this.last.delete(pid);
        this.forget(pid);
      }
    }
    this.samples.push([Date.now(), (this.total * 1000) / TICKS_PER_SECOND]);
  }
}
