import { useTranslation } from 'react-i18next';
import { useView } from '../../useView';
import { coins } from '../../format';
import { shortAddress } from '../../labels';
import { EXPECTED_BALANCES, type TutorialFacts } from './facts';

/**
 * The six named balances as every node of the tutorial sees them: this node's column from its own
 * UTXO set; another node's column shows the same numbers when it reports the same tip (same chain,
 * same UTXO set), else the height it reports.
 */
export function BalanceTable({ facts }: { facts: TutorialFacts }) {
  const { t } = useTranslation();
  const self = useView((s) => s.nodeId);
  if (facts.balances.length === 0) return null;
  const cols = [...facts.nodes].sort((a, b) => a.node.localeCompare(b.node, 'en', { numeric: true }));
  if (!cols.some((c) => c.node === self)) cols.unshift({ node: self, role: null, height: -1, agrees: true });
  return (
    <div className="tutorial-balances" data-testid="tutorial-balances">
      <h3 id="tutorial-balances-title">{t('scenario.table.title')}</h3>
      {/* Focusable so a keyboard can scroll it sideways on a narrow screen. */}
      <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="tutorial-balances-title">
        <table aria-labelledby="tutorial-balances-title" aria-describedby="tutorial-balances-caption">
          <thead>
            <tr>
              <th scope="col">{t('scenario.table.name')}</th>
              {cols.map((c) => (
                <th scope="col" key={c.node} data-node={c.node}>
                  {c.node === self ? t('scenario.table.self', { node: c.node }) : t('scenario.table.node', { node: c.node, role: c.role ? t(`role.${c.role}`) : '?' })}
                </th>
              ))}
              <th scope="col">{t('scenario.table.expected')}</th>
            </tr>
          </thead>
          <tbody>
            {facts.balances.map((b) => (
              <tr key={b.name} data-testid={`tutorial-balance-${b.name}`}>
                <th scope="row">
                  {b.name} <span className="mono muted small" title={b.address}>{shortAddress(b.address)}</span>
                </th>
                {cols.map((c) => (
                  <td key={c.node} data-node={c.node} data-value={c.node === self || c.agrees ? coins(b.value) : ''}>
                    {c.node === self || c.agrees ? coins(b.value) : c.height >= 0 ? t('scenario.table.behind', { height: c.height }) : t('scenario.table.unknown')}
                  </td>
                ))}
                <td className="muted">{coins(EXPECTED_BALANCES[b.name])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small" id="tutorial-balances-caption">{t('scenario.table.caption')}</p>
    </div>
  );
}
