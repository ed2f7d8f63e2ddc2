/**
 * Table structure and cells: BINTABLE (FITS Standard 4.0, Sect. 7.3) and ASCII TABLE (Sect. 7.2).
 * Binary cells are read for the fixed types L X B I J K A E D C M and the variable-length
 * descriptors P/Q (arrays read from the heap).
 */
import { FitsProblem } from './errors.ts';
import type { Header } from './header.ts';

export interface TableColumn {
  /** 1-based column number. */
  index: number;
  name: string | undefined;
  /** TFORMn as written, e.g. '1D', '15A', '1PB(20)', 'E12.5'. */
  form: string;
  unit: string | undefined;
  /** Element type code (L X B I J K A E D C M P Q for binary; A I F E D for ASCII). */
  code: string;
  /** Repeat count (binary) or field width in characters (ASCII). */
  repeat: number;
  /** For P/Q descriptors: the element type stored in the heap. */
  heapCode?: string;
  /** Byte offset of the field inside a row. */
  offset: number;
  /** Bytes the field occupies in a row. */
  width: number;
  tscal: number;
  tzero: number;
  tnull: number | string | undefined;
}

export interface TableStructure {
  rows: number;
  rowBytes: number;
  columns: TableColumn[];
}

export class TableProblem extends FitsProblem {}

const BINARY_WIDTH: Record<string, number> = {
  L: 1,
  X: 0,
  B: 1,
  I: 2,
  J: 4,
  K: 8,
  A: 1,
  E: 4,
  D: 8,
  C: 8,
  M: 16,
  P: 8,
  Q: 16,
};

const BINARY_FORM = /^(\d*)([LXBIJKAEDCMPQ])(.*)$/;
const DESCRIPTOR = /^([LXBIJKAEDCM])(?:\((\d+)\))?$/;
const ASCII_FORM = /^([AIFED])(\d+)(?:\.(\d+))?$/;

/** Reads TFIELDS, TTYPEn, TFORMn, TUNITn (and TBCOLn for ASCII tables) and checks the row width. */
export function tableStructure(
  header: Header,
  ascii: boolean,
  rowBytes: number,
  rows: number,
): TableStructure {
  const tfields = header.getNumber('TFIELDS') ?? 0;
  if (!Number.isInteger(tfields) || tfields < 0 || tfields > 999) {
    throw new TableProblem(`TFIELDS = ${header.get('TFIELDS')} is not a column count`);
  }
  const columns: TableColumn[] = [];
  let offset = 0;
  for (let n = 1; n <= tfields; n++) {
    const form = header.getString(`TFORM${n}`)?.trim();
    if (!form) throw new TableProblem(`missing TFORM${n}`);
    const ttype = header.getString(`TTYPE${n}`);
    if (ttype !== undefined && ttype.trim() === '') throw new TableProblem(`TTYPE${n} is an empty name`);
    const base = {
      index: n,
      name: ttype?.trim() || undefined,
      form,
      unit: header.getString(`TUNIT${n}`)?.trim() || undefined,
      tscal: header.getNumber(`TSCAL${n}`) ?? 1,
      tzero: header.getNumber(`TZERO${n}`) ?? 0,
      tnull: (() => {
        const v = header.get(`TNULL${n}`);
        return typeof v === 'number' || typeof v === 'string' ? v : undefined;
      })(),
    };
    if (ascii) {
      const m = ASCII_FORM.exec(form.toUpperCase());
      if (!m) throw new TableProblem(`TFORM${n} = '${form}' is not an ASCII table format`);
      const tbcol = header.getNumber(`TBCOL${n}`);
      if (tbcol === undefined || !Number.isInteger(tbcol) || tbcol < 1) {
        throw new TableProblem(`TBCOL${n} missing or invalid`);
      }
      const width = Number(m[2]);
      if (tbcol - 1 + width > rowBytes)
        throw new TableProblem(`column ${n} runs past the row width ${rowBytes}`);
      columns.push({ ...base, code: m[1], repeat: width, offset: tbcol - 1, width });
    } else {
      const m = BINARY_FORM.exec(form.toUpperCase());
      if (!m) throw new TableProblem(`TFORM${n} = '${form}' is not a binary table format`);
      const repeat = m[1] === '' ? 1 : Number(m[1]);
      const code = m[2];
      let heapCode: string | undefined;
      if (code === 'P' || code === 'Q') {
        const d = DESCRIPTOR.exec(m[3]);
        if (!d) throw new TableProblem(`TFORM${n} = '${form}' has no valid array type`);
        heapCode = d[1];
      }
      const width = code === 'X' ? Math.ceil(repeat / 8) : repeat * BINARY_WIDTH[code];
      columns.push({ ...base, code, repeat, heapCode, offset, width });
      offset += width;
    }
  }
  if (!ascii && offset !== rowBytes) {
    throw new TableProblem(`columns add up to ${offset} bytes per row but NAXIS1 = ${rowBytes}`);
  }
  return { rows, rowBytes, columns };
}

export type CellValue = number | bigint | string | boolean | null | CellValue[] | [number, number];

/** Big-endian reader of one binary table (main table + heap). */
export class BinaryTableReader {
  private readonly view: DataView;

  constructor(
    private readonly data: Uint8Array,
    readonly structure: TableStructure,
    /** Byte offset of the heap inside `data` (THEAP, default NAXIS1 × NAXIS2). */
    private readonly heapOffset: number,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  /** All cells of one column, row by row; TSCAL/TZERO applied to numeric types. */
  column(column: TableColumn): CellValue[] {
    const out: CellValue[] = new Array(this.structure.rows);
    for (let r = 0; r < this.structure.rows; r++) out[r] = this.cell(r, column);
    return out;
  }

  /** Raw bytes of a P/Q descriptor's heap array (for tile-compressed images). */
  heapBytes(row: number, column: TableColumn): Uint8Array {
    const { count, start } = this.descriptor(row, column);
    const width = column.heapCode === 'X' ? 1 / 8 : BINARY_WIDTH[column.heapCode ?? 'B'];
    const bytes = Math.ceil(count * width);
    const from = this.heapOffset + start;
    if (from + bytes > this.data.length)
      throw new TableProblem(`row ${row + 1} heap array runs past the data`);
    return this.data.subarray(from, from + bytes);
  }

  cell(row: number, column: TableColumn): CellValue {
    const at = row * this.structure.rowBytes + column.offset;
    if (column.code === 'P' || column.code === 'Q') {
      const { count, start } = this.descriptor(row, column);
      return this.readValues(this.heapOffset + start, column.heapCode ?? 'B', count, column, true);
    }
    return this.readValues(at, column.code, column.repeat, column, false);
  }

  private descriptor(row: number, column: TableColumn): { count: number; start: number } {
    const at = row * this.structure.rowBytes + column.offset;
    const d =
      column.code === 'P'
        ? { count: this.view.getInt32(at), start: this.view.getInt32(at + 4) }
        : { count: Number(this.view.getBigInt64(at)), start: Number(this.view.getBigInt64(at + 8)) };
    if (d.count < 0 || d.start < 0 || this.heapOffset + d.start > this.data.length) {
      throw new TableProblem(
        `row ${row + 1} column ${column.index}: heap descriptor (${d.count}, ${d.start}) points outside the heap`,
      );
    }
    return d;
  }

  private readValues(
    at: number,
    code: string,
    repeat: number,
    column: TableColumn,
    asArray: boolean,
  ): CellValue {
    const v = this.view;
    const width = code === 'X' ? 0 : BINARY_WIDTH[code];
    if (at < 0 || at + (code === 'X' ? Math.ceil(repeat / 8) : repeat * width) > this.data.length) {
      throw new TableProblem(`column ${column.index} cell runs past the data`);
    }
    if (code === 'A') {
      let s = '';
      for (let i = 0; i < repeat; i++) {
        const c = this.data[at + i];
        if (c === 0) break;
        s += String.fromCharCode(c);
      }
      return s.trimEnd();
    }
    if (code === 'X') {
      const bits: CellValue[] = [];
      for (let i = 0; i < repeat; i++) bits.push((this.data[at + (i >> 3)] >> (7 - (i & 7))) & 1);
      return bits;
    }
    const scale = (x: number) => x * column.tscal + column.tzero;
    const one = (p: number): CellValue => {
      switch (code) {
        case 'L': {
          const c = this.data[p];
          return c === 84 ? true : c === 70 ? false : null;
        }
        case 'B':
          return scale(v.getUint8(p));
        case 'I':
          return scale(v.getInt16(p));
        case 'J':
          return scale(v.getInt32(p));
        case 'K': {
          const k = v.getBigInt64(p);
          return column.tscal === 1 && column.tzero === 0 ? k : scale(Number(k));
        }
        case 'E':
          return scale(v.getFloat32(p));
        case 'D':
          return scale(v.getFloat64(p));
        case 'C':
          return [v.getFloat32(p), v.getFloat32(p + 4)];
        case 'M':
          return [v.getFloat64(p), v.getFloat64(p + 8)];
        default:
          throw new TableProblem(`column ${column.index}: cannot read type ${code}`);
      }
    };
    if (repeat === 1 && !asArray) return one(at);
    const out: CellValue[] = new Array(repeat);
    for (let i = 0; i < repeat; i++) out[i] = one(at + i * width);
    return out;
  }
}

/** Cells of an ASCII table column: numbers for I/F/E/D (D exponents accepted), text for A. */
export function asciiColumn(data: Uint8Array, structure: TableStructure, column: TableColumn): CellValue[] {
  const out: CellValue[] = new Array(structure.rows);
  for (let r = 0; r < structure.rows; r++) {
    const start = r * structure.rowBytes + column.offset;
    const text = Buffer.from(data.buffer, data.byteOffset + start, column.width).toString('latin1');
    if (column.code === 'A') {
      out[r] = text.trimEnd();
      continue;
    }
    const t = text.trim();
    if (t === '' || (column.tnull !== undefined && t === String(column.tnull).trim())) {
      out[r] = null;
      continue;
    }
    const n = Number(t.replace(/[Dd]/, 'E'));
    out[r] = Number.isNaN(n) ? null : n * column.tscal + column.tzero;
  }
  return out;
}
