import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { coins } from '../format';
import { useDash } from './store';
import { byNodeId } from './derived';
import type { DashNode } from './model';
import { ScrollRegion } from './ScrollRegion';
import { TUTORIAL_NAMES } from '../views/scenario/facts';
import { labelText } from '../labels';

/** Tutorial names first, in the tutorial's order, then every other name alphabetically. */
function nameOrder(a: string, b: string): number {
  const ia = (TUTORIAL_NAMES as readonly string[]).indexOf(a);
  const ib = (TUTORIAL_NAMES as readonly string[]).indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  return a.localeCompare(b);
}

/**
 * Balances per node: every named address (as its owner named it) against every node, each cell
 * what that node's own UTXO set says the address holds. Equal columns are the network agreeing.
 */
export function Balances() {
  const { t } = useTranslation();
  const data = useDash((s) => s.data);
  const { names, nodes } = useMemo(() => {
    const nodes: DashNode[] = Object.values(data.nodes).filter((n) => n.online).sort((a, b) => byNodeId(a.id, b.id));
    const names: { label: string; address: string; owner: string }[] = [];
    for (const n of nodes) for (const x of n.names ?? []) if (!names.some((y) => y.address === x.address)) names.push({ ...x, owner: n.id });
    names.sort((a, b) => nameOrder(a.label, b.label));
    return { names, nodes };
  }, [data]);
  return (
    <section className="dash-panel dash-balances" aria-labelledby="dash-balances-title" data-testid="dash-balances">
      <h2 id="dash-balances-title">{t('dashx.balances.title')}</h2>
      {names.length === 0 ? (
        <p className="muted">{t('dashx.balances.none')}</p>
      ) : (
        <>
        <p className="muted small">{t('dashx.balances.caption')}</p>
        <ScrollRegion label={t('dashx.balances.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('dashx.balances.name')}</th>
                {nodes.map((n) => (
                  <th scope="col" key={n.id}>
                    <span className="dash-id">{n.id}</span> <span className={`role-badge role-${n.role}`}>{t(`role.${n.role}`)}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {names.map((x) => (
                <tr key={x.address} data-testid={`dash-balance-${x.label}`}>
                  <th scope="row">
                    {labelText(t, x.label)} <span className="muted small">({t('dashx.balances.owner', { node: x.owner })})</span>
                  </th>
                  {nodes.map((n) => {
                    const v = n.balances?.[x.address];
                    return (
                      <td key={n.id} className="dash-num" data-node={n.id} data-value={v !== undefined ? coins(BigInt(v)) : ''}>
                        {v !== undefined ? coins(BigInt(v)) : '—'}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
        </>
      )}
    </section>
  );
}
