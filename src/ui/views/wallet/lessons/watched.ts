/**
 * The script addresses a student follows in the wallet lessons (a shared multisig, a time lock),
 * remembered per network and node in localStorage: they are the student's notes, not node state
 * (the coins themselves are found in the node's UTXO set by their P2SH script).
 */
import { useCallback, useState } from 'react';
import { describeRedeemScript, fromHex, RuleError, toHex, type ScriptAddress } from '../../../../core';

function storageKey(network: string, nodeId: string): string {
  return `tabchain:script-addresses:${network}:${nodeId}`;
}

function load(key: string): ScriptAddress[] {
  try {
    const raw = JSON.parse(localStorage.getItem(key) ?? '[]') as unknown;
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((h) => {
      const a = typeof h === 'string' && /^[0-9a-f]+$/.test(h) ? describeRedeemScript(fromHex(h)) : null;
      return a ? [a] : [];
    });
  } catch {
    return []; // storage unavailable or unreadable: start with no notes
  }
}

/** The followed script addresses and a way to add one (kept when the tab reloads). */
export function useWatched(network: string, nodeId: string): [ScriptAddress[], (a: ScriptAddress) => void] {
  const key = storageKey(network, nodeId);
  const [list, setList] = useState(() => load(key));
  const add = useCallback(
    (a: ScriptAddress) => {
      setList((old) => {
        if (old.some((x) => x.address === a.address)) return old;
        const next = [...old, a];
        try {
          localStorage.setItem(key, JSON.stringify(next.map((x) => toHex(x.redeemScript))));
        } catch {
          // private mode or full storage: the list still lives for this session
        }
        return next;
      });
    },
    [key],
  );
  return [list, add];
}

/** A refusal as a student reads it: Core's reason and its explanation, or the error's message. */
export function refusalText(e: unknown): string {
  return e instanceof RuleError ? `${e.reason}: ${e.debug}` : (e as Error).message;
}
