/**
 * Tail probabilities and quantiles for the OLS tables (algorithms.md §5.4): Student t, F, χ² with two
 * degrees of freedom and the normal distribution, as scipy computes them.
 *
 * Survival functions are evaluated directly from the regularized incomplete beta / gamma functions,
 * never as `1 − cdf`, so p-values like 1e-200 keep their digits. jstat's `ibeta` is not used: its
 * continued fraction stops after 100 terms, which loses digits once a = df/2 is in the hundreds or
 * thousands (df = 4007 in eeg-tcn-bohb); this one runs Lentz's method to convergence.
 */

const EPS = 2.220446049250313e-16;
const FPMIN = 1e-300;
const LN_SQRT_2PI = 0.9189385332046728;
const LN_SQRT_PI = 0.5723649429247001;

// Lanczos approximation, g = 7, n = 9 (relative error ~1e-15 on Γ for x ≥ 0.5).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === 0.5) return LN_SQRT_PI;
  if (x >= 15) {
    // Stirling series: the error of the first omitted term is below 1e-16 relative here
    const r = 1 / x;
    const r2 = r * r;
    const series =
      r *
      (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 * (1 / 1188 - (r2 * 691) / 360360)))));
    return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + series;
  }
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Stirling correction ln Γ(x) − [(x − ½)·ln x − x + ½·ln 2π] for x ≥ 15. */
function stirlingTail(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  return (
    r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 * (1 / 1188 - (r2 * 691) / 360360)))))
  );
}

/**
 * ln B(a, b). When one argument is large, ln Γ(big) − ln Γ(big + small) is taken from the Stirling
 * series as a difference of modest terms rather than of two huge logarithms (df/2 = 50,000 would
 * otherwise cost ~1e-10 relative in every p-value).
 */
export function lnBeta(a: number, b: number): number {
  const big = Math.max(a, b);
  const small = Math.min(a, b);
  if (big < 15) return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
  const s = big + small;
  const diff =
    -small * Math.log(s) -
    (big - 0.5) * Math.log1p(small / big) +
    small +
    stirlingTail(big) -
    stirlingTail(s);
  return lnGamma(small) + diff;
}

/** Continued fraction of I_x(a, b) (Numerical Recipes `betacf`, modified Lentz), run to convergence. */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  // O(sqrt(max(a, b))) terms are needed near the mean; the cap is far above that for df ≤ 1e8
  for (let m = 1; m <= 100000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= EPS) break;
  }
  return h;
}

/**
 * Regularized incomplete beta I_x(a, b). `y` is 1 − x, passed separately when the caller knows it
 * more accurately than `1 - x` (a tail probability near 1 − x ≈ 0 keeps its digits that way).
 */
export function incompleteBeta(a: number, b: number, x: number, y: number = 1 - x): number {
  if (!(a > 0) || !(b > 0) || Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const lnx = x <= 0.5 ? Math.log(x) : Math.log1p(-y);
  const lny = y <= 0.5 ? Math.log(y) : Math.log1p(-x);
  const lnFront = a * lnx + b * lny - lnBeta(a, b);
  // symmetry relation where the continued fraction for I_x would converge slowly
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, y)) / b;
}

/** Two-sided Student-t p-value 2·P(T > |t|) = I_x(df/2, 1/2), x = df/(df + t²) (scipy `2 * t.sf(|t|, df)`). */
export function tTwoSided(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  const at = Math.abs(t);
  if (at === Infinity) return 0;
  if (at === 0) return 1;
  // r² = df/t² keeps x = r²/(1+r²) and y = 1/(1+r²) accurate for any |t|
  const r = Math.sqrt(df) / at;
  const r2 = r * r;
  return incompleteBeta(df / 2, 0.5, r2 / (1 + r2), 1 / (1 + r2));
}

/** Student-t survival function P(T > t) (scipy `t.sf`). */
export function tSf(t: number, df: number): number {
  const p = tTwoSided(t, df) / 2;
  return t >= 0 ? p : 1 - p;
}

/** Student-t density. */
export function tPdf(t: number, df: number): number {
  const ln =
    lnGamma((df + 1) / 2) -
    lnGamma(df / 2) -
    0.5 * Math.log(df * Math.PI) -
    ((df + 1) / 2) * Math.log1p((t * t) / df);
  return Math.exp(ln);
}

/** Student-t quantile (scipy `t.ppf(p, df)`): safeguarded Newton on the survival function. */
export function tPpf(p: number, df: number): number {
  if (Number.isNaN(p) || !(df > 0) || p < 0 || p > 1) return Number.NaN;
  if (p === 0.5) return 0;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p < 0.5) return -tIsfUpper(p, df);
  return tIsfUpper(1 - p, df);
}

/** The t > 0 with P(T > t) = q, for 0 < q < 0.5. */
function tIsfUpper(q: number, df: number): number {
  if (df === 1) return 1 / Math.tan(Math.PI * q); // cot(πq) = tan(π(½ − q)) without the cancellation
  if (df === 2) return (1 - 2 * q) * Math.sqrt(2 / (4 * q * (1 - q)));
  // bracket [lo, hi] with sf(lo) > q > sf(hi)
  let lo = 0;
  let hi = 1;
  while (tSf(hi, df) > q) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  // Cornish-Fisher start from the normal quantile
  const z = normIsf(q);
  const z3 = z * z * z;
  let t = z + (z3 + z) / (4 * df) + (5 * z3 * z * z + 16 * z3 + 3 * z) / (96 * df * df);
  if (!(t > lo && t < hi)) t = (lo + hi) / 2;
  for (let it = 0; it < 200; it++) {
    const f = tSf(t, df) - q;
    if (f > 0) lo = t;
    else if (f < 0) hi = t;
    else return t;
    let next = t + f / tPdf(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 4 * EPS * t) return next;
    t = next;
  }
  return t;
}

/** F survival function (scipy `f.sf(f, d1, d2)`) = I_{d2/(d2 + d1·f)}(d2/2, d1/2). */
export function fSf(f: number, d1: number, d2: number): number {
  if (Number.isNaN(f) || !(d1 > 0) || !(d2 > 0)) return Number.NaN;
  if (f <= 0) return 1;
  if (f === Infinity) return 0;
  const s = d2 + d1 * f;
  return incompleteBeta(d2 / 2, d1 / 2, d2 / s, (d1 * f) / s);
}

/** χ² survival function with two degrees of freedom (scipy `chi2.sf(x, 2)`) = exp(−x/2). */
export function chi2Sf2(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  return x <= 0 ? 1 : Math.exp(-x / 2);
}

/** Regularized upper incomplete gamma Q(a, x) (series below a + 1, Lentz continued fraction above). */
export function incompleteGammaQ(a: number, x: number): number {
  if (Number.isNaN(x) || !(a > 0)) return Number.NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  const lnFront = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < 100000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return 1 - sum * Math.exp(lnFront);
  }
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= EPS) break;
  }
  return Math.exp(lnFront) * h;
}

/** Complementary error function erfc(x) = Q(1/2, x²) for x ≥ 0. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  return incompleteGammaQ(0.5, x * x);
}

/** Standard normal survival function (scipy `norm.sf`) = erfc(z/√2)/2. */
export function normSf(z: number): number {
  return erfc(z / Math.SQRT2) / 2;
}

/**
 * Standard normal upper quantile: the z with normSf(z) = q (Acklam's rational approximation, one
 * Halley step; used as a starting point and where ~1e-12 relative is enough).
 */
export function normIsf(q: number): number {
  if (!(q > 0 && q < 1)) return q === 0 ? Infinity : q === 1 ? -Infinity : Number.NaN;
  const p = 1 - q;
  const A = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const B = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const C = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowTail = Math.min(p, q);
  let x: number;
  if (lowTail < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(lowTail));
    x =
      (((((C[0] * r + C[1]) * r + C[2]) * r + C[3]) * r + C[4]) * r + C[5]) /
      ((((D[0] * r + D[1]) * r + D[2]) * r + D[3]) * r + 1);
    // the lower-tail quantile of lowTail is negative; the upper quantile of a small q is its mirror
    if (q < p) x = -x;
  } else {
    const r0 = p - 0.5;
    const r = r0 * r0;
    x =
      ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * r0) /
      (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  }
  // x is the quantile at p = 1 − q; one Halley refinement against the accurate tail
  const e = q - normSf(x);
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}
