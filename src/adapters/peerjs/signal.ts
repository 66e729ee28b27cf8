/**
 * Where a page finds its signalling server and its ICE servers.
 *
 * Signalling: `?signal=https://host:port/path` in the page address, else the URL the build was
 * given (`VITE_SIGNAL_URL`, for a static host whose PeerServer lives elsewhere), else `/peerjs` on
 * the page's own origin (what `npm start` serves).
 * ICE: `?ice=stun:…,turn:user:pass@…` in the page address, else what the signalling server's
 * origin answers at `/ice` (`npm start -- --host` runs STUN/TURN and hands out credentials that
 * expire), else none (two tabs of one machine need none). `?relay=1` forces every link through
 * TURN (iceTransportPolicy 'relay'): for testing, and for Wi-Fi where direct links never open.
 */
import type { SignalConfig } from './transport';

/** A signalling server given as a URL (`https://host:port/path`); null if it is not one. */
export function signalFromUrl(url: string): Omit<SignalConfig, 'iceServers'> | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  const secure = u.protocol === 'https:';
  return { host: u.hostname, port: u.port ? Number(u.port) : secure ? 443 : 80, path: u.pathname.replace(/\/+$/, '') || '/', secure };
}

/**
 * STUN/TURN servers from `?ice=stun:host:3478,turn:user:pass@host:3478` (the form the README
 * documents for use across the internet).
 */
export function iceServersFromParam(raw: string | null): RTCIceServer[] {
  if (!raw) return [];
  return raw.split(',').filter(Boolean).map((u) => {
    const m = /^(turns?):([^:@]+):([^@]+)@(.+)$/.exec(u);
    return m ? { urls: `${m[1]}:${m[4]}`, username: m[2]!, credential: m[3]! } : { urls: u };
  });
}

/** The signalling server and ICE policy a page address asks for (no network access). */
export function signalFromPage(loc: { search: string; hostname: string; port: string; protocol: string }, buildUrl?: string): SignalConfig {
  const q = new URLSearchParams(loc.search);
  const fromPage = q.get('signal');
  const given = (fromPage && signalFromUrl(fromPage)) || (buildUrl && signalFromUrl(buildUrl)) || null;
  const secure = loc.protocol === 'https:';
  const base = given ?? { host: loc.hostname, port: loc.port ? Number(loc.port) : secure ? 443 : 80, path: '/peerjs', secure };
  return {
    ...base,
    iceServers: iceServersFromParam(q.get('ice')),
    ...(q.get('relay') === '1' ? { iceTransportPolicy: 'relay' as const } : {}),
  };
}

/** The origin serving `/ice` beside a signalling server: the server's own origin. */
export function iceUrl(c: SignalConfig): string {
  return `${c.secure ? 'https' : 'http'}://${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port}/ice`;
}

/**
 * The page's full signalling config: explicit `?ice=` servers win; otherwise the server's `/ice`
 * answer (fetched with a short timeout; none if there is no such endpoint, as on a bare PeerServer).
 */
export async function resolveSignal(c: SignalConfig, fetchFn: typeof fetch = fetch): Promise<SignalConfig> {
  if (c.iceServers.length) return c;
  try {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 3000);
    const res = await fetchFn(iceUrl(c), { signal: ctl.signal });
    clearTimeout(timer);
    if (!res.ok) return c;
    const body = (await res.json()) as { iceServers?: unknown };
    const servers = Array.isArray(body.iceServers) ? body.iceServers.filter(isIceServer) : [];
    return { ...c, iceServers: servers };
  } catch {
    return c;
  }
}

function isIceServer(v: unknown): v is RTCIceServer {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (typeof s.urls === 'string' && /^(stun|turns?):/.test(s.urls)) && (s.username === undefined || typeof s.username === 'string') && (s.credential === undefined || typeof s.credential === 'string');
}
