import { NetworkGraph } from './NetworkGraph';
import { ScenarioPanel } from '../scenario/ScenarioPanel';
import { PeersPanel } from './PeersPanel';

/** The first tab: the network graph beside the guided scenario, and the peer table. */
export function OverviewView() {
  return (
    <div className="overview">
      <div className="view">
        <NetworkGraph />
        <PeersPanel />
      </div>
      <ScenarioPanel />
    </div>
  );
}
