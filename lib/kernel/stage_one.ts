/**
 * U-Hop's Stage I (Wu et al. 2024, §2.3): learn the feature map Φ(x) = Wx (+ b) that spreads the memories apart
 * on the sphere, by gradient steps on a separation loss of the memories alone (no labels, no queries).
 *
 * @module
 */
import { checkMatrix, type DenseMatrix, type Matrix, rowRange, selectRows } from "../linalg/matrix.ts";
import type { Prng } from "../linalg/prng.ts";
import { cpuBackend } from "../backend/cpu.ts";
import type { Backend } from "../backend/types.ts";
import { adam } from "../optim/adam.ts";
import type { Optimiser } from "../optim/optimiser.ts";
import { schedule, type ScheduleName } from "../optim/schedule.ts";
import { sgd } from "../optim/sgd.ts";
import {
  featureMapUnchecked,
  gaussianFeatureMap,
  type LinearFeatureMap,
  linearFeatureMap,
} from "./feature_map.ts";
import { separationLoss, type SeparationLossKind } from "./separation_loss.ts";
import { normalisedSeparation } from "./separation.ts";
import { mapToInputs, mapToWhitened, whiten, whitening } from "./whiten.ts";

/** Options of {@link separateMemories}. */
export interface StageOneOptions {
  /** Seeds W's initialisation and the minibatch order. */
  prng: Prng;
  /** Where the losses run (default `cpu`); chosen once by `selectBackend()`. */
  backend?: Backend;
  /** Start from this map instead of a Gaussian W (N(0, 1) entries, the official `randn`). */
  init?: LinearFeatureMap;
  /** D_Φ of the Gaussian initialisation (default d, as the official code). */
  featureDim?: number;
  /** Give the map a bias b (default false; the official U-Hop map has none, U-Hop+'s has one). */
  bias?: boolean;
  /**
   * Require W to keep full column rank (default true: U-Hop's Assumption 2.1). `false` allows D_Φ < d, as U-Hop+'s
   * experiments use, where the energy guarantee of the kernelized update does not apply.
   */
  requireFullRank?: boolean;
  /**
   * After each step, rescale (W, b) to the Frobenius norm it started with (default false). The losses see only
   * directions, so this changes no loss value; without it ‖W‖ grows step by step (the gradient is orthogonal to
   * W) and a fixed rate moves W ever less — the projected gradient descent of U-Hop+'s Algorithm 1.
   */
  projectNorm?: boolean;
  /**
   * Take the gradient steps in whitened coordinates (default false): the memories' (centred, with a bias) second
   * moments become the identity, and the map is reported on the memories' own coordinates — the same start, the
   * same features and losses, better-conditioned steps (see `whitening`). Costs an eigendecomposition of a d × d
   * matrix.
   */
  whiten?: boolean;
  /** Scale of the Gaussian start (default 1, the official U-Hop `randn`; √(2/d) is U-Hop+'s Kaiming start). */
  initScale?: number;
  /** Passes over the memories (default 100: the official `kernel_epoch`). */
  epochs?: number;
  /**
   * `max` (default: the loss of the official U-Hop retrieval scripts), `average`, or U-Hop+'s tempered losses
   * `log-sum-exp` and `cross-entropy` (Hu et al. 2024, Algorithm 1).
   */
  loss?: SeparationLossKind;
  /** For `average` and `max`: the scale t of `exp(−t‖u_μ − u_ν‖²)` (default 2). */
  t?: number;
  /**
   * For the tempered losses: the temperature τ (default 0.1), or a schedule over epochs (epoch e's steps and the
   * loss recorded after it use `tau(e − 1)`; the initial loss uses `tau(0)`).
   */
  tau?: number | ((epoch: number) => number);
  /** `sgd` (default, as the official code) or `adam`. */
  optimiser?: "sgd" | "adam";
  /** Base learning rate (default: 1 for `average`, 10 for `max`, 0.1 for the tempered losses: the official codes'). */
  lr?: number;
  /**
   * The rate's schedule over steps (default: `inverse-sqrt` for `average`, `constant` for `max`). The official
   * average-loss code divides the rate by √(step + 1) again after every step (`cumulative-inverse-sqrt`), which
   * freezes W after a few steps; the default is the schedule it evidently meant.
   */
  schedule?: ScheduleName;
  /** Memories per step (default all: full batch); batches are drawn without replacement each epoch. */
  batchSize?: number;
  /**
   * The memories W is trained on: `all` (default), or `first-half` (the official max-loss retrieval script trains
   * on `Ξ[: M/2]` only, while every memory is retrieved).
   */
  trainOn?: "all" | "first-half";
  /**
   * Called after each epoch with the loss and minimal separation of the training memories under the new map,
   * and the map itself (not checked for rank; its arrays are its own, so it can be kept).
   */
  onEpoch?: (info: { epoch: number; loss: number; deltaMin: number; map: LinearFeatureMap }) => void;
  /** Called after every optimiser step (for progress within long epochs of minibatches). */
  onStep?: (info: { epoch: number; step: number; steps: number }) => void;
}

/** What Stage I returns. */
export interface StageOneResult {
  /** The learned map. */
  map: LinearFeatureMap;
  /** The loss on the training memories before training (entry 0) and after each epoch. */
  loss: number[];
  /**
   * Δ_min of the normalised features of the training memories, `1 − max_{μ≠ν} u_μᵀu_ν`, before training and after
   * each epoch: the quantity the losses push up.
   */
  deltaMin: number[];
}

/**
 * Stage I of U-Hop: starting from a Gaussian W (or `init`), `epochs` passes of gradient steps on the separation
 * loss of the memories' normalised features. Returns the map with the loss and Δ_min history.
 *
 * The losses depend on W only through the directions `Wξ_μ/‖Wξ_μ‖`: when the memories share a direction (a
 * common mean, as non-negative images do) the gradient shrinks W along it, which spreads the features but makes W
 * ever closer to singular (against U-Hop's Assumption 2.1); a final W that is numerically singular is refused.
 *
 * Shapes: patterns M × d (M ≥ 2; ≥ 4 with `trainOn: "first-half"`).
 *
 * @example
 * ```ts
 * import { separateMemories } from "./stage_one.ts";
 * import { sphere } from "../data/synthetic.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import assert from "node:assert/strict";
 * const prng = createPrng(1), X = sphere(20, 3, { prng });
 * const r = await separateMemories(X, { prng, epochs: 30, loss: "max", lr: 0.1 });
 * assert.ok(r.deltaMin[30] > r.deltaMin[0]);
 * ```
 */
export async function separateMemories(patterns: Matrix, options: StageOneOptions): Promise<StageOneResult> {
  const action = "run Stage I";
  checkMatrix(patterns, "patterns", action);
  const d = patterns.cols, kind = options.loss ?? "max", backend = options.backend ?? cpuBackend;
  const epochs = options.epochs ?? 100, trainOn = options.trainOn ?? "all";
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw new RangeError(`Cannot ${action}: epochs must be a non-negative integer: epochs=${epochs}`);
  }
  if (trainOn !== "all" && trainOn !== "first-half") {
    throw new RangeError(`Cannot ${action}: trainOn must be "all" or "first-half": trainOn=${trainOn}`);
  }
  const memories = trainOn === "all" ? patterns : rowRange(patterns, 0, Math.floor(patterns.rows / 2));
  if (memories.rows < 2) {
    throw new RangeError(
      `Cannot ${action}: need at least 2 training memories: ${trainOn} of M=${patterns.rows}`,
    );
  }
  const batch = options.batchSize ?? memories.rows;
  if (!Number.isInteger(batch) || batch < 2 || batch > memories.rows) {
    throw new RangeError(
      `Cannot ${action}: batchSize must be an integer from 2 to the training memories (${memories.rows}): batchSize=${batch}`,
    );
  }
  if (options.init && options.init.inputDim !== d) {
    throw new RangeError(
      `Cannot ${action}: init must map d = ${d} inputs: init.inputDim=${options.init.inputDim}`,
    );
  }
  if (options.init && options.bias !== undefined && options.bias !== (options.init.bias !== null)) {
    throw new RangeError(
      `Cannot ${action}: bias=${options.bias} contradicts init, which ${
        options.init.bias ? "has" : "has no"
      } bias`,
    );
  }
  if (options.init && options.initScale !== undefined) {
    throw new RangeError(
      `Cannot ${action}: initScale applies to the Gaussian start, not to init: initScale=${options.initScale}`,
    );
  }
  if (options.init && options.featureDim !== undefined) {
    throw new RangeError(
      `Cannot ${action}: featureDim applies to the Gaussian start, not to init: featureDim=${options.featureDim}`,
    );
  }
  const requireFullRank = options.requireFullRank ?? true;
  let map = options.init ??
    gaussianFeatureMap(d, options.featureDim ?? d, {
      prng: options.prng,
      scale: options.initScale,
      requireFullRank,
    });
  if (!options.init && options.bias) map = featureMapUnchecked(map.weights, new Float64Array(map.featureDim));
  // With `whiten`, everything below runs in whitened coordinates; maps are reported in the memories' own.
  const w = options.whiten ? whitening(memories, { centre: map.bias !== null }) : null;
  const train = w ? whiten(memories, w) : memories;
  if (w) map = mapToWhitened(map, w);
  const reported = (m: LinearFeatureMap) => (w ? mapToInputs(m, w) : m);
  const tempered = kind === "log-sum-exp" || kind === "cross-entropy";
  const lr = options.lr ?? (kind === "average" ? 1 : kind === "max" ? 10 : 0.1);
  const steps = epochs * Math.ceil(train.rows / batch);
  const rate = schedule(
    options.schedule ?? (kind === "average" ? "inverse-sqrt" : "constant"),
    lr,
    options.schedule === "cosine" ? { steps: Math.max(1, steps) } : {},
  );
  const opt: Optimiser = (options.optimiser ?? "sgd") === "sgd"
    ? sgd({ lr: rate })
    : options.optimiser === "adam"
    ? adam({ lr: rate })
    : (() => {
      throw new RangeError(
        `Cannot ${action}: optimiser must be "sgd" or "adam": optimiser=${options.optimiser}`,
      );
    })();
  if (options.tau !== undefined && !tempered) {
    throw new RangeError(
      `Cannot ${action}: tau applies to the tempered losses: loss=${kind}, tau=${options.tau}`,
    );
  }
  const tauAt = (epoch: number) => (typeof options.tau === "function" ? options.tau(epoch) : options.tau);
  const lossOptions = (epoch: number) => ({ loss: kind, t: options.t, tau: tauAt(epoch), backend });
  const W = Float64Array.from(map.weights.data), b = map.bias ? Float64Array.from(map.bias) : null;
  const frobenius = () =>
    Math.sqrt(W.reduce((a, v) => a + v * v, 0) + (b?.reduce((a, v) => a + v * v, 0) ?? 0));
  const norm0 = frobenius();
  const project = () => {
    if (!options.projectNorm) return;
    const f = norm0 / frobenius();
    for (let k = 0; k < W.length; k++) W[k] *= f;
    if (b) { for (let k = 0; k < b.length; k++) b[k] *= f; }
  };
  let taken = 0;
  const move = (g: { weights: DenseMatrix; bias: Float64Array | null }, epoch: number) => {
    step(opt, W, b, g);
    project();
    options.onStep?.({ epoch, step: ++taken, steps });
  };
  // A fresh copy per map: backends cache converted operands by their array, so W must not change under them.
  const current = () =>
    featureMapUnchecked({ rows: map.featureDim, cols: d, data: W.slice() }, b?.slice() ?? null);
  const measure = async (m: LinearFeatureMap, epoch: number) => {
    const full = await separationLoss(m, train, lossOptions(epoch));
    // The max loss at t is −2t·Δ_min; for the average loss Δ_min is measured on its own.
    const deltaMin = kind === "max"
      ? -full.loss / (2 * (options.t ?? 2))
      : await normalisedSeparation(m, train, { backend });
    return { full, deltaMin };
  };
  let state = await measure(map, 0);
  const loss = [state.full.loss], deltaMin = [state.deltaMin];
  const order = Array.from({ length: train.rows }, (_, i) => i);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    try {
      if (batch === train.rows && tauAt(epoch - 1) === tauAt(Math.max(0, epoch - 2))) {
        move(state.full, epoch); // the gradient measured after the last epoch, at this epoch's τ
      } else if (batch === train.rows) {
        move(await separationLoss(current(), train, lossOptions(epoch - 1)), epoch);
      } else {
        shuffle(order, options.prng);
        for (let s = 0; s + 1 < train.rows; s += batch) {
          const rows = order.slice(s, Math.min(train.rows, s + batch));
          if (rows.length < 2) continue;
          move(await separationLoss(current(), selectRows(train, rows), lossOptions(epoch - 1)), epoch);
        }
      }
      if (!W.every(Number.isFinite)) throw new RangeError("W left the floating-point range");
      map = current();
      state = await measure(map, epoch - 1);
    } catch (e) {
      throw new RangeError(
        `Cannot ${action}: epoch ${epoch} failed with lr=${lr}${
          epoch === 1 ? "" : " after earlier epochs succeeded"
        } (too large a rate makes W overflow): ${(e as Error).message}`,
      );
    }
    loss.push(state.full.loss);
    deltaMin.push(state.deltaMin);
    options.onEpoch?.({ epoch, loss: state.full.loss, deltaMin: state.deltaMin, map: reported(map) });
  }
  // The last map is checked: a W that lost its rank is reported, not returned.
  map = reported(map);
  try {
    return {
      map: linearFeatureMap(map.weights, { bias: map.bias ?? undefined, requireFullRank }),
      loss,
      deltaMin,
    };
  } catch (e) {
    throw new RangeError(
      `Cannot ${action}: after ${epochs} epochs W is numerically singular. The separation loss only sees the ` +
        `directions of the features, so it can shrink W along a direction all the memories share (a common ` +
        `mean) until W loses rank; use fewer epochs or a smaller lr. ${(e as Error).message}`,
    );
  }
}

/** One optimiser step on W (and b) along a loss's gradient. */
function step(
  opt: Optimiser,
  W: Float64Array,
  b: Float64Array | null,
  g: { weights: DenseMatrix; bias: Float64Array | null },
): void {
  if (b) opt.step([W, b], [g.weights.data, g.bias!]);
  else opt.step([W], [g.weights.data]);
}

/** Fisher–Yates in place. */
function shuffle(a: number[], prng: Prng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
}
