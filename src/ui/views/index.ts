import type { ViewDef } from './registry';
import { OverviewView } from './network/OverviewView';
import { MessagesView } from './messages/MessagesView';
import { ChainView } from './chain/ChainView';
import { WalletView } from './wallet/WalletView';
import { MempoolView } from './mempool/MempoolView';
import { MinerView } from './miner/MinerView';
import { TimelineView } from './timeline/TimelineView';
import { ScriptView } from './script/ScriptView';
import { GlossaryView } from './glossary/GlossaryView';
import { LessonsView } from './lessons/LessonsView';

/** The node screen's tabs, in order. Each view lives in its own file. */
export const VIEWS: ViewDef[] = [
  { id: 'overview', label: 'nav.overview', component: OverviewView },
  { id: 'messages', label: 'nav.messages', component: MessagesView },
  { id: 'chain', label: 'nav.chain', component: ChainView },
  { id: 'wallet', label: 'nav.wallet', component: WalletView },
  { id: 'mempool', label: 'nav.mempool', component: MempoolView },
  { id: 'miner', label: 'nav.miner', component: MinerView },
  { id: 'timeline', label: 'nav.timeline', component: TimelineView },
  { id: 'script', label: 'nav.script', component: ScriptView },
  { id: 'lessons', label: 'lessons.tab', component: LessonsView },
  { id: 'glossary', label: 'glossary.open', component: GlossaryView },
];
