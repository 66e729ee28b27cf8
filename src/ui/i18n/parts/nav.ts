export default {
  en: {
    nav: {
      label: 'Views of this node',
      overview: 'Network',
      messages: 'Messages',
      chain: 'Chain',
      wallet: 'Wallet & UTXO',
      mempool: 'Mempool',
      miner: 'Miner',
      timeline: 'Propagation',
      script: 'Script',
      scenario: 'Guided scenario',
      projector: 'Projector mode',
    },
  },
  ko: {
    nav: {
      label: '이 노드 보기',
      overview: '네트워크',
      messages: '메시지',
      chain: '체인',
      wallet: '지갑과 UTXO',
      mempool: '멤풀',
      miner: '채굴',
      timeline: '전파',
      script: '스크립트',
      scenario: '따라하기',
      projector: '프로젝터 모드',
    },
  },
};
