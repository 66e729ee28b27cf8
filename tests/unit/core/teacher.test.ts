/**
 * Teacher commands: the canonical bytes round-trip, the teacher's signature verifies, and a
 * student's signature, an edited command or an out-of-bounds field does not.
 */
import { describe, expect, it } from 'vitest';
import {
  ByteWriter,
  DecodeError,
  decodeSignedTeacherCommand,
  encodeSignedTeacherCommand,
  signTeacherCommand,
  teacherPublicKey,
  verifyTeacherCommand,
  type TeacherCommand,
} from '../../../src/core';

const teacher = new Uint8Array(32).fill(7);
const student = new Uint8Array(32).fill(9);
const base = { network: 'class1', counter: 1_764_000_000_000, time: 1_764_000_000 };
const commands: TeacherCommand[] = [
  { ...base, action: { kind: 'mining', paused: true } },
  { ...base, action: { kind: 'throttle', percent: 25 } },
  { ...base, action: { kind: 'offline', node: '3004', offline: true } },
  { ...base, action: { kind: 'partition', groups: [['3000', '3001'], ['3002', '3003']] } },
  { ...base, action: { kind: 'partition', groups: [] } },
  { ...base, action: { kind: 'message', text: '5분 뒤에 블록을 봅시다 — look at block 5' } },
  { ...base, action: { kind: 'delivery', mode: 'paused', intervalMs: 0 } },
  { ...base, action: { kind: 'delivery', mode: 'slow', intervalMs: 1500 } },
  { ...base, action: { kind: 'delivery', mode: 'live', intervalMs: 0 } },
  { ...base, action: { kind: 'step', node: '3001', count: 1 } },
  { ...base, action: { kind: 'lesson', node: '3002', order: { do: 'tamper', height: 12, stage: 3 } } },
  { ...base, action: { kind: 'lesson', node: '3002', order: { do: 'double-spend', peers: ['3000', '3003'], to: ['mzBc4XEFSdzCDcTxAgf6EZXgsZWpztRhef', 'n3GNqMveyvaPvUbH469vDRadqpJMPc84JA'], amount: 300_000_000n } } },
  { ...base, action: { kind: 'lesson', node: '3004', order: { do: 'private', strategy: 'withhold', payTo: 'mzBc4XEFSdzCDcTxAgf6EZXgsZWpztRhef', amount: 200_000_000n } } },
  { ...base, action: { kind: 'lesson', node: '3004', order: { do: 'private', strategy: 'selfish', payTo: '', amount: 0n } } },
  { ...base, action: { kind: 'lesson', node: '3004', order: { do: 'release' } } },
  { ...base, action: { kind: 'lesson', node: '3004', order: { do: 'abandon' } } },
];

describe('teacher commands', () => {
  it.each(commands.map((c, i) => ({ kind: `${i} ${c.action.kind}`, c })))('$kind: round-trips and verifies with the teacher key only', ({ c }) => {
    const signed = signTeacherCommand(c, teacher);
    const back = decodeSignedTeacherCommand(encodeSignedTeacherCommand(signed));
    expect(back.command).toEqual(c);
    expect(verifyTeacherCommand(back, teacherPublicKey(teacher))).toBe(true);
    // Signed by a student's key: refused.
    expect(verifyTeacherCommand(signTeacherCommand(c, student), teacherPublicKey(teacher))).toBe(false);
  });

  it('an edited command no longer verifies (the signature covers every field)', () => {
    const signed = signTeacherCommand(commands[1]!, teacher);
    const key = teacherPublicKey(teacher);
    for (const edit of [{ counter: base.counter + 1 }, { time: base.time + 1 }, { network: 'class2' }, { action: { kind: 'throttle' as const, percent: 100 } }])
      expect(verifyTeacherCommand({ ...signed, command: { ...signed.command, ...edit } }, key)).toBe(false);
  });

  it('refuses out-of-bounds fields with a readable reason', () => {
    const bad = (build: (w: ByteWriter) => void) => {
      const body = new ByteWriter();
      body.varString('class1').u64(1n).u64(1n);
      build(body);
      const w = new ByteWriter().varBytes(body.finish()).varBytes(new Uint8Array(70));
      return () => decodeSignedTeacherCommand(w.finish());
    };
    expect(bad((w) => w.u8(9))).toThrow(new DecodeError('unknown teacher action'));
    expect(bad((w) => w.u8(1).u8(0))).toThrow(/throttle must be 1–100/);
    expect(bad((w) => w.u8(1).u8(101))).toThrow(/throttle must be 1–100/);
    expect(bad((w) => w.u8(0).u8(2))).toThrow(/flag must be 0 or 1/);
    expect(bad((w) => w.u8(3).compactSize(9))).toThrow(DecodeError);
    expect(bad((w) => w.u8(4).varString('x'.repeat(281)))).toThrow(/too long/);
    // Delivery: a known mode, an interval only when slowed and within 50 ms – 60 s.
    expect(bad((w) => w.u8(5).u8(3).u32(0))).toThrow(/unknown delivery mode/);
    expect(bad((w) => w.u8(5).u8(1).u32(500))).toThrow(/slow motion must be/);
    expect(bad((w) => w.u8(5).u8(2).u32(10))).toThrow(/slow motion must be/);
    expect(bad((w) => w.u8(5).u8(2).u32(60_001))).toThrow(/slow motion must be/);
    // Step: 1–100 messages.
    expect(bad((w) => w.u8(6).varString('3001').u8(0))).toThrow(/step must release/);
    expect(bad((w) => w.u8(6).varString('3001').u8(101))).toThrow(/step must release/);
    // Lesson orders: known kinds, tamper stages 1–3, real amounts, known strategies.
    expect(bad((w) => w.u8(7).varString('3001').u8(5))).toThrow(/unknown lesson/);
    expect(bad((w) => w.u8(7).varString('3001').u8(0).u32(3).u8(4))).toThrow(/tamper stage/);
    expect(bad((w) => w.u8(7).varString('3001').u8(1).varString('a').varString('b').varString('x').varString('y').u64(0n))).toThrow(/amount out of range/);
    expect(bad((w) => w.u8(7).varString('3001').u8(1).varString('a').varString('b').varString('x').varString('y').u64(21_000_001n * 100_000_000n))).toThrow(/amount out of range/);
    expect(bad((w) => w.u8(7).varString('3001').u8(2).u8(2).varString('').u64(0n))).toThrow(/unknown private mining strategy/);
    expect(bad((w) => w.u8(7).varString('3001').u8(2).u8(0).varString('').u64(5n))).toThrow(/amount out of range/);
  });
});
