import { describe, expect, it } from 'vitest';
import { COMMAND_COLORS as NODE, commandColor as nodeColor } from '../../../src/ui/views/network/commandColors';
import { COMMAND_COLORS as DASH, commandColor as dashColor } from '../../../src/ui/dashboard/shared';

describe('one command-colour table', () => {
  it('the dashboard shows every command of the node view, in the same hue lightened for dark labels', () => {
    expect(Object.keys(DASH)).toEqual(Object.keys(NODE));
    expect(dashColor('block')).toBe('#eca487'); // #d9480f halfway to white
    expect(dashColor('no-such-command')).toBe('#a2a2a2'); // the node view's #444 fallback
    for (const c of Object.keys(NODE)) expect(dashColor(c)).toMatch(/^#[0-9a-f]{6}$/);
    expect(nodeColor('inv')).toBe(NODE.inv);
  });
});
