import type { ReactNode } from 'react';

/**
 * A transaction drawn as coins in → coins out: two titled lists with an arrow between them. The
 * chain, mempool and wallet views fill the lists with what each knows about the coins.
 */
export function TxFlow({ inTitle, inputs, outTitle, outputs }: { inTitle: string; inputs: ReactNode; outTitle: string; outputs: ReactNode }) {
  return (
    <div className="tx-io">
      <div>
        <h3>{inTitle}</h3>
        <ul>{inputs}</ul>
      </div>
      <div className="tx-arrow" aria-hidden="true">→</div>
      <div>
        <h3>{outTitle}</h3>
        <ul>{outputs}</ul>
      </div>
    </div>
  );
}
