import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_SETTINGS, LIMITS, checkSettings, equalShares, type SimSettings } from '../../sim/settings';
import { parseRunFile } from '../../sim/runFile';
import type { RunSpec } from './protocol';
import { FileButton } from '../components/FileButton';
import { whyText } from './why';

/** Starting points a teacher picks with one click, then adjusts. */
export const PRESET_RUNS: Record<'classroom' | 'bitcoin' | 'large', SimSettings> = {
  classroom: { ...DEFAULT_SETTINGS, nodes: 30, topology: 'star', hashShares: equalShares(5), blockInterval: 10, blockSize: 100_000, txRate: 1, wallets: 30, links: 'classroom' },
  bitcoin: DEFAULT_SETTINGS,
  large: { ...DEFAULT_SETTINGS, nodes: 1000, hashShares: equalShares(20), blockInterval: 10, txRate: 0.2, wallets: 200, validation: 'shared' },
};

/**
 * The run's settings before it starts: how many nodes, how they are linked, who mines, blocks and
 * payments, links; a seed; or a run file to replay. Refusals (from the form or a file) are shown
 * with their reason.
 */
export function SettingsForm({ onStart }: { onStart: (run: RunSpec) => void }) {
  const { t } = useTranslation();
  const [s, setS] = useState<SimSettings>(PRESET_RUNS.classroom);
  const [shares, setShares] = useState(PRESET_RUNS.classroom.hashShares.join(', '));
  const [seed, setSeed] = useState(7);
  const [problem, setProblem] = useState<string | null>(null);
  const set = <K extends keyof SimSettings>(k: K, v: SimSettings[K]) => setS((o) => ({ ...o, [k]: v }));
  const num = (k: keyof typeof LIMITS & keyof SimSettings, step = 1) => (
    <input type="number" min={LIMITS[k][0]} max={LIMITS[k][1]} step={step} value={s[k] as number} onChange={(e) => set(k, Number(e.target.value) as never)} />
  );
  const pick = (p: keyof typeof PRESET_RUNS) => {
    setS(PRESET_RUNS[p]);
    setShares(PRESET_RUNS[p].hashShares.join(', '));
  };
  const submit = () => {
    const checked = checkSettings({ ...s, hashShares: shares.split(/[,\s]+/).filter(Boolean).map(Number) });
    if (!checked.ok) return setProblem(whyText(t, checked.why));
    setProblem(null);
    onStart({ seed, settings: checked.value, actions: [] });
  };
  const open = async (file: File | undefined) => {
    if (!file) return;
    const r = parseRunFile(await file.text());
    if (!r.ok) return setProblem(t('sim.file.refused', { name: file.name, reason: whyText(t, r.why) }));
    setProblem(null);
    onStart({ seed: r.value.seed, settings: r.value.settings, actions: r.value.actions });
  };

  return (
    <form className="sim-settings panel" aria-labelledby="sim-settings-title" onSubmit={(e) => (e.preventDefault(), submit())}>
      <h2 id="sim-settings-title">{t('sim.settings.title')}</h2>
      <div className="buttons" role="group" aria-label={t('sim.settings.presets')}>
        {(Object.keys(PRESET_RUNS) as (keyof typeof PRESET_RUNS)[]).map((p) => (
          <button key={p} type="button" onClick={() => pick(p)}>{t(`sim.preset.${p}`)}</button>
        ))}
      </div>
      <div className="sim-fields">
        <label>{t('sim.settings.nodes')}{num('nodes')}</label>
        <label>
          {t('sim.settings.topology')}
          <select value={s.topology} onChange={(e) => set('topology', e.target.value as SimSettings['topology'])}>
            {(['star', 'random', 'bitcoin'] as const).map((k) => <option key={k} value={k}>{t(`sim.topology.${k}`)}</option>)}
          </select>
        </label>
        {s.topology === 'random' && <label>{t('sim.settings.outbound')}{num('outbound')}</label>}
        <label>
          {t('sim.settings.shares')}
          <input value={shares} onChange={(e) => setShares(e.target.value)} aria-describedby="sim-shares-help" />
          <span id="sim-shares-help" className="muted">{t('sim.settings.sharesHelp')}</span>
        </label>
        <label>{t('sim.settings.interval')}{num('blockInterval')}</label>
        <label>{t('sim.settings.blockSize')}{num('blockSize', 1000)}</label>
        <label>{t('sim.settings.txRate')}{num('txRate', 0.1)}</label>
        <label>{t('sim.settings.wallets')}{num('wallets')}</label>
        <label>
          {t('sim.settings.links')}
          <select value={s.links} onChange={(e) => set('links', e.target.value as SimSettings['links'])}>
            <option value="world">{t('sim.links.world')}</option>
            <option value="classroom">{t('sim.links.classroom')}</option>
          </select>
        </label>
        <label>{t('sim.settings.loss')}{num('loss', 0.01)}</label>
        <label>
          {t('sim.settings.validation')}
          <select value={s.validation} onChange={(e) => set('validation', e.target.value as SimSettings['validation'])} aria-describedby="sim-validation-help">
            <option value="full">{t('sim.validation.full')}</option>
            <option value="shared">{t('sim.validation.shared')}</option>
          </select>
          <span id="sim-validation-help" className="muted">{t(`sim.validation.${s.validation}Help`)}</span>
        </label>
        <label>{t('sim.settings.seed')}<input type="number" min={0} max={0xffff_ffff} value={seed} onChange={(e) => setSeed(Number(e.target.value))} /></label>
      </div>
      <p className="muted">{t(`sim.links.${s.links}Help`)}</p>
      {problem && <p role="alert" className="error" data-testid="sim-problem">{problem}</p>}
      <div className="buttons">
        <button type="submit" className="primary">{t('sim.settings.start')}</button>
        <FileButton label={t('sim.file.open')} accept=".json,application/json" onFile={(f) => void open(f)} />
      </div>
    </form>
  );
}
