import { describe, expect, it } from 'vitest';
import { COMMAND_COLORS as NODE, KEEPALIVE_COMMANDS, commandColor as nodeColor, isKeepalive } from '../../../src/ui/views/network/commandColors';
import { COMMAND_COLORS as DASH, commandColor as dashColor } from '../../../src/ui/dashboard/shared';

describe('one command-colour table', () => {
  it('the dashboard shows every command of the node view, in the same hue lightened for dark labels', () => {
    expect(Object.keys(DASH)).toEqual(Object.keys(NODE));
    expect(dashColor('block')).toBe('#eca487'); // #d9480f halfway to white
    expect(dashColor('no-such-command')).toBe('#a2a2a2'); // the node view's #444 fallback
    for (const c of Object.keys(NODE)) expect(dashColor(c)).toMatch(/^#[0-9a-f]{6}$/);
    expect(nodeColor('inv')).toBe(NODE.inv);
  });

  it('colours the compact-block and headers messages too (they were drawn grey and missing from the legend)', () => {
    for (const c of ['headers', 'getheaders', 'sendheaders', 'cmpctblock', 'getblocktxn', 'blocktxn', 'sendcmpct', 'teacher']) expect(nodeColor(c)).not.toBe('#444');
    expect(new Set(Object.values(NODE)).size).toBe(Object.keys(NODE).length - 1); // params and getparams share one grey
  });

  it('one keepalive list for the message log, the node graph and the dashboard', () => {
    expect(KEEPALIVE_COMMANDS).toEqual(['ping', 'pong']);
    expect(['ping', 'pong', 'inv', 'cmpctblock'].map(isKeepalive)).toEqual([true, true, false, false]);
  });
});
