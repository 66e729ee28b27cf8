import type { TFunction } from 'i18next';

/**
 * A message log line in the page's language. Nodes summarise each message in English (the node
 * layer has no language, and the dashboard receives the same lines from every node); the patterns
 * those summaries follow (node/wire summarize) are read back here and said again through i18n.
 * A line that matches no pattern is shown as it is.
 */
export function localSummary(t: TFunction, cmd: string, summary: string): string {
  let m: RegExpExecArray | null;
  switch (cmd) {
    case 'version':
      if ((m = /^v(\d+) (\S+) height (-?\d+) from (.*)$/.exec(summary))) return t('summary.version', { version: m[1], agent: m[2], height: m[3], from: m[4] });
      break;
    case 'verack':
      if (summary === 'handshake acknowledged') return t('summary.verack');
      break;
    case 'getaddr':
      if (summary === 'asks for peer addresses') return t('summary.getaddr');
      break;
    case 'getparams':
      if (summary === 'asks for network parameters') return t('summary.getparams');
      break;
    case 'params':
      if (summary === 'network parameters and genesis block') return t('summary.params');
      break;
    case 'addr':
      if ((m = /^(\d+) address(?:es)?: (.*)$/.exec(summary))) return t('summary.addr', { count: Number(m[1]), ids: m[2] });
      break;
    case 'inv':
    case 'getdata':
    case 'notfound': {
      if (summary === 'empty') return t('summary.empty');
      if ((m = /^(.*?)(?: \((\S+?)\))?$/.exec(summary))) {
        const parts = m[1]!.split(', ').map((p) => {
          const k = /^(\d+) (blocks?|compact blocks?|tx|other)$/.exec(p);
          if (!k) return p;
          const n = Number(k[1]);
          const key = k[2] === 'tx' ? 'summary.txs' : k[2] === 'other' ? 'summary.others' : k[2]!.startsWith('compact') ? 'summary.compactBlocks' : 'summary.blocks';
          return t(key, { count: n });
        });
        return m[2] ? `${parts.join(', ')} (${m[2]})` : parts.join(', ');
      }
      break;
    }
    case 'getblocks':
    case 'getheaders':
      if ((m = /^locator (\d+) hashes from (\S+)(?: stop (\S+))?$/.exec(summary)))
        return m[3] ? t('summary.getblocksStop', { count: Number(m[1]), from: m[2], stop: m[3] }) : t('summary.getblocks', { count: Number(m[1]), from: m[2] });
      break;
    case 'block':
      if ((m = /^block (\S+) with (\d+) tx$/.exec(summary))) return t('summary.block', { hash: m[1], count: Number(m[2]) });
      break;
    case 'tx':
      if ((m = /^tx (\S+) (\d+) in, (\d+) out$/.exec(summary))) return t('summary.tx', { hash: m[1], ins: m[2], outs: m[3] });
      break;
    case 'ping':
    case 'pong':
      if ((m = /^nonce (\d+)$/.exec(summary))) return t('summary.nonce', { nonce: m[1] });
      break;
    case 'reject':
      if ((m = /^(\S+) rejected: (.*)$/.exec(summary))) return t('summary.reject', { command: m[1], reason: m[2] });
      break;
    case 'sendheaders':
      if (summary === 'announce blocks to me with headers (BIP 130)') return t('summary.sendheaders');
      break;
    case 'headers':
      if (summary === 'no new headers') return t('summary.noHeaders');
      if ((m = /^(\d+) headers? from (\S+)$/.exec(summary))) return t('summary.headers', { count: Number(m[1]), from: m[2] });
      break;
    case 'sendcmpct':
      if ((m = /^compact blocks v(\d+), (high|low)-bandwidth/.exec(summary))) return t(m[2] === 'high' ? 'summary.sendcmpctHigh' : 'summary.sendcmpctLow', { version: m[1] });
      break;
    case 'cmpctblock':
      if ((m = /^compact block (\S+): (\d+) short ids, (\d+) prefilled$/.exec(summary))) return t('summary.cmpctblock', { hash: m[1], ids: m[2], prefilled: m[3] });
      break;
    case 'getblocktxn':
      if ((m = /^asks (\d+) tx of block (\S+)$/.exec(summary))) return t('summary.getblocktxn', { count: Number(m[1]), hash: m[2] });
      break;
    case 'blocktxn':
      if ((m = /^(\d+) tx of block (\S+)$/.exec(summary))) return t('summary.blocktxn', { count: Number(m[1]), hash: m[2] });
      break;
    case 'nodeinfo':
      if ((m = /^(\d+) nodes?: (.*)$/.exec(summary)))
        return t('summary.nodeinfo', { count: Number(m[1]), list: m[2]!.replace(/\((central|miner|wallet)\)/g, (_, r: string) => `(${t(`role.${r}`)})`) });
      break;
  }
  return summary;
}
