/**
 * The statistics the gate needs, as pure functions: Welch's t-test on two samples, Yuen's
 * trimmed version of it, and the Student t distribution behind them. Unit-tested against published table values.
 */

export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Sample variance (n - 1 in the denominator). */
export function variance(values: readonly number[]): number {
  const m = mean(values);
  return values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1);
}

export interface WelchResult {
  /** mean(a) - mean(b). */
  readonly difference: number;
  readonly standardError: number;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly degreesOfFreedom: number;
}

/** Welch's two-sample comparison of means, for samples of unequal variance (n >= 2 each). */
export function welch(a: readonly number[], b: readonly number[]): WelchResult {
  if (a.length < 2 || b.length < 2) throw new RangeError('welch needs at least two values in each sample');
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const standardError = Math.sqrt(va + vb);
  // Identical samples: no spread at all. Any df works; the standard error of 0 decides.
  const degreesOfFreedom = va + vb === 0 ? a.length + b.length - 2 : (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return { difference: mean(a) - mean(b), standardError, degreesOfFreedom };
}

/**
 * Yuen's comparison of trimmed means: `trim` of each sample cut from each end, the spread taken
 * from the winsorized sample (the cut values replaced by the nearest kept one), so a few wild
 * values move neither the difference nor its standard error. With trim 0 it is Welch's.
 */
export function yuen(a: readonly number[], b: readonly number[], trim: number): WelchResult {
  if (trim === 0) return welch(a, b);
  const ta = trimmed(a, trim);
  const tb = trimmed(b, trim);
  const spread = ta.squaredError + tb.squaredError;
  const degreesOfFreedom = spread === 0 ? ta.kept + tb.kept - 2 : spread ** 2 / (ta.squaredError ** 2 / (ta.kept - 1) + tb.squaredError ** 2 / (tb.kept - 1));
  return { difference: ta.mean - tb.mean, standardError: Math.sqrt(spread), degreesOfFreedom };
}

/** A sample's trimmed mean, the number of values kept, and the squared standard error of that mean. */
function trimmed(values: readonly number[], trim: number): { mean: number; kept: number; squaredError: number } {
  const sorted = [...values].sort((x, y) => x - y);
  const n = sorted.length;
  const cut = Math.floor(trim * n);
  const kept = n - 2 * cut;
  if (kept < 2) throw new RangeError(`a trimmed comparison needs at least two values left in each sample (${n} values, ${cut} cut from each end)`);
  const winsorized = sorted.map((_, i) => sorted[Math.min(Math.max(i, cut), n - cut - 1)]!);
  return { mean: mean(sorted.slice(cut, n - cut)), kept, squaredError: ((n - 1) * variance(winsorized)) / (kept * (kept - 1)) };
}

/**
 * P(T > t) for Student's t with `df` degrees of freedom, one-sided: the p-value of observing a
 * difference at least this far above the hypothesised one.
 */
export function studentTUpperTail(t: number, df: number): number {
  if (!Number.isFinite(t)) return t > 0 ? 0 : 1;
  const x = df / (df + t * t);
  const tail = 0.5 * regularizedIncompleteBeta(x, df / 2, 0.5);
  return t > 0 ? tail : 1 - tail;
}

/** The t value with P(T > t) = p, found by bisection on the tail function. */
export function studentTQuantileUpper(p: number, df: number): number {
  let low = 0;
  let high = 1e3;
  for (let i = 0; i < 200; i++) {
    const middle = (low + high) / 2;
    if (studentTUpperTail(middle, df) > p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** I_x(a, b), by the continued fraction of Numerical Recipes (betacf), accurate to ~1e-12. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-14) break;
  }
  return h;
}

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9). */
export function logGamma(x: number): number {
  const g = 7;
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = coefficients[0]!;
  for (let i = 1; i < g + 2; i++) sum += coefficients[i]! / (shifted + i);
  const t = shifted + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}
