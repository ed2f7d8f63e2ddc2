/**
 * Probability calibration: temperature scaling (Guo et al. 2017, "On Calibration of Modern Neural
 * Networks", ICML) fitted on the VALIDATION logits — p = σ(z / T) — and the expected calibration error
 * ECE = Σ_b (n_b / N) |mean p_b − fraction positive_b| over equal-width probability bins.
 */

export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  meanP: number;
  fracPositive: number;
}

export const sigmoid = (z: number): number =>
  z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));

/** Binary cross-entropy of σ(z/T), computed stably from logits. */
export function temperedNll(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  temperature: number,
): number {
  let s = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i] / temperature;
    // −[y log σ(z) + (1−y) log(1−σ(z))] = softplus(z) − y z
    const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    s += softplus - labels[i] * z;
  }
  return s / Math.max(1, logits.length);
}

/**
 * T minimising the validation NLL, by golden-section search on log T ∈ [log 0.05, log 20]
 * (the NLL is unimodal in T for a fixed set of logits).
 */
export function fitTemperature(logits: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (logits.length === 0) return 1;
  let a = Math.log(0.05);
  // Logits of a CNN trained on a separable generator reach hundreds; another generator may need T ≫ 20.
  let b = Math.log(1000);
  const g = (Math.sqrt(5) - 1) / 2;
  const f = (u: number) => temperedNll(logits, labels, Math.exp(u));
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 80; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}

export function reliabilityBins(
  p: ArrayLike<number>,
  labels: ArrayLike<number>,
  nBins = 10,
): ReliabilityBin[] {
  const bins: ReliabilityBin[] = Array.from({ length: nBins }, (_, i) => ({
    lo: i / nBins,
    hi: (i + 1) / nBins,
    count: 0,
    meanP: 0,
    fracPositive: 0,
  }));
  for (let i = 0; i < p.length; i++) {
    const b = bins[Math.min(nBins - 1, Math.floor(p[i] * nBins))];
    b.count++;
    b.meanP += p[i];
    b.fracPositive += labels[i];
  }
  for (const b of bins) {
    if (b.count > 0) {
      b.meanP /= b.count;
      b.fracPositive /= b.count;
    }
  }
  return bins;
}

export function expectedCalibrationError(
  p: ArrayLike<number>,
  labels: ArrayLike<number>,
  nBins = 10,
): number {
  const n = p.length;
  if (n === 0) return 0;
  return reliabilityBins(p, labels, nBins).reduce(
    (s, b) => s + (b.count / n) * Math.abs(b.meanP - b.fracPositive),
    0,
  );
}

export function applyTemperature(logits: ArrayLike<number>, temperature: number): number[] {
  return Array.from(logits, (z) => sigmoid(z / temperature));
}

/**
 * Calibration temperature from a model's metrics.json: the cross-generator temperature
 * (`calibration.temperature`, fitted on a survey of another generator family) when the model has
 * one, else the validation temperature (`test.calibration.temperature`), else 1.
 */
export function temperatureOf(metrics: Record<string, unknown> | undefined): number {
  const m = metrics as
    | { calibration?: { temperature?: unknown }; test?: { calibration?: { temperature?: unknown } } }
    | undefined;
  for (const t of [m?.calibration?.temperature, m?.test?.calibration?.temperature])
    if (typeof t === 'number' && Number.isFinite(t) && t > 0) return t;
  return 1;
}
