/**
 * `deno task hop <command> [--flag value …]`: the workbench from the shell. JSON on stdout; errors on
 * stderr with exit code 1 (2 for usage errors).
 *
 * @module
 */
import { BENCH_SIZES, runBench } from "../backend/bench.ts";
import { runStageOneBench, STAGE_ONE_SIZES } from "../kernel/bench.ts";
import { retrieveOn } from "../backend/retrieve.ts";
import { type LayerSpec, runLayerSpec } from "../layers/spec.ts";
import type { RetrievalMethod } from "../approx/low_rank.ts";
import { LIMITS_SIZES, runLimitsBench } from "../approx/bench.ts";
import { LAYER_BENCH_SIZES, runLayerBench } from "../layers/bench.ts";
import { backendLabel, backendName, selectBackend } from "../backend/select.ts";
import type { Backend, BackendName } from "../backend/types.ts";
import { fromRows, type Matrix, toRows } from "../linalg/matrix.ts";
import { MAP_KINDS, type MapKind, separate } from "../maps/mod.ts";
import { storageBound } from "../theory/capacity.ts";
import { phaseThresholds } from "../theory/phase.ts";
import { optimiseCode } from "../spherical/optimise.ts";
import { progress } from "../experiments/scale.ts";
import { capacitySearch } from "../experiments/capacity.ts";
import {
  CAPACITY_MODELS,
  type CapacityModelName,
  capacityProtocol,
} from "../experiments/capacity_protocols.ts";
import { linearFeatureMap } from "../kernel/feature_map.ts";
import { metastableSizes, sizeDistribution, SUPPORT_BINS } from "../experiments/metastable.ts";
import { SEPARATION_LOSSES, separationLoss, type SeparationLossKind } from "../kernel/separation_loss.ts";
import { separateMemories, type StageOneOptions, type StageOneResult } from "../kernel/stage_one.ts";
import { createPrng } from "../linalg/prng.ts";
import { Flags, parseArgs } from "./args.ts";

/** The spherical-code bounds, loaded only by the commands that print them (they bring in mathjs). */
const bounds = () => import("../spherical/bounds.ts");

/** A command: its flags and what it prints. */
interface Command {
  summary: string;
  flags: string[];
  run(flags: Flags): unknown | Promise<unknown>;
}

function readRows(path: string, flag: string): Matrix {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    throw new RangeError(`Cannot read --${flag}: ${path}: ${(e as Error).message}`);
  }
  const bad = text.match(/-?\b(NaN|Infinity)\b/);
  if (bad) {
    throw new RangeError(`Cannot read --${flag}: ${path}: values must be finite numbers, found ${bad[0]}`);
  }
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (e) {
    throw new RangeError(`Cannot read --${flag}: ${path} is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(rows) || rows.length === 0 || !rows.every((r) => Array.isArray(r))) {
    throw new RangeError(
      `Cannot read --${flag}: ${path} must hold a non-empty JSON array of rows (arrays of numbers)`,
    );
  }
  rows.forEach((r: unknown[], i) =>
    r.forEach((v, j) => {
      if (typeof v !== "number") {
        throw new RangeError(
          `Cannot read --${flag}: ${path}: entry [${i}][${j}] is not a number: ${JSON.stringify(v)}`,
        );
      }
    })
  );
  const width = (rows[0] as unknown[]).length;
  const ragged = rows.findIndex((r: unknown[]) => r.length !== width);
  if (ragged >= 0 || width === 0) {
    throw new RangeError(
      `Cannot read --${flag}: ${path}: rows must be non-empty and equally long: row 0 has ${width} entries, ` +
        `row ${Math.max(ragged, 0)} has ${(rows[Math.max(ragged, 0)] as unknown[]).length}`,
    );
  }
  return fromRows(rows as number[][]);
}

/**
 * Stage I as the `uhop` and `uhop-plus` commands run it: the memories of `--patterns`, the backend (auto, f64),
 * `--epochs`, `--seed` and progress per epoch, with the command's own options.
 */
async function stageOne(
  f: Flags,
  name: string,
  options: (patterns: Matrix) => Omit<StageOneOptions, "prng" | "backend" | "epochs" | "onEpoch">,
): Promise<{ backend: Backend; r: StageOneResult }> {
  const log = progress(name);
  const patterns = readRows(f.string("patterns"), "patterns");
  const backend = await backendFlag(f, "auto", "f64"), epochs = f.integer("epochs", 100, 1_000_000);
  const r = await separateMemories(patterns, {
    prng: createPrng(f.integer("seed", 1)),
    backend,
    epochs,
    ...options(patterns),
    onEpoch: ({ epoch, loss, deltaMin }) =>
      log.tick(`epoch ${epoch}/${epochs}: loss ${loss.toPrecision(6)}, Δ_min ${deltaMin.toPrecision(4)}`),
  });
  return { backend, r };
}

function lossKind(flags: Flags): SeparationLossKind {
  const kind = flags.string("loss", "max");
  if (!(SEPARATION_LOSSES as readonly string[]).includes(kind)) {
    throw new RangeError(`Cannot run: --loss must be one of ${SEPARATION_LOSSES.join(", ")}: --loss=${kind}`);
  }
  return kind as SeparationLossKind;
}

function optimiserKind(flags: Flags): "sgd" | "adam" {
  const kind = flags.string("optimiser", "sgd");
  if (kind !== "sgd" && kind !== "adam") {
    throw new RangeError(`Cannot run: --optimiser must be sgd or adam: --optimiser=${kind}`);
  }
  return kind;
}

function mapKind(flags: Flags, name: string): MapKind {
  const kind = flags.string(name, "softmax");
  if (!(MAP_KINDS as readonly string[]).includes(kind)) {
    throw new RangeError(`Cannot run: --${name} must be one of ${MAP_KINDS.join(", ")}: --${name}=${kind}`);
  }
  return kind as MapKind;
}

/**
 * The backend of `--backend`, else `HOPFIELD_BACKEND`, else `fallback`: `retrieve` falls back to `cpu` (its
 * inputs are small JSON files and the Float64 reference is exact), the others to `auto`.
 */
function backendFlag(f: Flags, fallback: BackendName, precision: "f32" | "f64" = "f32"): Promise<Backend> {
  return selectBackend(
    backendName(f.has("backend") ? f.string("backend") : undefined, { fallback, source: "--backend" }),
    precision,
  );
}

/** The commands, by name. */
export const COMMANDS: Record<string, Command> = {
  retrieve: {
    summary:
      "iterate ξ ← X·map(βXᵀξ) from each query: {states, probabilities, steps, energies, converged}; " +
      "with --method polynomial --degree G or --method random-features --features R [--seed S] the updates are " +
      "low-rank attention, and {method, rank} are printed too",
    flags: [
      "patterns",
      "queries",
      "beta",
      "max-steps",
      "eps",
      "map",
      "alpha",
      "backend",
      "method",
      "degree",
      "features",
      "seed",
    ],
    async run(f) {
      const log = progress("retrieve");
      const patterns = readRows(f.string("patterns"), "patterns");
      const queries = readRows(f.string("queries"), "queries");
      const r = await retrieveOn(patterns, queries, {
        backend: await backendFlag(f, "cpu"),
        beta: f.number("beta"),
        maxSteps: f.integer("max-steps", 100, 1_000_000),
        eps: f.number("eps", 1e-8),
        map: mapKind(f, "map"),
        alpha: f.has("alpha") ? f.number("alpha") : undefined,
        method: f.has("method") ? f.string("method") as RetrievalMethod : undefined,
        degree: f.has("degree") ? f.integer("degree", 2, 20) : undefined,
        features: f.has("features") ? f.integer("features", 1, 1_000_000) : undefined,
        seed: f.has("seed") ? f.integer("seed", 0, 2 ** 31) : undefined,
        onProgress: ({ step, active }) =>
          log.tick(`update ${step}: ${active} of ${queries.rows} queries still moving`),
      });
      return {
        backend: backendLabel(r.backend),
        ...(r.rank === undefined ? {} : { method: f.string("method"), rank: r.rank }),
        states: toRows(r.states),
        probabilities: toRows(r.probabilities),
        steps: r.steps,
        energies: r.trajectories.map((t) => t.energy),
        converged: r.converged,
      };
    },
  },
  map: {
    summary: "apply a separation map to β·scores: {probabilities}",
    flags: ["kind", "alpha", "beta", "scores"],
    run(f) {
      const probabilities = separate(f.numbers("scores"), {
        kind: mapKind(f, "kind"),
        beta: f.number("beta", 1),
        alpha: f.has("alpha") ? f.number("alpha") : undefined,
      });
      return { probabilities: Array.from(probabilities) };
    },
  },
  bench: {
    summary:
      "S0–S2: time one retrieval step P = softmax(βQXᵀ), out = PX: {backend, size, median_ms, gflops, max_rel_err}; " +
      "U0–U2: one U-Hop Stage-I step (average separation loss and its gradient in W) beside this BLAS's 4096² sgemm: " +
      "{backend, size, median_ms, gflops, sgemm_gflops, fraction_of_sgemm, peak_rss_mb}; " +
      "L0–L1: exact retrieval against the low-rank polynomial at τ = L = M = 4096 / 65 536, d = 16, entries in " +
      "[−0.5, 0.5], β = 1/d: {backend, size, exact_ms, polynomial_ms, speedup, rel_error, rank, degree}; " +
      "M0: one training epoch of notebook 08's MNIST-bags HopfieldPooling model (200 bags): {backend, size, bags, epoch_ms}",
    flags: ["size", "backend", "repeat"],
    async run(f) {
      const size = f.string("size", "S0");
      if (size in LAYER_BENCH_SIZES) {
        if (f.has("backend")) {
          throw new RangeError(
            `Cannot run bench: --backend does not apply to --size ${size} (the layers run on their tape)`,
          );
        }
        const repeat = f.integer("repeat", 5, 100);
        progress("bench")(`${size}: one untimed, then ${repeat} timed training epochs`);
        return runLayerBench({ size: size as keyof typeof LAYER_BENCH_SIZES, repeat });
      }
      if (!(size in BENCH_SIZES) && !(size in STAGE_ONE_SIZES) && !(size in LIMITS_SIZES)) {
        throw new RangeError(
          `Cannot run bench: --size must be S0, S1, S2, U0, U1, U2, L0, L1 or M0: --size=${size}`,
        );
      }
      const backend = await backendFlag(f, "auto");
      if (size in LIMITS_SIZES) {
        const repeat = f.integer("repeat", 3, 100);
        progress("bench")(
          `${size} on ${backendLabel(backend)}: one untimed, then ${repeat} timed runs of each method`,
        );
        return runLimitsBench(backend, { size: size as keyof typeof LIMITS_SIZES, repeat });
      }
      if (size in STAGE_ONE_SIZES) {
        const repeat = f.integer("repeat", 3, 100);
        progress("bench")(
          `${size} on ${backendLabel(backend)}: one untimed, then ${repeat} timed Stage-I steps`,
        );
        return runStageOneBench(backend, { size: size as keyof typeof STAGE_ONE_SIZES, repeat });
      }
      const repeat = f.integer("repeat", 5, 1000);
      if (size !== "S0") {
        progress("bench")(`${size} on ${backendLabel(backend)}: warm-up, then ${repeat} timed steps`);
      }
      return runBench(backend, { size: size as keyof typeof BENCH_SIZES, repeat });
    },
  },
  uhop: {
    summary:
      "U-Hop Stage I (Wu et al. 2024) on the memories in FILE: {backend, weights, loss_history, delta_min_before, delta_min_after}",
    flags: ["patterns", "epochs", "lr", "loss", "t", "tau", "seed", "optimiser", "backend"],
    async run(f) {
      const { backend, r } = await stageOne(f, "uhop", () => ({
        loss: lossKind(f),
        t: f.has("t") ? f.number("t") : undefined,
        tau: f.has("tau") ? f.number("tau") : undefined,
        lr: f.has("lr") ? f.number("lr") : undefined,
        optimiser: optimiserKind(f),
      }));
      return {
        backend: backendLabel(backend),
        weights: toRows(r.map.weights),
        loss_history: r.loss,
        delta_min_before: r.deltaMin[0],
        delta_min_after: r.deltaMin.at(-1),
      };
    },
  },
  "uhop-plus": {
    summary:
      "U-Hop+ (Hu et al. 2024, Algorithm 1) on the memories in FILE: Adam on the τ log-sum-exp separation loss of Φ(x) = Wx + b: {backend, weights, bias, loss_history, delta_min_history}",
    flags: ["patterns", "dim-phi", "tau", "epochs", "batch", "lr", "seed", "backend"],
    async run(f) {
      const { backend, r } = await stageOne(f, "uhop-plus", (patterns) => ({
        loss: "log-sum-exp",
        tau: f.number("tau", 0.1),
        optimiser: "adam",
        lr: f.number("lr", 0.1),
        batchSize: f.has("batch") ? f.integer("batch", 16, patterns.rows) : undefined,
        featureDim: f.integer("dim-phi", undefined, 100_000),
        bias: true,
        requireFullRank: false,
        initScale: Math.sqrt(2 / patterns.cols),
      }));
      return {
        backend: backendLabel(backend),
        weights: toRows(r.map.weights),
        bias: Array.from(r.map.bias!),
        loss_history: r.loss,
        delta_min_history: r.deltaMin,
      };
    },
  },
  layer: {
    summary: "evaluate a Hopfield, HopfieldPooling or HopfieldLayer from hflayers' options and state dict " +
      '({"layer", "options", "state_dict", "input"} in FILE, batch-first arrays), in evaluation mode: ' +
      "{output, association} (association B × heads × L × S, before dropout)",
    flags: ["spec"],
    run(f) {
      const path = f.string("spec");
      let text: string;
      try {
        text = Deno.readTextFileSync(path);
      } catch (e) {
        throw new RangeError(`Cannot read --spec: ${path}: ${(e as Error).message}`);
      }
      let spec: LayerSpec;
      try {
        spec = JSON.parse(text);
      } catch (e) {
        throw new RangeError(`Cannot read --spec: ${path} is not JSON: ${(e as Error).message}`);
      }
      return runLayerSpec(spec);
    },
  },
  metastable: {
    summary:
      "sizes ‖p‖ of the probability vectors after --steps updates from each query (U-Hop+'s Table 1), as fractions: {map, steps, queries, fractions}",
    flags: ["patterns", "queries", "beta", "map", "alpha", "steps", "weights", "bias", "backend"],
    async run(f) {
      const patterns = readRows(f.string("patterns"), "patterns");
      const queries = readRows(f.string("queries"), "queries");
      const map = mapKind(f, "map");
      if (map === "entmax") {
        throw new RangeError(
          "Cannot run metastable: --map entmax (any α) is not counted here; use softmax, entmax15 or sparsemax",
        );
      }
      const featureMap = f.has("weights")
        ? linearFeatureMap(readRows(f.string("weights"), "weights"), {
          bias: f.has("bias") ? f.numbers("bias") : undefined,
          requireFullRank: false,
        })
        : undefined;
      if (!featureMap && f.has("bias")) {
        throw new RangeError("Cannot run metastable: --bias applies only with --weights");
      }
      const steps = f.integer("steps", 5, 100_000);
      const sizes = await metastableSizes(patterns, queries, {
        map,
        beta: f.number("beta"),
        steps,
        featureMap,
        backend: await backendFlag(f, "auto"),
      });
      const fractions = sizeDistribution(sizes);
      return {
        map,
        steps,
        queries: queries.rows,
        fractions: Object.fromEntries(SUPPORT_BINS.map((bin, i) => [bin, fractions[i]])),
      };
    },
  },
  "separation-loss": {
    summary:
      "U-Hop's separation loss of the memories' normalised features Φ(ξ)/‖Φ(ξ)‖, Φ(x) = Wx, and its gradient in W: {loss, gradient}",
    flags: ["patterns", "weights", "loss", "t", "tau", "backend"],
    async run(f) {
      const patterns = readRows(f.string("patterns"), "patterns");
      const map = linearFeatureMap(readRows(f.string("weights"), "weights"));
      const r = await separationLoss(map, patterns, {
        loss: lossKind(f),
        t: f.has("t") ? f.number("t") : undefined,
        tau: f.has("tau") ? f.number("tau") : undefined,
        backend: await backendFlag(f, "cpu", "f64"),
      });
      const g = r.weights;
      return {
        loss: r.loss,
        gradient: Array.from(
          { length: g.rows },
          (_, i) => Array.from(g.data.subarray(i * g.cols, (i + 1) * g.cols)),
        ),
      };
    },
  },
  phase: {
    summary:
      "phase thresholds of N equidistant patterns (Koulischer et al. 2023): {K_sn, K_t, K_spin, beta_sn, beta_t, beta_spin, beta_c}",
    flags: ["n", "radius", "cos"],
    run(f) {
      const n = f.number("n");
      const t = phaseThresholds(n, {
        radius: f.number("radius", 1),
        cosine: f.has("cos") ? f.number("cos") : undefined,
      });
      const { K_sn, K_t, K_spin, beta_sn, beta_t, beta_spin, beta_c } = t;
      return { K_sn, K_t, K_spin, beta_sn, beta_t, beta_spin, beta_c };
    },
  },
  capacity: {
    summary:
      "empirical capacity of one model at dimension d (protocols of notebook 02): {model, d, capacity, low, high, censored, monotone, evaluations}",
    flags: [
      "model",
      "d",
      "n-max",
      "trials",
      "queries",
      "samples",
      "max-effort",
      "seed",
      "beta",
      "K",
      "backend",
    ],
    async run(f) {
      const model = f.string("model");
      if (!(CAPACITY_MODELS as readonly string[]).includes(model)) {
        throw new RangeError(
          `Cannot run capacity: --model must be one of ${CAPACITY_MODELS.join(", ")}: --model=${model}`,
        );
      }
      if (model !== "modern" && model !== "modern-stored") {
        for (const flag of ["beta", "K", "backend"]) {
          if (f.has(flag)) {
            throw new RangeError(
              `Cannot run capacity: --${flag} applies only to --model modern or modern-stored (the ${model} network has no ${flag}): ` +
                `--${flag}=${f.string(flag)}`,
            );
          }
        }
      }
      if (model === "modern-stored" && f.has("queries")) {
        throw new RangeError(
          `Cannot run capacity: --queries does not apply to --model modern-stored (its samples are pattern sets, ` +
            `--samples): --queries=${f.string("queries")}`,
        );
      }
      const d = f.integer("d");
      const protocol = capacityProtocol(model as CapacityModelName, d, {
        trials: f.integer("trials", 3, 10_000),
        queries: f.integer("queries", 50, 100_000),
        samples: f.has("samples") || model === "modern-stored"
          ? f.integer("samples", 20, 100_000)
          : undefined,
        seed: f.integer("seed", 1),
        beta: f.has("beta") ? f.number("beta") : undefined,
        K: f.has("K") ? f.number("K") : undefined,
        backend: model === "modern"
          ? await backendFlag(f, "auto")
          : model === "modern-stored"
          ? await backendFlag(f, "auto", "f64")
          : undefined,
      });
      const r = await capacitySearch(protocol, {
        nMax: f.integer("n-max", 65536),
        maxEffort: f.integer("max-effort", 4, 1024),
      });
      return { model, d, ...r };
    },
  },
  code: {
    summary:
      "a spherical code of N points on S^{d−1} with a large minimal angle: {min_angle_deg, delta_min, imbalance, restarts, points} (imbalance absent when the budget ran out first)",
    flags: ["dim", "points", "seed", "restarts", "patience", "time-budget-s"],
    run(f) {
      const log = progress("code");
      const code = optimiseCode(f.integer("dim"), f.integer("points"), {
        seed: f.integer("seed", 1),
        restarts: f.has("restarts") ? f.integer("restarts") : undefined,
        patience: f.has("patience") ? f.integer("patience") : undefined,
        timeBudgetMs: 1000 * f.number("time-budget-s", 60),
        onProgress: (i) => log.tick(`restart ${i.restart + 1}: best ${i.best.toFixed(7)}°`),
      });
      return {
        min_angle_deg: code.degrees,
        delta_min: code.deltaMin,
        imbalance: code.imbalance,
        restarts: code.restarts,
        points: toRows(code.points),
      };
    },
  },
  "code-bounds": {
    summary:
      "bounds on the size of a code in dimension d with minimal angle θ: {cap_measure, csw_lower, cap_packing_upper, rankin_upper, levenshtein_upper, kl_rate, csw_rate}",
    flags: ["dim", "angle-deg"],
    async run(f) {
      const d = f.integer("dim"), deg = f.number("angle-deg");
      if (!(deg > 0 && deg <= 180)) {
        throw new RangeError(`Cannot run code-bounds: --angle-deg must be in (0, 180]: --angle-deg=${deg}`);
      }
      const t = (deg * Math.PI) / 180;
      if (Math.cos(t) >= 1) {
        throw new RangeError(
          `Cannot run code-bounds: --angle-deg is too small: cos θ rounds to 1 in double precision: --angle-deg=${deg}`,
        );
      }
      const { capMeasure, capPackingUpper, cswLower, cswRate, klRate, levenshtein, rankinUpper } =
        await bounds();
      return {
        cap_measure: capMeasure(d, t),
        csw_lower: cswLower(d, t),
        cap_packing_upper: capPackingUpper(d, t),
        rankin_upper: rankinUpper(d, t),
        levenshtein_upper: deg === 180 ? 2 : levenshtein(d, Math.cos(t)),
        kl_rate: klRate(t),
        csw_rate: cswRate(t),
      };
    },
  },
  "separation-bounds": {
    summary:
      "Proposition 3.1 of Hu et al. 2024, bounds on the optimal Δ_min of M points on S^{d−1}: {lower, upper}",
    flags: ["dim", "points"],
    run: async (f) => (await bounds()).separationBounds(f.integer("dim"), f.integer("points")),
  },
  "storage-bound": {
    summary: "Ramsauer et al. 2020 Theorem 3: {a, b, c, c_corollary, n_lower, c_required, valid}",
    flags: ["beta", "K", "d", "p"],
    run: (f) =>
      storageBound({ beta: f.number("beta"), K: f.number("K"), d: f.number("d"), p: f.number("p") }),
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) =>
    `  ${name.padEnd(16)} ${c.summary}\n${" ".repeat(19)}flags: ${c.flags.map((x) => "--" + x).join(" ")}`
  );
  return `usage: deno task hop <command> [--flag value | --flag=value …]\n\ncommands:\n${lines.join("\n")}\n`;
}

/**
 * The result as JSON, refusing any number JSON cannot hold (NaN and ±Infinity, which `JSON.stringify` would print
 * as `null`): the error names the field and the command line that led to it.
 */
export function toJson(result: unknown, command: string, argv: string[]): string {
  return JSON.stringify(result, function (this: unknown, key: string, value: unknown) {
    if (typeof value === "number" && !Number.isFinite(value)) {
      const where = Array.isArray(this) ? `an entry [${key}]` : key || "the result";
      throw new RangeError(
        `Cannot print ${command}: ${where} is ${value}, beyond the double range, for ${
          argv.slice(1).join(" ")
        }`,
      );
    }
    return value;
  });
}

/** Runs one command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const name = args.positional[0];
  if (!name || name === "help" || args.flags.has("help")) {
    (name ? console.log : console.error)(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Cannot run: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const stray = args.positional.slice(1);
  if (stray.length > 0) {
    const hint = stray[0].startsWith("-") ? ` (flags take two dashes: -${stray[0]})` : "";
    console.error(`Cannot run ${name}: unexpected argument ${stray[0]}${hint}`);
    return 2;
  }
  try {
    const result = await command.run(new Flags(args, name, command.flags));
    console.log(toJson(result, name, argv));
    return 0;
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
