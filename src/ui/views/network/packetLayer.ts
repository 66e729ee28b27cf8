/**
 * Messages in flight, drawn on a light canvas laid over the network graph.
 *
 * The graph itself is still SVG that changes only when nodes, heights or links do; this canvas is
 * redrawn at most `fps` times a second and only while a packet moves: a few circles and labels.
 * Between two drawings the layer asks for no animation frame (a timer waits until the next drawing
 * is due): every frame asked for runs the page's whole rendering step, and a class of tabs each
 * asking 60 times a second for a 20-fps drawing spent the CPU their blocks needed.
 * (Packets as graph-library elements redrew the whole graph at 60 fps while anything moved, which
 * under load is always; a DOM layer animated by the Web Animations API or moved from script was
 * measured no cheaper than this canvas in a tab of eight.)
 */
export interface NodeDisc {
  x: number;
  y: number;
  /** Inside this radius the packet is hidden: it travels under the node. */
  r: number;
}

export interface PacketEnds {
  from(): NodeDisc | null;
  to(): NodeDisc | null;
}

interface Packet {
  ends: PacketEnds;
  label: string;
  color: string;
  start: number;
}

export interface PacketLayerOptions {
  durationMs: number;
  maxPackets: number;
  fps: number;
  /** Clock and frame scheduler (injected in tests). */
  now?: () => number;
  requestFrame?: (cb: (t: number) => void) => number;
  cancelFrame?: (id: number) => void;
  setTimer?: (cb: () => void, ms: number) => number;
  clearTimer?: (id: number) => void;
}

export class PacketLayer {
  private readonly packets: Packet[] = [];
  private frameId: number | null = null;
  private waitId: number | null = null;
  private lastDraw = -Infinity;
  private readonly now: () => number;
  private readonly requestFrame: (cb: (t: number) => void) => number;
  private readonly cancelFrame: (id: number) => void;
  private readonly setTimer: (cb: () => void, ms: number) => number;
  private readonly clearTimer: (id: number) => void;
  /** Frames drawn so far (for tests and curiosity). */
  drawn = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly opts: PacketLayerOptions,
  ) {
    this.now = opts.now ?? (() => performance.now());
    this.requestFrame = opts.requestFrame ?? ((cb) => requestAnimationFrame(cb));
    this.cancelFrame = opts.cancelFrame ?? ((id) => cancelAnimationFrame(id));
    this.setTimer = opts.setTimer ?? ((cb, ms) => setTimeout(cb, ms) as unknown as number);
    this.clearTimer = opts.clearTimer ?? ((id) => clearTimeout(id));
  }

  get inFlight(): number {
    return this.packets.length;
  }

  /** Starts a packet; ignored when `maxPackets` are already moving. Returns whether it was added. */
  add(ends: PacketEnds, label: string, color: string): boolean {
    if (this.packets.length >= this.opts.maxPackets) return false;
    this.packets.push({ ends, label, color, start: this.now() });
    this.schedule();
    return true;
  }

  /** Matches the canvas's pixel buffer to its box (call on resize). */
  resize(width: number, height: number, pixelRatio = 1): void {
    this.canvas.width = Math.max(1, Math.round(width * pixelRatio));
    this.canvas.height = Math.max(1, Math.round(height * pixelRatio));
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.canvas.getContext('2d')?.setTransform(pixelRatio, 0, 0, pixelRatio, 0, 0);
    this.lastDraw = -Infinity;
  }

  destroy(): void {
    if (this.frameId !== null) this.cancelFrame(this.frameId);
    if (this.waitId !== null) this.clearTimer(this.waitId);
    this.frameId = null;
    this.waitId = null;
    this.packets.length = 0;
  }

  /** The time between two drawings, less the slack that lets one land on an earlier display frame. */
  private get period(): number {
    // (¾ of the period: at 60 Hz and 30 fps every second frame is drawn despite frame jitter.)
    return (0.75 * 1000) / this.opts.fps;
  }

  /**
   * Asks for the frame of the next drawing: at once if it is due, else once a timer says it is (the
   * display's next frame after that moment is the first one the drawing may use).
   */
  private schedule(): void {
    if (this.frameId !== null || this.waitId !== null) return;
    const wait = this.lastDraw + this.period - this.now();
    if (wait <= 0) this.frameId = this.requestFrame(() => this.frame());
    else
      this.waitId = this.setTimer(() => {
        this.waitId = null;
        this.schedule();
      }, wait);
  }

  private frame(): void {
    this.frameId = null;
    const now = this.now();
    // Finished packets leave; the rest are drawn at most `fps` times a second.
    for (let i = this.packets.length - 1; i >= 0; i--) if (now - this.packets[i]!.start >= this.opts.durationMs) this.packets.splice(i, 1);
    if (this.packets.length === 0 || now - this.lastDraw >= this.period) this.draw(now);
    if (this.packets.length) this.schedule();
  }

  private draw(now: number): void {
    this.lastDraw = now;
    this.drawn++;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    for (const p of this.packets) {
      const a = p.ends.from();
      const b = p.ends.to();
      if (!a || !b) continue;
      const f = Math.min(1, (now - p.start) / this.opts.durationMs);
      const x = a.x + (b.x - a.x) * f;
      const y = a.y + (b.y - a.y) * f;
      if (Math.hypot(x - a.x, y - a.y) < a.r || Math.hypot(x - b.x, y - b.y) < b.r) continue; // under a node
      ctx.beginPath();
      ctx.arc(x, y, 7, 0, 2 * Math.PI);
      ctx.fillStyle = p.color;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = '#222';
      ctx.stroke();
      const w = ctx.measureText(p.label).width + 4;
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fillRect(x - w / 2, y - 23, w, 14);
      ctx.fillStyle = '#1b1f24';
      ctx.fillText(p.label, x, y - 10);
    }
  }
}
