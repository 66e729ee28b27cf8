/**
 * A shared run file is checked before anything runs: a teacher who opens a corrupt or edited file
 * is told what is wrong with it in words, and a good file comes back exactly as it was written.
 */
import { describe, expect, it } from 'vitest';
import { parseRunFile, runFileToJson, type SimAction } from '../../../src/sim/runFile';
import { DEFAULT_SETTINGS, checkSettings, equalShares } from '../../../src/sim/settings';
import i18next from 'i18next';
import { resources } from '../../../src/ui/i18n/resources';
import { whyText } from '../../../src/ui/sim/why';

async function tFor(lng: 'en' | 'ko') {
  const i = i18next.createInstance();
  await i.init({ resources, lng, interpolation: { escapeValue: false } });
  return i.t.bind(i);
}

const ACTIONS: SimAction[] = [
  { step: 120, at: 15_000, kind: 'partition', groups: [[0, 1], [2, 3]] },
  { step: 400, at: 31_250.5, kind: 'link', a: 0, b: 2, latency: 250, bandwidth: 2 },
  { step: 400, at: 31_250.5, kind: 'hash', miner: 0, share: 60 },
  { step: 900, at: 60_000, kind: 'heal' },
];
const GOOD = runFileToJson({ seed: 7, settings: DEFAULT_SETTINGS, actions: ACTIONS });
const edit = (f: (o: Record<string, any>) => void) => {
  const o = JSON.parse(GOOD);
  f(o);
  return JSON.stringify(o);
};

describe('run files', () => {
  it('a written run file reads back as the same seed, settings and actions', () => {
    const r = parseRunFile(GOOD);
    expect(r.ok && r.value).toEqual({ kind: 'tabchain-simulation', version: 1, seed: 7, settings: DEFAULT_SETTINGS, actions: ACTIONS });
    expect(GOOD.length).toBeLessThan(2_000); // small enough to mail
  });

  it.each([
    { what: 'cut off halfway', text: GOOD.slice(0, GOOD.length / 2), reason: /^the file is not valid JSON/ },
    { what: 'a picture, not a run', text: '\u0089PNG\r\n', reason: /^the file is not valid JSON/ },
    { what: 'a list', text: '[1,2]', reason: 'the file does not hold a simulation run (expected a JSON object)' },
    { what: 'another program’s JSON', text: '{"name":"tabchain"}', reason: 'the file is not a tabchain simulation run (kind is null)' },
    { what: 'a newer version', text: edit((o) => (o.version = 2)), reason: "the run file's version 2 is not supported (this page reads version 1)" },
    { what: 'a negative seed', text: edit((o) => (o.seed = -1)), reason: 'seed must be a whole number from 0 to 4294967295' },
    { what: '5,000 nodes', text: edit((o) => (o.settings.nodes = 5000)), reason: 'settings: nodes must be a whole number from 2 to 1000 (found 5000)' },
    { what: 'a 2 MB block', text: edit((o) => (o.settings.blockSize = 2_000_000)), reason: 'settings: blockSize must be a whole number from 1000 to 1000000 (found 2000000)' },
    { what: 'shares adding up to 90 %', text: edit((o) => (o.settings.hashShares = [50, 40])), reason: 'settings: hash shares must add up to 100 % (they add up to 90 %)' },
    { what: 'an unknown topology', text: edit((o) => (o.settings.topology = 'ring')), reason: 'settings: topology must be one of star, random, bitcoin (found "ring")' },
    { what: 'a partition naming node 100 of 100', text: edit((o) => (o.actions[0].groups = [[0], [100]])), reason: 'action 1: a partition needs two or more groups of node numbers from 0 to 99' },
    { what: 'an unknown action', text: edit((o) => (o.actions[1].kind = 'explode')), reason: 'action 2: unknown action "explode"' },
    { what: 'actions out of order', text: edit((o) => (o.actions[3].step = 10)), reason: 'action 4: actions must be in the order they happened (step 10 after step 400)' },
    { what: 'a miner that does not exist', text: edit((o) => (o.actions[2].miner = 10)), reason: 'action 3: miner must be a miner number from 0 to 9' },
    { what: 'a loss above 1', text: edit((o) => (o.actions[1].loss = 2)), reason: 'action 2: loss must be a probability from 0 to 1' },
  ])('refuses $what with a reason, said in English and in Korean on the page', async ({ text, reason }) => {
    const r = parseRunFile(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toMatch(reason);
    const [en, ko] = [whyText(await tFor('en'), r.why), whyText(await tFor('ko'), r.why)];
    expect(en).not.toMatch(/sim\.why|\{\{/);
    expect(ko).not.toMatch(/sim\.why|\{\{/);
    // Korean says it in Korean, an action's rule too: English words only where the file is quoted.
    expect(ko.replace(/JSON|tabchain|"[a-z]+"|star, random, bitcoin|Mbit/g, '')).not.toMatch(/[a-z]{3,}/i);
  });
});

describe('settings', () => {
  it('equal shares for 3 miners add up to exactly 100 %', () => {
    expect(equalShares(3)).toEqual([33.34, 33.33, 33.33]);
    expect(checkSettings({ ...DEFAULT_SETTINGS, hashShares: equalShares(3) }).ok).toBe(true);
  });

  it('more miners than nodes, or as many outbound links as nodes, are refused', () => {
    expect(checkSettings({ ...DEFAULT_SETTINGS, nodes: 3, hashShares: equalShares(4) })).toMatchObject({ ok: false, reason: 'there are more miners (4) than nodes (3)' });
    expect(checkSettings({ ...DEFAULT_SETTINGS, nodes: 4, hashShares: [100], topology: 'random', outbound: 4 })).toMatchObject({ ok: false, reason: 'outbound (4) must be smaller than the number of nodes (4)' });
  });
});
