/** Dashboard strings added with the tutorial: balances per node, causal propagation. */
export default {
  en: {
    dashx: {
      balances: {
        title: 'Balances per node',
        none: 'No named addresses yet. The Tutorial names them (WALLET_1 …); any address can be named in a wallet view.',
        caption: 'Each cell is what that node’s own UTXO set says the address holds (confirmed coins). Equal rows: the nodes agree.',
        name: 'name',
        owner: 'node {{node}}',
      },
      adjusted_one: '{{count}} node’s times were raised to follow the node that sent it the block (clock estimates can be a few milliseconds off).',
      adjusted_other: '{{count}} nodes’ times were raised to follow the node that sent each the block (clock estimates can be a few milliseconds off).',
    },
  },
  ko: {
    dashx: {
      balances: {
        title: '노드별 잔액',
        none: '아직 이름 붙은 주소가 없습니다. 튜토리얼이 이름(WALLET_1 …)을 붙이며, 지갑 화면에서 어떤 주소에든 이름을 붙일 수 있습니다.',
        caption: '각 칸은 그 노드가 자기 UTXO 집합에서 읽은 그 주소의 확정 코인입니다. 한 줄의 숫자가 모두 같으면 노드들의 의견이 같은 것입니다.',
        name: '이름',
        owner: '노드 {{node}}',
      },
      adjusted_one: '노드 {{count}}곳의 시각을 블록을 보내 준 노드보다 늦게 맞췄습니다(시계 추정은 몇 밀리초 틀릴 수 있습니다).',
      adjusted_other: '노드 {{count}}곳의 시각을 각자에게 블록을 보내 준 노드보다 늦게 맞췄습니다(시계 추정은 몇 밀리초 틀릴 수 있습니다).',
    },
  },
};
