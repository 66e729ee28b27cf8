import { useEffect, useState } from 'react';
import { useSession } from '../../runtime/context';
import type { NodeEventType } from '../../../node/events';

const WATCHED = new Set<NodeEventType>(['lesson', 'delivery', 'chain', 'mempool', 'wallet-changed', 'peer-connected', 'peer-disconnected', 'mining-stopped']);

/**
 * Re-renders the caller when the lessons' state may have changed (a lesson event, a message held
 * or released, a block, a mempool change, a peer), at most every `ms`; returns the node.
 */
export function useLessonNode(ms = 250) {
  const { node } = useSession();
  const [, setTick] = useState(0);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = node.on((e) => {
      if (!WATCHED.has(e.type) || timer) return;
      timer = setTimeout(() => {
        timer = null;
        setTick((n) => n + 1);
      }, ms);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [node, ms]);
  return node;
}
