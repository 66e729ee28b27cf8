import { encodeSignedTeacherCommand, signTeacherCommand, type TeacherAction } from '../../core';

let lastCounter = 0;

/**
 * Signs a teacher command with the key from the teacher link. Counters only grow, even if the
 * teacher's clock steps back, so a node never takes a new command for a replay.
 */
export function signCommand(network: string, secret: Uint8Array, action: TeacherAction): Uint8Array {
  lastCounter = Math.max(Date.now(), lastCounter + 1);
  return encodeSignedTeacherCommand(signTeacherCommand({ network, counter: lastCounter, time: Math.floor(Date.now() / 1000), action }, secret));
}
