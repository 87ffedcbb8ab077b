/**
 * statsmodels `OLS(y, X).fit()` (method "pinv", nonrobust covariance) and the residual diagnostics of
 * its summary, formula by formula as algorithms.md §3 describes: SVD pseudo-inverse with cutoff
 * 1e-15·s_max, rank with tolerance s_max·min(n, k)·eps, explicit or implicit constant, uncentered R²
 * without a constant, t-based p-values and intervals, profile log-likelihood, D'Agostino omnibus,
 * Jarque–Bera, Durbin–Watson. Like statsmodels' results object, `OlsResult` keeps the fitted arrays
 * and derives everything else on demand.
 */
import { num, type Num, type OlsJson } from './json.js';
import { chi2Sf2, fSf, tPpf, tTwoSided } from './distributions.js';
import { pairwiseSum } from './sum.js';
import { rankOf, svd, type Svd } from './svd.js';

export interface Moments {
  skew: number;
  /** Pearson kurtosis (normal = 3). */
  kurtosis: number;
}

export class OlsResult {
  /** Estimated coefficients (minimum-norm least squares when the design is rank-deficient). */
  readonly params: Float64Array;
  /** Diagonal of (XᵀX)⁺ = pinv·pinvᵀ. */
  readonly normalizedCovDiag: Float64Array;
  /** Singular values of X, descending (length min(n, k)). */
  readonly singularValues: Float64Array;
  /** statsmodels' rank (tolerance s_max·min(n, k)·eps): what the degrees of freedom use. */
  readonly rank: number;
  /** numpy `matrix_rank(X)` (tolerance s_max·max(n, k)·eps): the result's `rank` key. */
  readonly matrixRank: number;
  readonly kConstant: 0 | 1;
  readonly fitted: Float64Array;
  readonly resid: Float64Array;

  constructor(
    /** Column-major n×k design, exactly as passed (no constant added). */
    readonly X: Float64Array,
    readonly n: number,
    readonly k: number,
    readonly y: Float64Array,
    readonly names: readonly string[],
  ) {
    if (X.length !== n * k || y.length !== n || names.length !== k) {
      throw new Error(`fitOls: X is ${X.length} values for ${n}×${k}, y ${y.length}, names ${names.length}`);
    }
    for (let i = 0; i < X.length; i++) {
      if (!Number.isFinite(X[i])) throw new Error('fitOls: the design contains inf or NaN');
    }
    const dec = svd(X, n, k, true);
    const s = dec.s;
    const r = s.length;
    this.singularValues = s;
    const cutoff = 1e-15 * (r > 0 ? s[0] : 0);
    const sInv = new Float64Array(r);
    for (let i = 0; i < r; i++) sInv[i] = s[i] > cutoff ? 1 / s[i] : 0;
    const uty = dec.projectT(y);
    const V = dec.V as Float64Array;
    const params = new Float64Array(k);
    const covDiag = new Float64Array(k);
    for (let i = 0; i < r; i++) {
      if (sInv[i] === 0) continue;
      const c = sInv[i] * uty[i];
      const s2 = sInv[i] * sInv[i];
      const vi = i * k;
      for (let j = 0; j < k; j++) {
        params[j] += V[vi + j] * c;
        covDiag[j] += V[vi + j] * V[vi + j] * s2;
      }
    }
    this.params = params;
    this.normalizedCovDiag = covDiag;
    this.rank = rankOf(s, r);
    this.matrixRank = rankOf(s, Math.max(n, k));
    this.kConstant = detectConstant(X, n, k, this.matrixRank, dec);
    const fitted = new Float64Array(n);
    for (let j = 0; j < k; j++) {
      const b = params[j];
      if (b === 0) continue;
      const cj = j * n;
      for (let i = 0; i < n; i++) fitted[i] += X[cj + i] * b;
    }
    const resid = new Float64Array(n);
    for (let i = 0; i < n; i++) resid[i] = y[i] - fitted[i];
    this.fitted = fitted;
    this.resid = resid;
  }

  get nobs(): number {
    return this.n;
  }
  get dfModel(): number {
    return this.rank - this.kConstant;
  }
  get dfResid(): number {
    return this.n - this.rank;
  }
  get ssr(): number {
    return dot(this.resid, this.resid);
  }
  get centeredTss(): number {
    const mean = pairwiseSum(this.y) / this.n;
    let s = 0;
    for (const v of this.y) s += (v - mean) * (v - mean);
    return s;
  }
  get uncenteredTss(): number {
    return dot(this.y, this.y);
  }
  get ess(): number {
    return (this.kConstant ? this.centeredTss : this.uncenteredTss) - this.ssr;
  }
  get rsquared(): number {
    return 1 - this.ssr / (this.kConstant ? this.centeredTss : this.uncenteredTss);
  }
  get rsquaredAdj(): number {
    return 1 - ((this.n - this.kConstant) / this.dfResid) * (1 - this.rsquared);
  }
  /** σ̂² = ssr / df_resid (NaN or inf when df_resid = 0, as numpy). */
  get scale(): number {
    return this.ssr / this.dfResid;
  }
  get mseModel(): number {
    return this.dfModel === 0 ? Number.NaN : this.ess / this.dfModel;
  }
  get mseResid(): number {
    return this.dfResid === 0 ? Number.NaN : this.ssr / this.dfResid;
  }
  get fvalue(): number {
    return this.mseModel / this.mseResid;
  }
  get fPvalue(): number {
    return this.dfModel === 0 ? Number.NaN : fSf(this.fvalue, this.dfModel, this.dfResid);
  }
  get bse(): Float64Array {
    const scale = this.scale;
    return this.normalizedCovDiag.map((d) => Math.sqrt(d * scale));
  }
  get tvalues(): Float64Array {
    const bse = this.bse;
    return this.params.map((b, j) => b / bse[j]);
  }
  get pvalues(): Float64Array {
    const df = this.dfResid;
    return this.tvalues.map((t) => tTwoSided(t, df));
  }
  /** Confidence intervals params ∓ t.ppf(1 − alpha/2, df_resid)·bse, as [lower, upper] per column. */
  confInt(alpha = 0.05): Array<[number, number]> {
    const q = tPpf(1 - alpha / 2, this.dfResid);
    const bse = this.bse;
    return Array.from(this.params, (b, j) => [b - q * bse[j], b + q * bse[j]] as [number, number]);
  }
  /** OLS profile log-likelihood −n/2·(1 + log(2π·ssr/n)) as statsmodels `OLS.loglike`. */
  get llf(): number {
    const nobs2 = this.n / 2;
    return -Math.log(this.ssr) * nobs2 - (1 + Math.log(Math.PI / nobs2)) * nobs2;
  }
  get aic(): number {
    return -2 * this.llf + 2 * (this.dfModel + this.kConstant);
  }
  get bic(): number {
    return -2 * this.llf + Math.log(this.n) * (this.dfModel + this.kConstant);
  }
  /** Eigenvalues of XᵀX from the singular values, descending. */
  get eigenvals(): Float64Array {
    return this.singularValues.map((v) => v * v);
  }
  get conditionNumber(): number {
    const e = this.eigenvals;
    return e.length ? Math.sqrt(e[0] / e[e.length - 1]) : Number.NaN;
  }
  get smallestEigenvalue(): number {
    const e = this.eigenvals;
    return e.length ? e[e.length - 1] : Number.NaN;
  }
  get durbinWatson(): number {
    return durbinWatson(this.resid);
  }
  /** scipy `skew` and Pearson `kurtosis` of the residuals (NaN for numerically constant residuals). */
  get moments(): Moments {
    return moments(this.resid);
  }
  get jarqueBera(): { statistic: number; pvalue: number } {
    const { skew, kurtosis } = this.moments;
    const statistic = (this.n / 6) * (skew * skew + (1 / 4) * (kurtosis - 3) * (kurtosis - 3));
    return { statistic, pvalue: chi2Sf2(statistic) };
  }
  /** statsmodels `omni_normtest` (scipy `normaltest`); NaN below 8 residuals. */
  get omnibus(): { statistic: number; pvalue: number } {
    return omnibusTest(this.resid);
  }

  toJSON(): OlsJson {
    const per = (v: ArrayLike<number>): Record<string, Num> =>
      Object.fromEntries(this.names.map((f, j) => [f, num(v[j])]));
    const ci = this.confInt(0.05);
    const { skew, kurtosis } = this.moments;
    const jb = this.jarqueBera;
    const omni = this.omnibus;
    return {
      params: per(this.params),
      bse: per(this.bse),
      tvalues: per(this.tvalues),
      pvalues: per(this.pvalues),
      conf_int: Object.fromEntries(this.names.map((f, j) => [f, [num(ci[j][0]), num(ci[j][1])]])),
      nobs: num(this.nobs),
      rank: this.matrixRank,
      k_constant: this.kConstant,
      df_model: num(this.dfModel),
      df_resid: num(this.dfResid),
      rsquared: num(this.rsquared),
      rsquared_adj: num(this.rsquaredAdj),
      fvalue: num(this.fvalue),
      f_pvalue: num(this.fPvalue),
      llf: num(this.llf),
      aic: num(this.aic),
      bic: num(this.bic),
      condition_number: num(this.conditionNumber),
      smallest_eigenvalue: num(this.smallestEigenvalue),
      omnibus: num(omni.statistic),
      omnibus_pvalue: num(omni.pvalue),
      durbin_watson: num(this.durbinWatson),
      jarque_bera: num(jb.statistic),
      jarque_bera_pvalue: num(jb.pvalue),
      skew: num(skew),
      kurtosis: num(kurtosis),
    };
  }
}

/** statsmodels `OLS(y, X).fit()` on a column-major n×k design with column names. */
export function fitOls(
  X: Float64Array,
  n: number,
  k: number,
  y: Float64Array,
  names: readonly string[],
): OlsResult {
  return new OlsResult(X, n, k, y, names);
}

/**
 * statsmodels `ModelData._handle_constant`: a constant column (max == min) with a non-zero value, else
 * an implicit constant when adding a column of ones does not raise the rank (e.g. a full set of dummies).
 */
function detectConstant(X: Float64Array, n: number, k: number, rankX: number, dec: Svd): 0 | 1 {
  const constMeans: number[] = [];
  for (let j = 0; j < k; j++) {
    const cj = j * n;
    let mn = X[cj];
    let mx = X[cj];
    for (let i = 1; i < n; i++) {
      const v = X[cj + i];
      if (v < mn) mn = v;
      else if (v > mx) mx = v;
    }
    if (mx === mn) constMeans.push(pairwiseSum(X, cj, n) / n);
  }
  if (constMeans.some((m) => m !== 0)) return 1;
  // numpy matrix_rank of [1 | X] (tolerance s_max·max(n, k + 1)·eps), from the fit's decomposition
  const sAug = dec.augmentedSingularValues(new Float64Array(n).fill(1));
  return rankOf(sAug, Math.max(n, k + 1)) === rankX ? 1 : 0;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Durbin–Watson Σ(e_t − e_{t−1})² / Σe_t². */
export function durbinWatson(e: Float64Array): number {
  const d = new Float64Array(Math.max(0, e.length - 1));
  for (let i = 1; i < e.length; i++) d[i - 1] = (e[i] - e[i - 1]) ** 2;
  return pairwiseSum(d) / pairwiseSum(e.map((v) => v * v));
}

/** scipy `skew` and `kurtosis(fisher=False)` (biased), NaN when m₂ ≤ (1e-15·mean)². */
export function moments(a: Float64Array): Moments {
  const n = a.length;
  const mean = pairwiseSum(a) / n;
  const d = a.map((v) => v - mean);
  const m2 = pairwiseSum(d.map((v) => v * v)) / n;
  const m3 = pairwiseSum(d.map((v) => v * v * v)) / n;
  const m4 = pairwiseSum(d.map((v) => (v * v) ** 2)) / n;
  const zero = m2 <= (1e-15 * mean) ** 2;
  // scipy returns the Fisher kurtosis m4/m2² − 3 and statsmodels adds 3 back
  return zero
    ? { skew: Number.NaN, kurtosis: Number.NaN }
    : { skew: m3 / m2 ** 1.5, kurtosis: 3 + (m4 / m2 ** 2 - 3) };
}

/** D'Agostino–Pearson K² = Z_skew² + Z_kurt² and its χ²₂ p-value (scipy `normaltest`); NaN for n < 8. */
export function omnibusTest(e: Float64Array): { statistic: number; pvalue: number } {
  const n = e.length;
  if (n < 8) return { statistic: Number.NaN, pvalue: Number.NaN };
  const { skew, kurtosis } = moments(e);
  let y = skew * Math.sqrt(((n + 1) * (n + 3)) / (6 * (n - 2)));
  const beta2 = (3 * (n * n + 27 * n - 70) * (n + 1) * (n + 3)) / ((n - 2) * (n + 5) * (n + 7) * (n + 9));
  const W2 = -1 + Math.sqrt(2 * (beta2 - 1));
  const delta = 1 / Math.sqrt(0.5 * Math.log(W2));
  const alpha = Math.sqrt(2 / (W2 - 1));
  if (y === 0) y = 1;
  const zs = delta * Math.log(y / alpha + Math.sqrt((y / alpha) ** 2 + 1));
  const E = (3 * (n - 1)) / (n + 1);
  const varb2 = (24 * n * (n - 2) * (n - 3)) / ((n + 1) * (n + 1) * (n + 3) * (n + 5));
  const x = (kurtosis - E) / Math.sqrt(varb2);
  const sqrtbeta1 =
    ((6 * (n * n - 5 * n + 2)) / ((n + 7) * (n + 9))) *
    Math.sqrt((6 * (n + 3) * (n + 5)) / (n * (n - 2) * (n - 3)));
  const A = 6 + (8 / sqrtbeta1) * (2 / sqrtbeta1 + Math.sqrt(1 + 4 / sqrtbeta1 ** 2));
  const term1 = 1 - 2 / (9 * A);
  const denom = 1 + x * Math.sqrt(2 / (A - 4));
  const term2 = denom === 0 ? Number.NaN : Math.sign(denom) * Math.cbrt((1 - 2 / A) / Math.abs(denom));
  const zk = (term1 - term2) / Math.sqrt(2 / (9 * A));
  const statistic = zs * zs + zk * zk;
  return { statistic, pvalue: chi2Sf2(statistic) };
}
