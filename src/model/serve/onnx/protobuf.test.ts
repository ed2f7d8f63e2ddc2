import { describe, expect, it } from 'vitest';
import { OnnxGraph } from './graph.ts';
import { ProtoWriter } from './protobuf.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('ProtoWriter (protobuf wire format)', () => {
  it('writes varints as in the protobuf encoding guide (150 → 96 01)', () => {
    expect(hex(new ProtoWriter().int(1, 150).finish())).toBe('089601');
  });

  it('writes a negative int64 as ten bytes of two’s complement', () => {
    expect(hex(new ProtoWriter().int(1, -1).finish())).toBe(`08${'ff'.repeat(9)}01`);
  });

  it('writes floats little-endian with wire type 5, and nested messages length-prefixed', () => {
    expect(hex(new ProtoWriter().float(2, 1).finish())).toBe('150000803f');
    expect(hex(new ProtoWriter().message(3, (m) => m.string(2, 'testing')).finish())).toBe(
      '1a09120774657374696e67',
    );
  });
});

describe('OnnxGraph', () => {
  it('refuses an initializer whose length does not match its dims', () => {
    expect(() => new OnnxGraph('g').floats('W', new Float32Array(5), [2, 3])).toThrow(
      /5 values for dims 2,3/,
    );
  });

  it('serialises IR version 8 and default-domain opset 17 first in the model', () => {
    const bytes = new OnnxGraph('g').serialize();
    // field 1 (ir_version) = 8, then field 2 (producer_name) = "galspin"
    expect(hex(bytes.subarray(0, 11))).toBe(`0808${'12'}07${Buffer.from('galspin').toString('hex')}`);
  });
});
