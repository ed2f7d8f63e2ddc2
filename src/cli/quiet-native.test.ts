import { describe, expect, it } from 'vitest';
import { isNativeLogLine, nativeLogFilter } from './quiet-native.ts';

// Lines libtensorflow 2.21 printed on this machine when tfjs-node loaded (copied from a run).
const ABSL = 'WARNING: All log messages before absl::InitializeLog() is called are written to STDERR';
const ONEDNN =
  'I0000 00:00:1796319708.137679   27470 port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results due to floating-point round-off errors from different computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.';
const CPU_GUARD =
  'I0000 00:00:1796319708.261170   27470 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.';
const CPU_HINT =
  'To enable the following instructions: AVX2 AVX512F AVX512_VNNI AVX512_BF16 AVX_VNNI FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.';

describe('native log filter', () => {
  it("recognises libtensorflow's informational lines", () => {
    for (const l of [ABSL, ONEDNN, CPU_GUARD, CPU_HINT]) expect(isNativeLogLine(l)).toBe(true);
    expect(
      isNativeLogLine('W1203 17:44:09.123456   42 gpu_device.cc:2344] Cannot dlopen some GPU libraries.'),
    ).toBe(true);
  });

  it('keeps galspin lines, errors and fatal lines from TensorFlow', () => {
    for (const l of [
      'galspin: runs/x.fits: not a FITS file',
      'E0000 00:00:1796319708.1   27470 op_kernel.cc:1] OOM when allocating tensor',
      'F1203 17:44:09.123456   42 check.cc:1] Check failed',
      'WARNING: something else',
      'I0000 is not a log prefix here',
    ])
      expect(isNativeLogLine(l)).toBe(false);
  });

  it('passes other text through, across chunk boundaries, and flushes an unfinished last line', () => {
    const out: string[] = [];
    const f = nativeLogFilter((s) => out.push(s));
    const text = `${ABSL}\n${ONEDNN}\ngalspin: one\nTraceback line\n${CPU_GUARD}\nno newline at end`;
    for (let i = 0; i < text.length; i += 7) f.push(text.slice(i, i + 7));
    f.flush();
    expect(out.join('')).toBe('galspin: one\nTraceback line\nno newline at end');
  });
});
