/**
 * The message view's byte fields in Korean: every label the codec gives a field (wire/annotate.ts),
 * and the parts that number nested ones (tx 1, in 0). English shows the codec's own label; Korean
 * shows its name with the label beside it, the word a student finds in Bitcoin's documentation.
 */
const fields: Record<string, string> = {
  magic: '매직', command: '명령', length: '길이', checksum: '체크섬', version: '버전', services: '서비스',
  timestamp: '타임스탬프', 'addr_recv services': '받는 쪽 서비스', 'addr_recv id': '받는 쪽 ID',
  'addr_from services': '보내는 쪽 서비스', 'addr_from id': '보내는 쪽 ID', nonce: '논스', 'user agent': '사용자 에이전트',
  'start height': '시작 높이', relay: '거래 중계 여부', 'genesis hash': '제네시스 해시', 'inventory items': '인벤토리 항목 수',
  'inv type': '인벤토리 종류', 'inv hash': '인벤토리 해시', 'locator hashes': '로케이터 해시 수', 'locator hash': '로케이터 해시',
  'stop hash': '멈출 해시', headers: '헤더 수', 'header version': '헤더 버전', 'previous block hash': '이전 블록 해시',
  'merkle root': '머클 루트', 'header time': '헤더 시각', 'header bits': '난이도 비트', 'header nonce': '헤더 논스',
  'header tx count': '헤더의 거래 수', addresses: '주소 수', 'addr time': '주소 시각', 'addr services': '주소 서비스', 'addr id': '주소 ID',
  'rejected command': '거부된 명령', 'reject code': '거부 코드', 'reject reason': '거부 이유', 'rejected hash': '거부된 해시',
  announce: '바로 보내기 요청', 'compact version': '압축 블록 버전', 'tx version': '거래 버전', 'tx inputs': '입력 수',
  'prevout txid': '이전 출력의 txid', 'prevout index': '이전 출력 번호', scriptSig: '잠금 해제 스크립트', sequence: '시퀀스',
  'tx outputs': '출력 수', 'output value': '출력 금액', scriptPubKey: '잠금 스크립트', locktime: '잠금 시간',
  'block transactions': '블록의 거래 수', amount: '금액', 'block hash': '블록 해시', count: '개수', 'delivery mode': '전달 방식',
  height: '높이', 'index (differential)': '번호 (차이값)', indexes: '번호 수', interval: '간격', 'key hash': '키 해시', labels: '이름 수',
  lesson: '수업', 'nodeinfo records': 'nodeinfo 기록 수', 'partition groups': '분할 그룹 수', 'partition nodes': '분할 노드 수',
  'prefilled transactions': '미리 채운 거래 수', role: '역할', seq: '순번', 'short id high': '짧은 ID 상위 바이트',
  'short id low': '짧은 ID 하위 바이트', 'short ids': '짧은 ID 수', signature: '서명', stage: '단계', strategy: '전략',
  'teacher command': '교사 명령', 'tip hash': '끝 블록 해시', 'tip height': '끝 블록 높이', transactions: '거래 수', label: '이름',
  json: 'JSON', parameters: '매개변수', 'node id': '노드 ID', 'truncated header': '잘린 헤더', hash: '해시', bytes: '바이트',
};
const parts: Record<string, string> = {
  tx: '거래', in: '입력', out: '출력', item: '항목', header: '헤더', addr: '주소', locator: '로케이터', 'short id': '짧은 ID', prefilled: '미리 채운 거래',
};

export default {
  en: { wireField: Object.fromEntries(Object.keys(fields).map((k) => [k, k])), wirePart: Object.fromEntries(Object.keys(parts).map((k) => [k, k])) },
  ko: { wireField: fields, wirePart: parts },
};
