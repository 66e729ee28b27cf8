// What each Bitcoin Core reason the lessons show means (src/ui/views/lessons/Reason.tsx). Keys are
// the reason strings up to any " (…)" detail, so a glossary can link them by the same key.
export default {
  en: {
    lessonReasons: {
      'bad-txnmrklroot': 'The merkle root in the block header does not match the block’s transactions: the transactions were changed after the header was made.',
      'high-hash': 'The block header’s hash is above the target: the proof of work is missing or was made for a different header.',
      'mandatory-script-verify-flag-failed': 'An input’s signature does not verify against what it spends and the outputs it signed: the transaction was changed after it was signed, or signed with the wrong key.',
      'bad-cb-amount': 'The coinbase pays more than the block reward plus the fees of the block’s transactions.',
      'bad-txns-in-belowout': 'A transaction’s outputs add up to more than its inputs: it creates coins from nothing.',
      'bad-txns-inputs-missingorspent': 'A transaction spends an output that does not exist or was already spent.',
      'bad-prevblk': 'The block builds on a block already found invalid.',
      'prev-blk-not-found': 'The block’s parent is unknown here: the block waits as an orphan until its parent arrives.',
      'txn-mempool-conflict': 'The transaction spends a coin that a transaction already in the mempool spends: the node keeps the first it saw.',
      'unrequested-block': 'A block nobody asked for, on a chain with less work than the tip: ignored, as Bitcoin Core does.',
      unknown: 'A rule of Bitcoin Core (see the glossary).',
    },
  },
  ko: {
    lessonReasons: {
      'bad-txnmrklroot': '블록 헤더의 머클 루트가 블록의 거래와 맞지 않습니다. 헤더를 만든 뒤에 거래가 바뀌었습니다.',
      'high-hash': '블록 헤더의 해시가 목표값보다 큽니다. 작업 증명이 없거나 다른 헤더를 위해 한 것입니다.',
      'mandatory-script-verify-flag-failed': '입력의 서명이 쓰려는 출력과 서명한 출력들에 대해 검증되지 않습니다. 서명한 뒤에 거래가 바뀌었거나 다른 키로 서명했습니다.',
      'bad-cb-amount': '코인베이스가 블록 보상과 블록 안 거래 수수료를 합친 것보다 많이 지급합니다.',
      'bad-txns-in-belowout': '거래의 출력 합이 입력 합보다 큽니다. 없는 코인을 만들어 냅니다.',
      'bad-txns-inputs-missingorspent': '거래가 존재하지 않거나 이미 쓴 출력을 씁니다.',
      'bad-prevblk': '이미 무효로 판정된 블록 위에 쌓은 블록입니다.',
      'prev-blk-not-found': '블록의 부모를 이 노드가 모릅니다. 부모가 올 때까지 고아 블록으로 기다립니다.',
      'txn-mempool-conflict': '멤풀에 이미 있는 거래가 쓰는 코인을 이 거래도 씁니다. 노드는 먼저 본 것을 지킵니다.',
      'unrequested-block': '아무도 요청하지 않았고 최신 블록보다 작업이 적은 체인의 블록입니다. 비트코인 코어처럼 무시합니다.',
      unknown: '비트코인 코어의 규칙입니다(용어 사전 참고).',
    },
  },
};
