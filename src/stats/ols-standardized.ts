/**
 * The OLS a statistician would fit (recipe.md §8, `extended` in sweep_oracle.py): a constant, each
 * numeric/boolean column after imputation, log10 where the parameter spans decades and is more
 * symmetric in log space, z-scored with the sample standard deviation (constant columns left out),
 * each categorical as dummies without its first (reference) level. Coefficients read as "change in the
 * target per one standard deviation" and R² is centered.
 */
import type { Design } from '../design/types.js';
import type { OlsStandardizedJson } from './json.js';
import { num, type Num } from './json.js';
import { fitOls, type OlsResult } from './ols.js';
import { bnStd, pairwiseSum } from './sum.js';

export interface StandardizedDesign {
  /** Column-major n×k: `const` first, then z-scored numeric columns, then drop-first dummies. */
  readonly X: Float64Array;
  readonly n: number;
  readonly k: number;
  readonly features: string[];
  /** Numeric parameters taken as log10 (parameter order). */
  readonly logScaled: string[];
  /** Numeric parameters left out because their (imputed) column is constant. */
  readonly constant: string[];
  /** Categorical parameter → its reference level (the first level, dropped). */
  readonly referenceLevels: Record<string, string>;
}

export interface OlsStandardizedFit {
  readonly design: StandardizedDesign;
  readonly ols: OlsResult;
}

/** Population skewness m₃/m₂^{3/2} (0 for a constant vector), as `log_scaled_rule`'s helper. */
function populationSkew(v: Float64Array): number {
  const n = v.length;
  const mean = pairwiseSum(v) / n;
  const d = v.map((x) => x - mean);
  const m2 = pairwiseSum(d.map((x) => x * x)) / n;
  if (m2 === 0) return 0;
  return pairwiseSum(d.map((x) => x * x * x)) / n / m2 ** 1.5;
}

/**
 * recipe.md §8 log rule on the present (pre-imputation) values: at least 3, all > 0, max/min ≥ 100,
 * and |skew(log10 x)| < |skew(x)|.
 */
export function logScaledRule(present: Float64Array): boolean {
  if (present.length < 3) return false;
  let mn = Infinity;
  let mx = -Infinity;
  for (const v of present) {
    if (!(v > 0)) return false;
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  if (mx / mn < 100) return false;
  return Math.abs(populationSkew(present.map(Math.log10))) < Math.abs(populationSkew(present));
}

/** The standardized design of recipe.md §8 from the notebook's design. */
export function buildStandardizedDesign(design: Design): StandardizedDesign {
  const { n } = design;
  const columns: Float64Array[] = [new Float64Array(n).fill(1)];
  const features = ['const'];
  const logScaled: string[] = [];
  const constant: string[] = [];
  const referenceLevels: Record<string, string> = {};
  for (const p of design.parameters) {
    if (p.kind !== 'numeric' && p.kind !== 'boolean') continue;
    const j = p.columns[0];
    let v = design.X.slice(j * n, (j + 1) * n);
    const present = p.raw ? p.raw.filter((x) => !Number.isNaN(x)) : v;
    if (logScaledRule(present)) {
      // the oracle takes log10 of the mean-imputed column (the mean of the raw values, then the log)
      v = v.map(Math.log10);
      logScaled.push(p.name);
    }
    const sd = bnStd(v, 1);
    if (!(sd > 0)) {
      constant.push(p.name);
      continue;
    }
    const mean = pairwiseSum(v) / n;
    columns.push(v.map((x) => (x - mean) / sd));
    features.push(p.name);
  }
  for (const p of design.parameters) {
    if (p.kind !== 'categorical' || !p.codes) continue;
    if (p.levels.length > 0) {
      // defineProperty: a parameter named `__proto__` is a key like any other
      Object.defineProperty(referenceLevels, p.name, {
        value: p.levels[0],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    for (let level = 1; level < p.levels.length; level++) {
      const col = new Float64Array(n);
      for (let i = 0; i < n; i++) if (p.codes[i] === level) col[i] = 1;
      columns.push(col);
      features.push(`${p.name}_${p.levels[level]}`);
    }
  }
  const k = columns.length;
  const X = new Float64Array(n * k);
  columns.forEach((c, j) => X.set(c, j * n));
  return { X, n, k, features, logScaled, constant, referenceLevels };
}

/** The standardized OLS fit itself (for the report's "per 1 SD" table); null for a constant target. */
export function fitOlsStandardizedResult(design: Design): OlsStandardizedFit | null {
  if (isConstant(design.y)) return null;
  const std = buildStandardizedDesign(design);
  return { design: std, ols: fitOls(std.X, std.n, std.k, design.y, std.features) };
}

/** recipe.md §8 `ols_standardized` (null for a constant target). */
export function fitOlsStandardized(design: Design): OlsStandardizedJson | null {
  const fit = fitOlsStandardizedResult(design);
  return fit ? standardizedJson(fit) : null;
}

export function standardizedJson({ design, ols }: OlsStandardizedFit): OlsStandardizedJson {
  const full = ols.toJSON();
  const cond: Num = num(ols.conditionNumber);
  return {
    features: [...design.features],
    log_scaled: [...design.logScaled],
    params: full.params,
    bse: full.bse,
    tvalues: full.tvalues,
    pvalues: full.pvalues,
    conf_int: full.conf_int,
    nobs: full.nobs,
    k_constant: full.k_constant,
    df_model: full.df_model,
    df_resid: full.df_resid,
    rsquared: full.rsquared,
    rsquared_adj: full.rsquared_adj,
    fvalue: full.fvalue,
    f_pvalue: full.f_pvalue,
    condition_number: cond,
  };
}

function isConstant(y: Float64Array): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false;
  return true;
}
