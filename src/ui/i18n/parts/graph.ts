export default {
  en: {
    graph: {
      title: 'Network as this node sees it',
      aria: 'Graph of this node, its peers and the nodes it knows of; messages move along the connections',
      legend: 'Message colours',
      knownOnly: 'known by address, not connected',
    },
  },
  ko: {
    graph: {
      title: '이 노드가 보는 네트워크',
      aria: '이 노드와 피어, 알고 있는 노드들의 그래프. 메시지가 연결선을 따라 움직입니다',
      legend: '메시지 색',
      knownOnly: '주소만 알고 연결되지 않음',
    },
  },
};
