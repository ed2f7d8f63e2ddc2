/**
 * A small ONNX graph builder that serialises a ModelProto (onnx.proto, IR version 8, default-domain
 * opset 17). Only what galspin's exporter uses: float/int64 initialisers, tensor inputs and outputs
 * with a symbolic batch dimension, and int/ints/float/string attributes.
 * Field numbers: https://github.com/onnx/onnx/blob/main/onnx/onnx.proto
 */
import { ProtoWriter } from './protobuf.ts';

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

const FLOAT = 1;
const INT64 = 7;

const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

export type AttrValue = number | number[] | string | { float: number };

interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
}

interface Initializer {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array;
}

/** A value's shape: numbers are fixed, strings are symbolic (e.g. 'N' for the batch). */
export type Dims = (number | string)[];

export class OnnxGraph {
  private nodes: Node[] = [];
  private initializers: Initializer[] = [];
  private inputs: { name: string; dims: Dims }[] = [];
  private outputs: { name: string; dims: Dims }[] = [];
  private counter = 0;

  constructor(readonly name: string) {}

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, dims: Dims): string {
    this.inputs.push({ name, dims });
    return name;
  }

  output(name: string, dims: Dims): void {
    this.outputs.push({ name, dims });
  }

  floats(prefix: string, data: Float32Array, dims: number[]): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (data.length !== expected)
      throw new Error(`initializer ${prefix}: ${data.length} values for dims ${dims}`);
    const name = this.fresh(prefix);
    this.initializers.push({ name, dims, data });
    return name;
  }

  int64s(prefix: string, values: number[]): string {
    const name = this.fresh(prefix);
    this.initializers.push({ name, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  }

  /** Adds a node; returns its first output's name (generated from the op type unless given). */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs?: string[]): string {
    const outs = outputs ?? [this.fresh(op.toLowerCase())];
    this.nodes.push({ op, inputs, outputs: outs, attrs });
    return outs[0];
  }

  serialize(meta: Record<string, string> = {}): Uint8Array {
    const w = new ProtoWriter();
    w.int(1, ONNX_IR_VERSION);
    w.string(2, 'galspin');
    w.message(7, (g) => this.writeGraph(g));
    w.message(8, (o) => o.string(1, '').int(2, ONNX_OPSET));
    for (const [key, value] of Object.entries(meta)) w.message(14, (e) => e.string(1, key).string(2, value));
    return w.finish();
  }

  private writeGraph(g: ProtoWriter): void {
    for (const n of this.nodes) {
      g.message(1, (w) => {
        for (const i of n.inputs) w.string(1, i);
        for (const o of n.outputs) w.string(2, o);
        w.string(3, n.outputs[0]);
        w.string(4, n.op);
        for (const [name, value] of Object.entries(n.attrs)) w.message(5, (a) => writeAttr(a, name, value));
      });
    }
    g.string(2, this.name);
    for (const t of this.initializers) {
      g.message(5, (w) => {
        for (const d of t.dims) w.int(1, d);
        w.int(2, t.data instanceof Float32Array ? FLOAT : INT64);
        w.string(8, t.name);
        // raw_data is little-endian, as on every platform ORT ships for.
        w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      });
    }
    for (const v of this.inputs) g.message(11, (w) => writeValueInfo(w, v.name, v.dims));
    for (const v of this.outputs) g.message(12, (w) => writeValueInfo(w, v.name, v.dims));
  }
}

function writeAttr(a: ProtoWriter, name: string, value: AttrValue): void {
  a.string(1, name);
  if (typeof value === 'number') {
    a.int(3, value).int(20, ATTR_INT);
  } else if (typeof value === 'string') {
    a.string(4, value).int(20, ATTR_STRING);
  } else if (Array.isArray(value)) {
    for (const v of value) a.int(8, v);
    a.int(20, ATTR_INTS);
  } else {
    a.float(2, value.float).int(20, ATTR_FLOAT);
  }
}

function writeValueInfo(w: ProtoWriter, name: string, dims: Dims): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, FLOAT);
      tensor.message(2, (shape) => {
        for (const d of dims)
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}
