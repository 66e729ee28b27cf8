import { NetworkGraph } from './NetworkGraph';
import { ScenarioPanel } from '../scenario/ScenarioPanel';
import { PeersPanel } from './PeersPanel';
import { ClassPanel } from './ClassPanel';
import { useView } from '../../useView';

/** The first tab: the network graph beside the guided scenario, and the peer table. */
export function OverviewView() {
  const role = useView((s) => s.role);
  return (
    <div className="overview">
      <div className="view">
        <NetworkGraph />
        <PeersPanel />
        {role === 'central' && <ClassPanel />}
      </div>
      <ScenarioPanel />
    </div>
  );
}
