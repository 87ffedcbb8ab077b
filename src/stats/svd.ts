/**
 * Thin singular value decomposition in float64 for the OLS fit (algorithms.md §3.1, §5.3): Householder
 * QR with column pivoting of the tall matrix, then one-sided (Hestenes) Jacobi on the transposed
 * triangular factor (Drmač–Veselić preconditioning, so a few sweeps suffice). One-sided Jacobi gives
 * the small singular values with high relative accuracy, which is what the pseudo-inverse cutoff,
 * the rank and the condition number of a nearly collinear design depend on. Exactly dependent
 * columns come out with singular values of exactly 0 (LAPACK leaves ~1e-16·s_max there instead).
 *
 * A wide matrix (rows < columns, e.g. 205 runs × 227 dummies) is decomposed through its transpose.
 */

const EPS = 2.220446049250313e-16;

export interface Svd {
  /** Rows and columns of the decomposed matrix. */
  readonly m: number;
  readonly n: number;
  /** Singular values, descending; length r = min(m, n). */
  readonly s: Float64Array;
  /** Right singular vectors, column-major n×r (V[i * n + j] is row j of vector i); null if not requested. */
  readonly V: Float64Array | null;
  /** Uᵀ·y (length r) for a vector y of length m; needs vectors. */
  projectT(y: Float64Array): Float64Array;
  /** Singular values of [col | A] (descending), reusing this decomposition where it can. */
  augmentedSingularValues(col: Float64Array): Float64Array;
}

/**
 * Householder QR with column pivoting of a column-major m×n matrix (m ≥ n): A·P = Q·R. Pivoting makes
 * R graded (diagonal decreasing), which is what lets the Jacobi sweeps on Rᵀ converge in a few passes.
 */
class PivotedQr {
  /** Reflector vectors (column-major m×n, vector j lives in rows j..m−1 of column j) and their 2/vᵀv. */
  readonly v: Float64Array;
  readonly beta: Float64Array;
  /** Upper-triangular n×n R, column-major. */
  readonly R: Float64Array;
  /** perm[j] = the column of A that is column j of A·P. */
  readonly perm: Int32Array;

  constructor(
    A: Float64Array,
    readonly m: number,
    readonly n: number,
  ) {
    const a = Float64Array.from(A);
    this.v = new Float64Array(m * n);
    this.beta = new Float64Array(n);
    this.perm = Int32Array.from({ length: n }, (_, i) => i);
    const tmp = new Float64Array(m);
    // squared norms of the remaining part of each column: downdated after each step (LAPACK
    // dgeqp3), recomputed when the downdate has cancelled most of the original value
    const part = new Float64Array(n);
    const ref = new Float64Array(n);
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += a[c * m + i] * a[c * m + i];
      part[c] = s;
      ref[c] = s;
    }
    for (let j = 0; j < n; j++) {
      let best = j;
      for (let c = j + 1; c < n; c++) if (part[c] > part[best]) best = c;
      if (best !== j) {
        tmp.set(a.subarray(j * m, j * m + m));
        a.copyWithin(j * m, best * m, best * m + m);
        a.set(tmp, best * m);
        const t = this.perm[j];
        this.perm[j] = this.perm[best];
        this.perm[best] = t;
        const pn = part[j];
        part[j] = part[best];
        part[best] = pn;
        const rn = ref[j];
        ref[j] = ref[best];
        ref[best] = rn;
      }
      // the pivot's own norm, exactly
      let bestNorm = 0;
      for (let i = j; i < m; i++) bestNorm += a[j * m + i] * a[j * m + i];
      const cj = j * m;
      const norm2 = bestNorm;
      if (norm2 === 0) {
        // identity reflector; refresh the other partial norms in case downdating left them stale
        for (let c = j + 1; c < n; c++) {
          let t = 0;
          for (let i = j + 1; i < m; i++) t += a[c * m + i] * a[c * m + i];
          part[c] = t;
          ref[c] = t;
        }
        continue;
      }
      const norm = Math.sqrt(norm2);
      const alpha = a[cj + j] >= 0 ? -norm : norm;
      const v0 = a[cj + j] - alpha;
      const vj = this.v;
      vj[cj + j] = v0;
      for (let i = j + 1; i < m; i++) vj[cj + i] = a[cj + i];
      const vtv = v0 * v0 + (norm2 - a[cj + j] * a[cj + j]);
      const beta = vtv > 0 ? 2 / vtv : 0;
      this.beta[j] = beta;
      a[cj + j] = alpha;
      for (let i = j + 1; i < m; i++) a[cj + i] = 0;
      for (let c = j + 1; c < n; c++) {
        const cc = c * m;
        let dot = 0;
        for (let i = j; i < m; i++) dot += vj[cj + i] * a[cc + i];
        const f = beta * dot;
        if (f !== 0) for (let i = j; i < m; i++) a[cc + i] -= f * vj[cj + i];
      }
      for (let c = j + 1; c < n; c++) {
        const cc = c * m;
        const down = part[c] - a[cc + j] * a[cc + j];
        if (down > 1e-8 * ref[c]) {
          part[c] = down;
        } else {
          let s = 0;
          for (let i = j + 1; i < m; i++) s += a[cc + i] * a[cc + i];
          part[c] = s;
          ref[c] = s;
        }
      }
    }
    const R = new Float64Array(n * n);
    for (let c = 0; c < n; c++) for (let i = 0; i <= c; i++) R[c * n + i] = a[c * m + i];
    this.R = R;
  }

  /** Qᵀ·y, first n entries. */
  applyQt(y: Float64Array): Float64Array {
    return this.applyQtFull(y).subarray(0, this.n);
  }

  /** Qᵀ·y, all m entries. */
  applyQtFull(y: Float64Array): Float64Array {
    const { m, n, v, beta } = this;
    const w = Float64Array.from(y);
    for (let j = 0; j < n; j++) {
      if (beta[j] === 0) continue;
      const cj = j * m;
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[cj + i] * w[i];
      const f = beta[j] * dot;
      for (let i = j; i < m; i++) w[i] -= f * v[cj + i];
    }
    return w;
  }

  /** Q·B for a column-major n×c matrix B (padded with zero rows to m): column-major m×c. */
  applyQ(B: Float64Array, c: number): Float64Array {
    const { m, n, v, beta } = this;
    const out = new Float64Array(m * c);
    for (let col = 0; col < c; col++) {
      const o = col * m;
      for (let i = 0; i < n; i++) out[o + i] = B[col * n + i];
      for (let j = n - 1; j >= 0; j--) {
        if (beta[j] === 0) continue;
        const cj = j * m;
        let dot = 0;
        for (let i = j; i < m; i++) dot += v[cj + i] * out[o + i];
        const f = beta[j] * dot;
        for (let i = j; i < m; i++) out[o + i] -= f * v[cj + i];
      }
    }
    return out;
  }
}

/**
 * One-sided Jacobi on a square column-major n×n matrix W (overwritten: W·J has orthogonal columns).
 * Accumulates the rotations J (n×n, column-major) when given.
 */
function jacobi(W: Float64Array, n: number, J: Float64Array | null): void {
  if (J) for (let i = 0; i < n; i++) J[i * n + i] = 1;
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += W[j * n + i] * W[j * n + i];
    norms[j] = s;
  }
  let maxNorm = 0;
  for (let j = 0; j < n; j++) if (norms[j] > maxNorm) maxNorm = norms[j];
  // columns this small are zero at working precision (far below every rank and pinv tolerance);
  // orthogonalizing rounding noise against them would only cost sweeps
  const negligible = maxNorm * (EPS * 1e-2) ** 2;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      const cp = p * n;
      for (let q = p + 1; q < n; q++) {
        const alpha = norms[p];
        const beta = norms[q];
        if (alpha <= negligible || beta <= negligible) continue;
        const cq = q * n;
        let gamma = 0;
        for (let i = 0; i < n; i++) gamma += W[cp + i] * W[cq + i];
        if (Math.abs(gamma) <= EPS * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        let np = 0;
        let nq = 0;
        for (let i = 0; i < n; i++) {
          const wp = W[cp + i];
          const wq = W[cq + i];
          const a = c * wp - s * wq;
          const b = s * wp + c * wq;
          W[cp + i] = a;
          W[cq + i] = b;
          np += a * a;
          nq += b * b;
        }
        // recomputed norms, not the updated formula: keeps tiny columns relatively accurate
        norms[p] = np;
        norms[q] = nq;
        if (J) {
          for (let i = 0; i < n; i++) {
            const vp = J[cp + i];
            const vq = J[cq + i];
            J[cp + i] = c * vp - s * vq;
            J[cq + i] = s * vp + c * vq;
          }
        }
      }
    }
    if (!rotated) break;
  }
}

/**
 * SVD of a tall column-major m×n matrix T (m ≥ n) as T = L·Σ·Rᵀ with L = Q·J, R = P·U_W, from
 * T·P = Q·R_qr and one-sided Jacobi on W = R_qrᵀ (W·J = U_W·Σ ⇒ R_qr = J·Σ·U_Wᵀ).
 * Returns s descending, J and U_W with columns in that order, and the QR for applying Q.
 */
function tallSvd(T: Float64Array, m: number, n: number, vectors: boolean) {
  const qr = new PivotedQr(T, m, n);
  const W = new Float64Array(n * n);
  for (let c = 0; c < n; c++) for (let i = 0; i <= c; i++) W[i * n + c] = qr.R[c * n + i];
  const J0 = vectors ? new Float64Array(n * n) : null;
  jacobi(W, n, J0);
  const sig = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += W[j * n + i] * W[j * n + i];
    sig[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => sig[b] - sig[a] || a - b);
  const s = new Float64Array(n);
  const J = vectors ? new Float64Array(n * n) : null;
  /** P·U_W: rows back in T's column order. */
  const Rv = vectors ? new Float64Array(n * n) : null;
  order.forEach((src, dst) => {
    s[dst] = sig[src];
    if (J && Rv && J0) {
      const inv = sig[src] > 0 ? 1 / sig[src] : 0;
      for (let i = 0; i < n; i++) {
        J[dst * n + i] = J0[src * n + i];
        Rv[dst * n + qr.perm[i]] = W[src * n + i] * inv;
      }
    }
  });
  return { s, J, Rv, qr };
}

/**
 * Thin SVD of a column-major m×n matrix A. With `vectors: false` only the singular values are
 * computed (rank checks), which is cheaper.
 */
export function svd(A: Float64Array, m: number, n: number, vectors = true): Svd {
  if (m >= n) {
    // A = (Q·J)·Σ·(P·U_W)ᵀ: V = P·U_W; Uᵀy = Jᵀ·(Qᵀy)
    const { s, J, Rv, qr } = tallSvd(A, m, n, vectors);
    return {
      m,
      n,
      s,
      V: Rv,
      projectT(y: Float64Array): Float64Array {
        if (!J) throw new Error('svd: computed without vectors');
        const qty = qr.applyQt(y);
        const out = new Float64Array(n);
        for (let k = 0; k < n; k++) {
          let dot = 0;
          for (let i = 0; i < n; i++) dot += J[k * n + i] * qty[i];
          out[k] = dot;
        }
        return out;
      },
      augmentedSingularValues(col: Float64Array): Float64Array {
        // [col | A] = Q·[Qᵀcol | R·Pᵀ]; Qᵀcol's tail below row n folds into one entry of its norm
        const qtc = qr.applyQtFull(col);
        let tail = 0;
        for (let i = n; i < m; i++) tail += qtc[i] * qtc[i];
        const N = n + 1;
        const M = new Float64Array(N * N);
        for (let i = 0; i < n; i++) M[i] = qtc[i];
        M[n] = Math.sqrt(tail);
        for (let c = 0; c < n; c++) for (let i = 0; i <= c; i++) M[(c + 1) * N + i] = qr.R[c * n + i];
        return tallSvd(M, N, N, false).s;
      },
    };
  }
  // wide: Aᵀ = (Q·J)·Σ·(P·U_W)ᵀ, so A = (P·U_W)·Σ·(Q·J)ᵀ: U = P·U_W (m×m), V = Q·J (n×m)
  const { s, J, Rv, qr } = tallSvd(transpose(A, m, n), n, m, vectors);
  const V = J ? qr.applyQ(J, m) : null;
  return {
    m,
    n,
    s,
    V,
    projectT(y: Float64Array): Float64Array {
      if (!Rv) throw new Error('svd: computed without vectors');
      const out = new Float64Array(m);
      for (let k = 0; k < m; k++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += Rv[k * m + i] * y[i];
        out[k] = dot;
      }
      return out;
    },
    augmentedSingularValues(col: Float64Array): Float64Array {
      const aug = new Float64Array(m * (n + 1));
      aug.set(col);
      aug.set(A, m);
      return svd(aug, m, n + 1, false).s;
    },
  };
}

function transpose(A: Float64Array, m: number, n: number): Float64Array {
  const T = new Float64Array(m * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) T[i * n + j] = A[j * m + i];
  return T;
}

/** numpy `matrix_rank` from singular values: #{s_i > s_max · tolFactor · eps}. */
export function rankOf(s: Float64Array, tolFactor: number): number {
  if (s.length === 0) return 0;
  const tol = s[0] * tolFactor * EPS;
  let r = 0;
  for (const v of s) if (v > tol) r++;
  return r;
}

/** numpy `matrix_rank(A)` with its default tolerance s_max · max(m, n) · eps. */
export function matrixRank(A: Float64Array, m: number, n: number): number {
  if (m === 0 || n === 0) return 0;
  return rankOf(svd(A, m, n, false).s, Math.max(m, n));
}
