import type { Message } from '../../../node/wire/protocol';

/**
 * Colour per message command; always shown together with the command's name. Typed by the wire
 * protocol's commands: a new message cannot go out grey and missing from the legend.
 */
export const COMMAND_COLORS: Record<Message['command'], string> = {
  version: '#7b5cc4',
  verack: '#9c85d6',
  getaddr: '#a0774a',
  addr: '#c08a4a',
  getblocks: '#2f6fd6',
  getheaders: '#3b5bdb',
  headers: '#4dabf7',
  sendheaders: '#91a7ff',
  inv: '#1d8a3a',
  getdata: '#c79100',
  block: '#d9480f',
  cmpctblock: '#f76707',
  getblocktxn: '#a66f00',
  blocktxn: '#e8a33d',
  sendcmpct: '#ffa94d',
  tx: '#0b8a9a',
  notfound: '#b03a86',
  ping: '#7a8591',
  pong: '#9aa4ae',
  reject: '#c92a2a',
  getparams: '#5f6b7a',
  params: '#5f6b7a',
  nodeinfo: '#8a63b8',
  teacher: '#d6336c',
};

/**
 * The links' keepalive: hidden until asked for in the message log, the node's graph and the
 * dashboard (every link pings every few seconds; shown, it buries the traffic a lesson is about).
 */
export const KEEPALIVE_COMMANDS: string[] = ['ping', 'pong'];

export function isKeepalive(command: string): boolean {
  return KEEPALIVE_COMMANDS.includes(command);
}

export function commandColor(command: string): string {
  return (COMMAND_COLORS as Record<string, string>)[command] ?? '#444';
}
