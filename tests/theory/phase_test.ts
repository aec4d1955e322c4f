import assert from "node:assert/strict";
import fc from "fast-check";
import { equidistant, rotateRows } from "../../lib/data/synthetic.ts";
import { energy } from "../../lib/hopfield/energy.ts";
import { update } from "../../lib/hopfield/update.ts";
import { retrieve } from "../../lib/hopfield/retrieve.ts";
import { columnMeans, distance, fromRows, type Matrix, row } from "../../lib/linalg/matrix.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import {
  effectiveBeta,
  orderParameter,
  phaseThresholds,
  reducedFixedPoints,
  reducedMap,
  symmetricLineEnergy,
  symmetricLineState,
} from "../../lib/theory/phase.ts";
import { globalThreshold, meanSeparation, normalisedDivergence } from "../../lib/theory/phase_data.ts";
import { distinctStates } from "../../lib/hopfield/fixed_points.ts";
import { assertClose } from "../helpers.ts";

/** N equidistant patterns rotated at random into ℝᵈ (so nothing is axis-aligned). */
function embedded(
  n: number,
  d: number,
  options: { cosine?: number; radius?: number } = {},
  seed = 1,
): Matrix {
  return rotateRows(equidistant(n, { ...options, dim: d }), { prng: createPrng(seed) });
}

function finalFrom(X: Matrix, start: number[], beta: number): Float64Array {
  return row(
    retrieve(X, fromRows([start]), { beta, maxSteps: 200000, eps: 1e-14, trajectory: false }).states,
    0,
  );
}

Deno.test("phaseThresholds() reproduces the derived threshold table (data/sources/phase-transition.md §2.5)", () => {
  const table: [number, number, number, number][] = [ // N, K_sn, m_sn, β_sn (centred unit simplex)
    [3, 2.7456, 0.3772, 1.8304],
    [4, 3.2187, 0.5071, 2.4141],
    [10, 4.5598, 0.6993, 4.1038],
    [100, 7.4587, 0.8409, 7.3841],
  ];
  for (const [n, K, m, beta] of table) {
    const t = phaseThresholds(n);
    assertClose(t.K_sn, K, 6e-5, `K_sn N=${n}`);
    assertClose(t.m_sn, m, 6e-5, `m_sn N=${n}`);
    assertClose(t.beta_sn, beta, 6e-5, `β_sn N=${n}`);
    assertClose(t.beta_spin, n - 1, 1e-12, `β_spin N=${n}`);
    assert.ok(t.K_sn < t.K_t && t.K_t < t.K_spin);
  }
  const two = phaseThresholds(2);
  assert.deepEqual([two.K_sn, two.K_t, two.K_spin], [2, 2, 2]);
});

Deno.test("the saddle-node is a double root: F_K touches the diagonal at K_sn, with one fixed point just below and three just above", () => {
  for (const n of [3, 7, 20]) {
    const t = phaseThresholds(n);
    assertClose(reducedMap(t.m_sn, t.K_sn, n), t.m_sn, 1e-12, `F(m_sn) = m_sn, N=${n}`);
    assert.equal(reducedFixedPoints(t.K_sn * (1 - 1e-6), n).length, 1);
    assert.equal(reducedFixedPoints(t.K_sn * (1 + 1e-6), n).length, 3);
  }
});

Deno.test("the reduced map equals the full d-dimensional update on the symmetric line (any r, c)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 3, max: 12 }),
      fc.double({ min: 0, max: 0.8, noNaN: true }),
      fc.double({ min: 0.3, max: 3, noNaN: true }),
      fc.double({ min: 0.5, max: 30, noNaN: true }),
      fc.double({ min: -0.05, max: 0.99, noNaN: true }),
      (n, cosine, radius, beta, m) => {
        const X = embedded(n, n + 2, { cosine, radius });
        const delta = radius * radius * (1 - cosine);
        const xi = symmetricLineState(X, Math.max(m, -1 / (n - 1)));
        const next = update(X, xi, { beta }).state;
        const K = effectiveBeta(beta, n, { cosine, radius });
        assertClose(orderParameter(X, next, delta), reducedMap(orderParameter(X, xi, delta), K, n), 1e-9);
      },
    ),
    { numRuns: 60, seed: 5 },
  );
});

Deno.test("full iteration in d dimensions: pattern attractors appear at β_sn for several N", () => {
  for (const n of [3, 5, 10]) {
    const X = embedded(n, n + 3), t = phaseThresholds(n);
    const below = finalFrom(X, Array.from(row(X, 0)), t.beta_sn * 0.99);
    const above = finalFrom(X, Array.from(row(X, 0)), t.beta_sn * 1.01);
    assert.ok(
      Math.abs(orderParameter(X, below, t.delta)) < 1e-6,
      `N=${n}: below β_sn the pattern falls to the mean`,
    );
    assert.ok(
      orderParameter(X, above, t.delta) > t.m_sn - 0.05,
      `N=${n}: above β_sn it stays a pattern state`,
    );
  }
});

Deno.test("full iteration in d dimensions: the global state of a centred unit simplex loses stability at β = N − 1", () => {
  for (const n of [3, 5, 10]) {
    const X = embedded(n, n + 3, {}, 2), prng = createPrng(n);
    const mean = columnMeans(X); // = 0
    const kick = Array.from(mean, () => 1e-5 * prng.normal());
    const stays = finalFrom(X, kick, (n - 1) * 0.98), leaves = finalFrom(X, kick, (n - 1) * 1.02);
    assert.ok(distance(stays, mean) < 1e-8, `N=${n}: below N−1 the kick decays`);
    assert.ok(distance(leaves, mean) > 0.5, `N=${n}: above N−1 the state leaves the mean`);
  }
});

Deno.test("at β_t the pattern fixed point and the mean have equal energy, and p₁ = (N−1)/N (full space)", () => {
  for (const n of [3, 5, 10]) {
    const X = embedded(n, n + 1, {}, 3), t = phaseThresholds(n);
    const fixed = finalFrom(X, Array.from(row(X, 0)), t.beta_t);
    const mean = columnMeans(X);
    assertClose(energy(X, fixed, { beta: t.beta_t }), energy(X, mean, { beta: t.beta_t }), 1e-9, `N=${n}`);
    assertClose(orderParameter(X, fixed, t.delta), (n - 2) / (n - 1), 1e-9, `m_t N=${n}`);
    const p1 = (1 + (n - 1) * orderParameter(X, fixed, t.delta)) / n;
    assertClose(p1, (n - 1) / n, 1e-9, `p₁ N=${n}`);
    // The closed-form line energy agrees with the full energy along the line.
    assertClose(symmetricLineEnergy(0.4, 2, n), energy(X, symmetricLineState(X, 0.4), { beta: 2 }), 1e-12);
  }
});

Deno.test("thresholds scale as 1/(r²(1−c)): doubling the norm divides every β by 4", () => {
  const a = phaseThresholds(6, { cosine: 0.1 }), b = phaseThresholds(6, { cosine: 0.1, radius: 2 });
  for (const k of ["beta_sn", "beta_t", "beta_spin", "beta_c"] as const) {
    assertClose(b[k], a[k] / 4, 1e-12, k);
  }
  assertClose(phaseThresholds(4, { cosine: 0 }).beta_spin, 4, 1e-12); // orthonormal: β = N
});

Deno.test("phaseThresholds() rejects bad N, radius and cosine with the parameter named", () => {
  assert.throws(() => phaseThresholds(1), /N=1/);
  assert.throws(() => phaseThresholds(2.5), /N=2.5/);
  assert.throws(() => phaseThresholds(5, { radius: 0 }), /radius=0/);
  assert.throws(() => phaseThresholds(5, { radius: -1 }), /radius=-1/);
  assert.throws(() => phaseThresholds(5, { cosine: -0.5 }), /cosine=-0.5/);
  assert.throws(() => phaseThresholds(5, { cosine: 1 }), /cosine=1/);
  assert.throws(() => phaseThresholds(5, { cosine: NaN }), /cosine=NaN/);
});

Deno.test("globalThreshold(): 1/λ_max for centred data, the numerical branch for uncentred data", () => {
  assertClose(globalThreshold(embedded(7, 9)).beta, 6, 1e-9); // centred simplex: N − 1
  const marched: number[][] = [];
  const ortho = globalThreshold(embedded(5, 6, { cosine: 0 }), {
    onProgress: (b, rho) => marched.push([b, rho]),
  });
  assert.equal(ortho.centred, false);
  // the march reports each point of the branch, rising in β, stable (ρ < 1) until its last point
  assert.ok(marched.length > 2 && marched.every(([b], i) => i === 0 || b > marched[i - 1][0]));
  assert.ok(marched.slice(0, -1).every(([, rho]) => rho < 1) && marched.at(-1)![1] >= 1);
  assertClose(ortho.beta, 5, 1e-8); // orthonormal: the mean is a fixed point by symmetry, unstable at β = N
  // General centred data: the threshold makes the Jacobian β·Cov_u have spectral radius 1.
  const prng = createPrng(9);
  const X = fromRows(Array.from({ length: 8 }, () => Array.from({ length: 5 }, () => prng.normal())));
  const mean = columnMeans(X);
  const Xc = fromRows(Array.from({ length: 8 }, (_, i) => Array.from(row(X, i), (v, k) => v - mean[k])));
  const g = globalThreshold(Xc);
  assert.ok(g.centred && g.found);
  const kick = Array.from({ length: 5 }, () => 1e-6 * prng.normal());
  assert.ok(Math.hypot(...finalFrom(Xc, kick, g.beta * 0.97)) < 1e-9, "below: ξ = 0 attracts");
  assert.ok(Math.hypot(...finalFrom(Xc, kick, g.beta * 1.03)) > 1e-3, "above: ξ = 0 repels");
});

Deno.test("meanSeparation() is r²(1−c) for equidistant sets; divergence and distinct states", () => {
  assertClose(meanSeparation(embedded(6, 8, { cosine: 0.3, radius: 1.5 })), 2.25 * 0.7, 1e-12);
  const X = fromRows([[1, 0], [0, 1], [-1, 0]]);
  assert.equal(normalisedDivergence(X, X), 0);
  const mean = Array.from(columnMeans(X));
  assertClose(normalisedDivergence(X, fromRows([mean, mean, mean])), 1, 1e-15);
  assert.deepEqual(distinctStates(fromRows([[0, 0], [1e-5, 0], [1, 0]]), 1e-3), [0, 2]);
});
