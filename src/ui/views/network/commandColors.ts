/** Colour per message command; always shown together with the command's name. */
export const COMMAND_COLORS: Record<string, string> = {
  version: '#7b5cc4',
  verack: '#9c85d6',
  getaddr: '#a0774a',
  addr: '#c08a4a',
  getblocks: '#2f6fd6',
  inv: '#1d8a3a',
  getdata: '#c79100',
  block: '#d9480f',
  tx: '#0b8a9a',
  notfound: '#b03a86',
  ping: '#7a8591',
  pong: '#9aa4ae',
  reject: '#c92a2a',
  getparams: '#5f6b7a',
  params: '#5f6b7a',
  nodeinfo: '#8a63b8',
};

export function commandColor(command: string): string {
  return COMMAND_COLORS[command] ?? '#444';
}
