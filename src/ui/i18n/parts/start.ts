/** Strings of the first screen's Tutorial and of "this network exists already". */
export default {
  en: {
    start: {
      title: 'Tutorial: start here',
      what: 'Opens three tabs — the central node (3000), a wallet and a miner — names their addresses as the Go tutorial does (CENTRAL_NODE, WALLET_1 … WALLET_4, MINER_WALLET), and walks through its nine steps, one click each. Every message still goes over the network and shows in each tab.',
      button: 'Start the tutorial',
      opened: 'Opened the central, wallet and miner tabs of “{{network}}”. The tutorial starts in the central tab.',
      own: 'Or set up a network yourself',
      existsTitle: '“{{network}}” exists already',
      existsText_one: 'A node of this network is online or stored in this browser: {{nodes}}. Start a fresh network, or continue the old chain with new tabs?',
      existsText_other: '{{count}} nodes of this network are online or stored in this browser: {{nodes}}. Start a fresh network, or continue the old chain with new tabs?',
      fresh: 'Start fresh as “{{network}}”',
      continue: 'Continue “{{network}}”',
      cancel: 'Cancel',
    },
  },
  ko: {
    start: {
      title: '튜토리얼: 여기서 시작하세요',
      what: '탭 세 개(중앙 노드 3000, 지갑, 채굴자)를 열고, Go 튜토리얼처럼 주소에 이름(CENTRAL_NODE, WALLET_1 … WALLET_4, MINER_WALLET)을 붙인 뒤, 아홉 단계를 한 번씩 클릭하며 따라 합니다. 메시지는 모두 실제로 네트워크를 오가며 각 탭에 보입니다.',
      button: '튜토리얼 시작',
      opened: '“{{network}}” 네트워크의 중앙, 지갑, 채굴자 탭을 열었습니다. 튜토리얼은 중앙 탭에서 시작합니다.',
      own: '직접 네트워크 만들기',
      existsTitle: '“{{network}}” 네트워크가 이미 있습니다',
      existsText_one: '이 네트워크에 온라인이거나 이 브라우저에 저장된 노드가 있습니다: {{nodes}}. 새 네트워크로 시작할까요, 아니면 새 탭으로 예전 체인을 이어 갈까요?',
      existsText_other: '이 네트워크에 온라인이거나 이 브라우저에 저장된 노드가 {{count}}개 있습니다: {{nodes}}. 새 네트워크로 시작할까요, 아니면 새 탭으로 예전 체인을 이어 갈까요?',
      fresh: '새로 시작: “{{network}}”',
      continue: '이어 가기: “{{network}}”',
      cancel: '취소',
    },
  },
};
