/** Small strings added with the tutorial: the message log's keepalive switch, the live fork, the mempool's order. */
export default {
  en: {
    msgx: {
      showKeepalive: 'Show ping/pong (keepalive)',
      intro: 'Every message in and out of this node, with its bytes. Click one to see its fields.',
      noPeersCentral: 'No peers yet. Open a wallet or miner tab on this network (or give the network name to the class): they connect here.',
      mempoolOrder: 'Listed in the order a miner takes them: highest fee rate first.',
      feeRate: '{{rate}} sat/byte',
    },
    fork: {
      live_one: 'Live fork: {{count}} tip at height {{height}}.',
      live_other: 'Live fork: {{count}} tips of equal work at height {{height}}. Each node keeps the one it saw first; the next block decides.',
    },
  },
  ko: {
    msgx: {
      showKeepalive: 'ping/pong 보기 (연결 유지 메시지)',
      intro: '이 노드가 주고받은 모든 메시지와 그 바이트입니다. 하나를 누르면 필드를 볼 수 있습니다.',
      noPeersCentral: '아직 피어가 없습니다. 이 네트워크에 지갑이나 채굴자 탭을 열거나, 학생들에게 네트워크 이름을 알려 주세요. 모두 여기로 연결합니다.',
      mempoolOrder: '채굴자가 담는 순서, 즉 수수료율이 높은 순서로 보여 줍니다.',
      feeRate: '{{rate}} sat/바이트',
    },
    fork: {
      live_one: '진행 중인 포크: 높이 {{height}}에 최신 블록 {{count}}개.',
      live_other: '진행 중인 포크: 높이 {{height}}에 작업량이 같은 최신 블록 {{count}}개. 각 노드는 먼저 본 것을 따르며, 다음 블록이 승자를 정합니다.',
    },
  },
};
