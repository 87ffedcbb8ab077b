/**
 * Key-by-key comparison of an engine result with an oracle fixture, with recipe.md §7's tolerances.
 * Every key of the fixture is visited (except `engine`); a key the engine lacks is a mismatch.
 */
const EPS = 2.220446049250313e-16;

/** The results JSON's keys that the recipe defines (recipe.md §6): what two ways to the same runs agree on. */
export const RECIPE_KEYS = [
  'target',
  'runs',
  'parameters',
  'dropped_parameters',
  'features',
  'correlations',
  'ols',
  'importances',
  'parameter_importances',
  'spearman',
  'ols_standardized',
  'cv_r2',
];

/** `doc` (a results JSON) cut to RECIPE_KEYS. */
export function recipe(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(RECIPE_KEYS.map((k) => [k, doc[k]]));
}

export interface Mismatch {
  path: string;
  expected: unknown;
  actual: unknown;
  tolerance: string;
}

type Tol =
  | { kind: 'rel'; rel: number; abs: number }
  | { kind: 'abs'; abs: number }
  | { kind: 'exact' }
  | { kind: 'skip' }
  | { kind: 'magnitude' };

/** recipe.md §7: the only OLS keys compared for a rank-deficient design. */
export const RANK_DEFICIENT_ONLY = new Set([
  'rank',
  'k_constant',
  'df_model',
  'df_resid',
  'nobs',
  'rsquared',
  'rsquared_adj',
  'fvalue',
  'f_pvalue',
  'llf',
  'aic',
  'bic',
  'omnibus',
  'omnibus_pvalue',
  'durbin_watson',
  'jarque_bera',
  'jarque_bera_pvalue',
  'skew',
  'kurtosis',
]);

/** Residual statistics: rounding noise when there are no residual degrees of freedom. */
export const RESIDUAL_NOISE = new Set([
  'llf',
  'aic',
  'bic',
  'durbin_watson',
  'jarque_bera',
  'jarque_bera_pvalue',
  'skew',
  'kurtosis',
  'omnibus',
  'omnibus_pvalue',
]);

function olsTolerance(key: string, cond: number, rankDeficient: boolean): Tol {
  if (rankDeficient && !RANK_DEFICIENT_ONLY.has(key)) return { kind: 'skip' };
  const fit = Math.max(1e-9, 50 * (Number.isFinite(cond) ? cond : 1e16) * EPS);
  switch (key) {
    case 'nobs':
    case 'rank':
    case 'k_constant':
    case 'df_model':
    case 'df_resid':
    case 'features':
    case 'log_scaled':
      return { kind: 'exact' };
    case 'pvalues':
    case 'conf_int':
    case 'f_pvalue':
      return { kind: 'rel', rel: 1e-6, abs: 1e-12 };
    case 'condition_number':
      return { kind: 'rel', rel: 1e-6, abs: 0 };
    case 'smallest_eigenvalue':
      return { kind: 'magnitude' };
    case 'omnibus':
    case 'durbin_watson':
    case 'jarque_bera':
    case 'skew':
    case 'kurtosis':
      return { kind: 'rel', rel: 1e-7, abs: 1e-12 };
    case 'omnibus_pvalue':
    case 'jarque_bera_pvalue':
      return { kind: 'rel', rel: 1e-6, abs: 1e-12 };
    default: // params, bse, tvalues, rsquared, rsquared_adj, fvalue, llf, aic, bic
      return { kind: 'rel', rel: fit, abs: 0 };
  }
}

function topTolerance(key: string): Tol {
  switch (key) {
    case 'correlations':
    case 'spearman':
      return { kind: 'rel', rel: 1e-9, abs: 1e-12 };
    case 'importances':
    case 'parameter_importances':
    case 'cv_r2':
      return { kind: 'abs', abs: 1e-9 };
    default:
      return { kind: 'exact' };
  }
}

export function compareToOracle(
  actual: Record<string, unknown>,
  expected: Record<string, unknown>,
): Mismatch[] {
  const out: Mismatch[] = [];
  for (const key of Object.keys(expected)) {
    if (key === 'engine') continue;
    if (!(key in actual)) {
      out.push({ path: key, expected: expected[key], actual: undefined, tolerance: 'key present' });
      continue;
    }
    if ((key === 'ols' || key === 'ols_standardized') && expected[key] !== null) {
      const e = expected[key] as Record<string, unknown>;
      const a = actual[key] as Record<string, unknown> | null;
      if (a === null || typeof a !== 'object') {
        out.push({ path: key, expected: 'an object', actual: a, tolerance: 'exact' });
        continue;
      }
      const cond = Number(e.condition_number);
      const columns = key === 'ols' ? (actual.features as string[]).length : (e.features as string[]).length;
      // recipe.md §7: a rank-deficient design compares only rank, df, R², F, llf, aic, bic and the
      // residual diagnostics. The standardized fit has no rank key: read it from the condition number
      // (LAPACK leaves ~1e-16·s_max where a column is exactly dependent; we give exactly 0, i.e. null).
      const rankDeficient =
        key === 'ols'
          ? Number(e.rank) < columns
          : a.condition_number === null || cond * EPS * Math.min(Number(e.nobs), columns) > 1;
      // No residual degrees of freedom: the residuals are rounding noise, and so is everything made of them.
      const noResidualDf = Number(e.df_resid) === 0;
      for (const sub of Object.keys(e)) {
        if (noResidualDf && RESIDUAL_NOISE.has(sub)) continue;
        compareValue(`${key}.${sub}`, a[sub], e[sub], olsTolerance(sub, cond, rankDeficient), out, e[sub]);
      }
      continue;
    }
    compareValue(key, actual[key], expected[key], topTolerance(key), out, expected[key]);
  }
  return out;
}

function scaleOf(v: unknown): number {
  let m = 0;
  const visit = (x: unknown) => {
    if (typeof x === 'number') m = Math.max(m, Math.abs(x));
    else if (Array.isArray(x)) x.forEach(visit);
    else if (x && typeof x === 'object') Object.values(x).forEach(visit);
  };
  visit(v);
  return m;
}

function compareValue(path: string, a: unknown, e: unknown, tol: Tol, out: Mismatch[], group: unknown): void {
  if (tol.kind === 'skip') return;
  const fail = (why = describe(tol)): void => void out.push({ path, expected: e, actual: a, tolerance: why });
  if (e === null) {
    if (!(a === null || (typeof a === 'number' && !Number.isFinite(a)))) fail('null');
    return;
  }
  if (typeof e === 'number') {
    if (typeof a !== 'number' || !Number.isFinite(a)) return fail();
    if (!close(a, e, tol, group)) fail();
    return;
  }
  if (Array.isArray(e)) {
    if (!Array.isArray(a) || a.length !== e.length) return fail('same length');
    e.forEach((ei, i) => compareValue(`${path}[${i}]`, a[i], ei, tol, out, group));
    return;
  }
  if (typeof e === 'object') {
    if (!a || typeof a !== 'object' || Array.isArray(a)) return fail('an object');
    const ea = Object.keys(e as object);
    const aa = Object.keys(a as object);
    if (tol.kind === 'exact' && JSON.stringify(ea) !== JSON.stringify(aa)) return fail('same keys in order');
    for (const k of ea) {
      if (!(k in (a as object))) {
        out.push({
          path: `${path}.${k}`,
          expected: (e as Record<string, unknown>)[k],
          actual: undefined,
          tolerance: 'key present',
        });
        continue;
      }
      compareValue(
        `${path}.${k}`,
        (a as Record<string, unknown>)[k],
        (e as Record<string, unknown>)[k],
        tol,
        out,
        group,
      );
    }
    return;
  }
  if (a !== e) fail('exact');
}

function close(a: number, e: number, tol: Tol, group: unknown): boolean {
  switch (tol.kind) {
    case 'exact':
      return a === e;
    case 'abs':
      return Math.abs(a - e) <= tol.abs;
    case 'magnitude':
      // "order of magnitude": within a factor of 10, or both negligible next to the group's scale
      return (Math.abs(a) <= 1e-10 && Math.abs(e) <= 1e-10) || (a / e <= 10 && e / a <= 10 && a * e > 0);
    case 'rel': {
      const floor = Math.max(tol.abs, tol.rel * scaleOf(group) * 1e-3);
      return Math.abs(a - e) <= Math.max(tol.rel * Math.abs(e), floor);
    }
    default:
      return true;
  }
}

function describe(t: Tol): string {
  switch (t.kind) {
    case 'rel':
      return `rel ${t.rel.toExponential(1)} (abs ${t.abs})`;
    case 'abs':
      return `abs ${t.abs}`;
    default:
      return t.kind;
  }
}
