// A hostile PeerJS client for tests/e2e/hostile.test.ts, loaded as a plain script (no bundler,
// no transpiler) after node_modules/peerjs/dist/peerjs.js into a blank page of the app's origin.
// It registers on the app's signalling server like any tab and dials honest tabs with what an
// honest tab never sends: other serializations (including names that are no serializer at all),
// other labels and metadata, then null, junk bytes, text, oversized messages and floods of
// never-finished PeerJS chunks. State is kept in `window.hostile.conns` for the test to poll.
(() => {
  /** name -> { state: 'pending' | 'open' | 'closed', sent: bytes written, error?: string } */
  const conns = {};
  let peer = null;

  // A raw connection that advertises another serialization name in its offer (PeerJS puts the
  // connection's `serialization` field into the OFFER, read after the constructor has run).
  function advertising(name) {
    const Raw = peer._serializers.raw;
    return class extends Raw {
      constructor(id, provider, options) {
        super(id, provider, options);
        this.serialization = name;
      }
    };
  }

  const chunkData = new Uint8Array(16_000).fill(7).buffer;
  let chunkId = 1_000_000;

  function drained(dc, below) {
    if (dc.bufferedAmount <= below) return Promise.resolve();
    dc.bufferedAmountLowThreshold = below;
    return new Promise((resolve) => {
      dc.onbufferedamountlow = () => resolve();
      setTimeout(resolve, 250); // the event does not fire once the channel has closed
    });
  }

  async function act(name, conn, action) {
    const c = conns[name];
    const dc = conn.dataChannel;
    switch (action.kind) {
      case 'none':
        return;
      case 'null':
        conn.send(null);
        return;
      case 'junk': {
        // 0xc1 is no binarypack type; then a claimed 4 GiB raw string; then noise.
        const b = new Uint8Array(1000);
        for (let i = 0; i < b.length; i++) b[i] = (i * 131 + 7) & 0xff;
        b.set([0xc1, 0xdb, 0xff, 0xff, 0xff, 0xff], 0);
        dc.send(b);
        c.sent += b.length;
        return;
      }
      case 'text':
        dc.send('{"not":"a frame"}');
        return;
      case 'big': {
        // On a binary connection PeerJS chunks it and the receiving PeerJS reassembles it whole.
        // (Chromium sends no single message over 256 KiB, whatever the remote's SDP claims.)
        const b = new Uint8Array(action.bytes).fill(0x42);
        conn.send(b);
        c.sent += b.length;
        return;
      }
      case 'frames': {
        const f = Uint8Array.from(atob(action.frame), (ch) => ch.charCodeAt(0));
        while (c.state === 'open' && c.sent < action.bytes) {
          for (let i = 0; i < 8 && c.state === 'open'; i++) {
            dc.send(f);
            c.sent += f.length;
          }
          await drained(dc, 1 << 20);
        }
        c.floodDone = true;
        return;
      }
      case 'chunks': {
        // PeerJS binary chunks, each the first of two, each of a message of its own: the second
        // never comes. On a binary connection PeerJS keeps every one until the link closes.
        while (c.state === 'open' && c.sent < action.bytes) {
          for (let i = 0; i < 64 && c.state === 'open'; i++) {
            if (conn.serialization === 'binary') conn.send({ __peerData: chunkId++, n: 0, total: 2, data: chunkData }, true);
            else dc.send(new Uint8Array(chunkData));
            c.sent += chunkData.byteLength;
          }
          await drained(dc, 1 << 20);
        }
        c.floodDone = true;
        return;
      }
    }
  }

  window.hostile = {
    conns,
    /** Registers `id` on the signalling server of this page's origin. */
    start(id) {
      return new Promise((resolve, reject) => {
        peer = new window.peerjs.Peer(id, {
          host: location.hostname, port: Number(location.port), path: '/peerjs', secure: false,
          config: { iceServers: [] }, debug: 0,
        });
        peer.on('open', () => resolve(peer.id));
        peer.on('error', (e) => reject(new Error(`${e.type}: ${e.message}`)));
      });
    },
    /** Offers a connection to `dst`; when (if) it opens, does `action`. */
    dial(name, dst, { serialization, label, metadata, action }) {
      if (!['raw', 'binary', 'json'].includes(serialization)) peer._serializers[serialization] = advertising(serialization);
      conns[name] = { state: 'pending', sent: 0 };
      let conn;
      try {
        conn = peer.connect(dst, { serialization, label, metadata, reliable: true });
      } catch (e) {
        conns[name] = { state: 'closed', sent: 0, error: String(e) };
        return;
      }
      conn.on('open', () => {
        conns[name].state = 'open';
        act(name, conn, action).catch((e) => (conns[name].error = String(e)));
      });
      conn.on('close', () => (conns[name].state = 'closed'));
      conn.on('error', (e) => (conns[name].error = e.type || String(e)));
    },
  };
})();
