import type { ViewDef } from './registry';
import { ChainPanel, MempoolPanel, MessagesPanel, MinerPanel, PeersPanel, WalletPanel } from '../components/Panels';

/** The node screen's tabs, in order. Each view lives in its own file. */
export const VIEWS: ViewDef[] = [
  { id: 'overview', label: 'nav.overview', component: PeersPanel },
  { id: 'messages', label: 'nav.messages', component: MessagesPanel },
  { id: 'chain', label: 'nav.chain', component: ChainPanel },
  { id: 'wallet', label: 'nav.wallet', component: WalletPanel },
  { id: 'mempool', label: 'nav.mempool', component: MempoolPanel },
  { id: 'miner', label: 'nav.miner', component: MinerPanel },
];
