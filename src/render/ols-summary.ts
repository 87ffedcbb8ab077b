/**
 * The text of statsmodels' `OLSResults.summary()` for an OLS fit, laid out as statsmodels' SimpleTable
 * lays it out (algorithms.md §3.4): the header table, the coefficient table, the residual diagnostics
 * and the numbered notes. The report shows it in a collapsed section, inside a code block.
 *
 * Numbers go through C printf conversions (`%#8.4g`, `%9.3f`, …) reproduced exactly, including
 * round-half-even on the exact binary value, so the digits match Python's `%` formatting.
 */
import type { OlsResult } from '../stats/ols.js';
import { truncateName } from '../names.js';

/**
 * Longest name (a column, the dependent variable) shown in full: statsmodels pads every row of a
 * table to its longest cell, so one 100 KB name would make every line 100 KB wide. Longer names keep
 * their head and tail around an ellipsis; line breaks and control characters become spaces.
 */
export const OLS_NAME_MAX = 120;

function shownName(name: string, max = OLS_NAME_MAX): string {
  // eslint-disable-next-line no-control-regex
  return truncateName(name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' '), max);
}

export interface OlsSummaryOptions {
  /**
   * Timestamp for the Date and Time rows (UTC). statsmodels prints the time of the call; without a
   * timestamp the two rows are left out so the same fit always renders the same text.
   */
  readonly when?: Date;
  /** Title above the tables (statsmodels: "OLS Regression Results"). */
  readonly title?: string;
  /** Longest name shown (default OLS_NAME_MAX); a report column fits about 100 characters of code. */
  readonly nameMax?: number;
}

/** Renders `results.summary()` as statsmodels 0.13/0.14 prints it (nonrobust covariance, alpha 0.05). */
export function renderOlsSummary(ols: OlsResult, depName: string, opts: OlsSummaryOptions = {}): string {
  const kConst = ols.kConstant;
  const rType = kConst ? '' : ' (uncentered)';
  const left: Array<[string, string]> = [
    ['Dep. Variable:', shownName(depName, opts.nameMax)],
    ['Model:', 'OLS'],
    ['Method:', 'Least Squares'],
  ];
  if (opts.when) {
    left.push(['Date:', strftimeDate(opts.when)], ['Time:', strftimeTime(opts.when)]);
  }
  left.push(
    ['No. Observations:', dOrF(ols.nobs)],
    ['Df Residuals:', dOrF(ols.dfResid)],
    ['Df Model:', dOrF(ols.dfModel)],
    ['Covariance Type:', 'nonrobust'],
  );
  const right: Array<[string, string]> = [
    [`R-squared${rType}:`, printf('%#8.3f', ols.rsquared)],
    [`Adj. R-squared${rType}:`, printf('%#8.3f', ols.rsquaredAdj)],
    ['F-statistic:', printf('%#8.4g', ols.fvalue)],
    ['Prob (F-statistic):', printf('%#6.3g', ols.fPvalue)],
    ['Log-Likelihood:', printf('%#8.5g', ols.llf)],
    ['AIC:', printf('%#8.4g', ols.aic)],
    ['BIC:', printf('%#8.4g', ols.bic)],
  ];
  const omni = ols.omnibus;
  const jb = ols.jarqueBera;
  const { skew, kurtosis } = ols.moments;
  const diagLeft: Array<[string, string]> = [
    ['Omnibus:', printf('%#6.3f', omni.statistic)],
    ['Prob(Omnibus):', printf('%#6.3f', omni.pvalue)],
    ['Skew:', printf('%#6.3f', skew)],
    ['Kurtosis:', printf('%#6.3f', kurtosis)],
  ];
  const condno = ols.conditionNumber;
  const diagRight: Array<[string, string]> = [
    ['Durbin-Watson:', printf('%#8.3f', ols.durbinWatson)],
    ['Jarque-Bera (JB):', printf('%#8.3f', jb.statistic)],
    ['Prob(JB):', printf('%#8.3g', jb.pvalue)],
    ['Cond. No.', printf('%#8.3g', condno)],
  ];

  const tables = [
    twoColumnTable(left, right, opts.title ?? 'OLS Regression Results'),
    paramsTable(ols, opts.nameMax),
    twoColumnTable(diagLeft, diagRight, ''),
  ];
  // statsmodels drops the closing rule of every table but the last (the next one opens with its own)
  const text = tables.map((t, i) => (i < tables.length - 1 ? t.slice(0, -1) : t).join('\n')).join('\n');

  const notes: string[] = [];
  if (!kConst)
    notes.push('R² is computed without centering (uncentered) since the model does not contain a constant.');
  notes.push('Standard Errors assume that the covariance matrix of the errors is correctly specified.');
  if (ols.n < ols.k) notes.push('The input rank is higher than the number of observations.');
  const minEig = ols.smallestEigenvalue;
  if (minEig < 1e-10) {
    notes.push(
      `The smallest eigenvalue is ${printf('%6.3g', minEig)}. This might indicate that there are\n` +
        'strong multicollinearity problems or that the design matrix is singular.',
    );
  } else if (condno > 1000) {
    notes.push(
      `The condition number is large, ${printf('%6.3g', condno)}. This might indicate that there are\n` +
        'strong multicollinearity or other numerical problems.',
    );
  }
  return `${text}\n\nNotes:\n${notes.map((n, i) => `[${i + 1}] ${n}`).join('\n')}`;
}

/** statsmodels `summary_top`: stub, value, "  stub" (%-21s), value; columns at least 18 wide. */
function twoColumnTable(
  left: Array<[string, string]>,
  right: Array<[string, string]>,
  title: string,
): string[] {
  const rows = Math.max(left.length, right.length);
  const l = [...left];
  const r = [...right];
  while (l.length < rows) l.push([' ', ' ']);
  while (r.length < rows) r.push([' ', ' ']);
  const cells = l.map(([k, v], i) => [
    k,
    printf('%18s', v),
    printf('%-21s', `  ${r[i][0]}`),
    printf('%18s', r[i][1]),
  ]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(18, ...cells.map((row) => len(row[c]))));
  const aligns: Array<'l' | 'r'> = ['l', 'r', 'l', 'r'];
  const lines = cells.map((row) => row.map((cell, c) => pad(cell, widths[c], aligns[c])).join(' '));
  const rowlen = len(lines[lines.length - 1]);
  const out: string[] = [];
  if (title) out.push(center(title, rowlen));
  out.push('='.repeat(rowlen), ...lines, '='.repeat(rowlen));
  return out;
}

/** statsmodels `summary_params`: coef, std err, t, P>|t| and the 95% interval; columns at least 10 wide. */
function paramsTable(ols: OlsResult, nameMax?: number): string[] {
  const bse = ols.bse;
  const t = ols.tvalues;
  const p = ols.pvalues;
  const ci = ols.confInt(0.05);
  const header = ['', 'coef', 'std err', 't', 'P>|t|', '[0.025', '0.975]'];
  const rows = ols.names.map((name, j) => [
    shownName(name, nameMax),
    forg(ols.params[j], 4),
    forg(bse[j], 3),
    printf('%8s', forg(t[j], 3)),
    printf('%#6.3f', p[j]),
    printf('%11s', forg(ci[j][0], 3)),
    printf('%11s', forg(ci[j][1], 3)),
  ]);
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(10, ...all.map((row) => len(row[c]))));
  const fmtRow = (row: string[], stubAlign: 'l' | 'r') =>
    row.map((cell, c) => pad(cell, widths[c], c === 0 ? stubAlign : 'r')).join(' ');
  const head = fmtRow(header, 'r');
  const lines = rows.map((row) => fmtRow(row, 'l'));
  const rowlen = len(lines.length ? lines[lines.length - 1] : head);
  return ['='.repeat(rowlen), head, '-'.repeat(len(head)), ...lines, '='.repeat(rowlen)];
}

/** statsmodels `forg`: fixed notation between 1e-4 and 1e4, else %g; width 10 (prec 4) or 9 (prec 3). */
function forg(x: number, prec: 3 | 4): string {
  const g = Math.abs(x) >= 1e4 || Math.abs(x) < 1e-4;
  if (prec === 4) return printf(g ? '%10.4g' : '%10.4f', x);
  return printf(g ? '%9.3g' : '%9.3f', x);
}

/** statsmodels `d_or_f`: integers as %#6d, other numbers as %#8.2f, NaN as "   NaN". */
function dOrF(x: number): string {
  if (Number.isNaN(x)) return '   NaN';
  if (Math.floor(x) === x) return printf('%#6d', x);
  return printf('%#8.2f', x);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (v: number) => String(v).padStart(2, '0');

/** `time.strftime("%a, %d %b %Y")` in UTC. */
function strftimeDate(d: Date): string {
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** `time.strftime("%H:%M:%S")` in UTC. */
function strftimeTime(d: Date): string {
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** Length in code points, as Python's `len`. */
function len(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function pad(s: string, width: number, align: 'l' | 'r'): string {
  const fill = ' '.repeat(Math.max(0, width - len(s)));
  return align === 'l' ? s + fill : fill + s;
}

/** Python `str.center`: the odd space goes left when the width is odd and the margin too. */
function center(s: string, width: number): string {
  const marg = width - len(s);
  if (marg <= 0) return s;
  const leftPad = Math.floor(marg / 2) + (marg & width & 1);
  return ' '.repeat(leftPad) + s + ' '.repeat(marg - leftPad);
}

// ---------------------------------------------------------------------------------------------
// C printf conversions, as Python's `%` operator applies them to floats.

/**
 * Formats one value with a printf specification `%[flags][width][.precision]conv`, flags `#`, `-`,
 * `0`, `+`, space; conversions `f`, `e`, `g`, `d` (numbers) and `s` (strings). Rounding is
 * round-half-even on the exact binary value, as glibc does; NaN and ±inf print as `nan`, `inf`, `-inf`.
 */
export function printf(spec: string, value: number | string): string {
  const m = /^%([#0\- +]*)(\d*)(?:\.(\d+))?([fegds])$/.exec(spec);
  if (!m) throw new Error(`printf: unsupported specification ${spec}`);
  const flags = m[1];
  const width = m[2] ? Number(m[2]) : 0;
  const conv = m[4];
  let body: string;
  let sign = '';
  if (conv === 's') {
    body = String(value);
  } else {
    const x = Number(value);
    const negative = x < 0 || Object.is(x, -0);
    sign = negative ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
    const ax = Math.abs(x);
    if (Number.isNaN(x)) {
      body = 'nan';
      if (!flags.includes('+') && !flags.includes(' ')) sign = '';
    } else if (ax === Infinity) {
      body = 'inf';
    } else if (conv === 'd') {
      body = BigInt(Math.trunc(ax)).toString();
    } else {
      const prec = m[3] !== undefined ? Number(m[3]) : 6;
      body = formatFinite(ax, conv as 'f' | 'e' | 'g', prec, flags.includes('#'));
    }
    if (flags.includes('0') && !flags.includes('-') && Number.isFinite(x)) {
      return sign + body.padStart(Math.max(0, width - sign.length), '0');
    }
  }
  const s = sign + body;
  const fill = ' '.repeat(Math.max(0, width - len(s)));
  return flags.includes('-') ? s + fill : fill + s;
}

/** Exact decimal expansion of a finite x > 0: x = 0.D × 10^point, D without trailing zeros. */
function exactDecimal(x: number): { digits: string; point: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (biased === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = biased - 1075;
  }
  let digits: string;
  let point: number;
  if (e2 >= 0) {
    digits = (mant << BigInt(e2)).toString();
    point = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e2)).toString(); // x = digits × 10^e2
    point = digits.length + e2;
  }
  return { digits: digits.replace(/0+$/, ''), point };
}

/**
 * Rounds 0.D × 10^point to `keep` leading digits (round half to even). Returns the kept digits
 * (exactly `keep` of them, or none) and the possibly shifted point.
 */
function roundDigits(digits: string, point: number, keep: number): { digits: string; point: number } {
  if (keep >= digits.length) return { digits: digits.padEnd(Math.max(keep, 0), '0'), point };
  if (keep < 0) return { digits: '', point };
  const head = digits.slice(0, keep);
  const next = digits.charCodeAt(keep) - 48;
  const restNonZero = /[1-9]/.test(digits.slice(keep + 1));
  const lastOdd = keep > 0 && (head.charCodeAt(keep - 1) - 48) % 2 === 1;
  const up = next > 5 || (next === 5 && (restNonZero || lastOdd));
  if (!up) return { digits: head, point };
  if (keep === 0) return { digits: '1', point: point + 1 };
  const arr = head.split('').map(Number);
  let i = arr.length - 1;
  while (i >= 0 && arr[i] === 9) arr[i--] = 0;
  if (i < 0) return { digits: '1' + '0'.repeat(keep - 1), point: point + 1 }; // 0.999 → 1.00: the point moves
  arr[i]++;
  return { digits: arr.join(''), point };
}

function formatFixed(ax: number, prec: number, alt: boolean): string {
  let intPart = '0';
  let frac = '0'.repeat(prec);
  if (ax !== 0) {
    const { digits, point } = exactDecimal(ax);
    const r = roundDigits(digits, point, point + prec);
    // r.digits holds the kept digits of 0.D × 10^r.point with r.point integer digits
    const all = r.digits.padEnd(Math.max(r.point + prec, 0), '0');
    if (r.point > 0) {
      intPart = all.slice(0, r.point);
      frac = all.slice(r.point, r.point + prec);
    } else {
      frac = ('0'.repeat(-r.point) + all).slice(0, prec).padEnd(prec, '0');
    }
  }
  return prec > 0 || alt ? `${intPart}.${frac}` : intPart;
}

function formatExp(ax: number, prec: number, alt: boolean): string {
  let mant = '0'.repeat(prec + 1);
  let exp = 0;
  if (ax !== 0) {
    const { digits, point } = exactDecimal(ax);
    const r = roundDigits(digits, point, prec + 1);
    mant = r.digits;
    exp = r.point - 1;
  }
  const tail = mant.slice(1);
  const e = `e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return (prec > 0 || alt ? `${mant[0]}.${tail}` : mant[0]) + e;
}

function formatFinite(ax: number, conv: 'f' | 'e' | 'g', prec: number, alt: boolean): string {
  if (conv === 'f') return formatFixed(ax, prec, alt);
  if (conv === 'e') return formatExp(ax, prec, alt);
  const P = prec === 0 ? 1 : prec;
  let X = 0;
  if (ax !== 0) {
    const { digits, point } = exactDecimal(ax);
    X = roundDigits(digits, point, P).point - 1;
  }
  let s = P > X && X >= -4 ? formatFixed(ax, P - 1 - X, alt) : formatExp(ax, P - 1, alt);
  if (!alt) {
    // %g drops trailing zeros and a trailing decimal point
    const [mant, e] = s.split('e');
    let t = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    if (e !== undefined) t += `e${e}`;
    s = t;
  }
  return s;
}
