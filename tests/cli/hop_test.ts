import assert from "node:assert/strict";
import { parseArgs } from "../../lib/cli/args.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function hop(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return await hopWith({}, ...args);
}

/** Runs `hop` with extra environment variables. */
async function hopWith(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}lib/cli/hop.ts`, ...args],
    cwd: ROOT,
    env,
  }).output();
  return { code: r.code, out: new TextDecoder().decode(r.stdout), err: new TextDecoder().decode(r.stderr) };
}

/** `hop args` exits non-zero with `message` on stderr. */
async function assertFails(args: string[], message: RegExp): Promise<void> {
  const e = await hop(...args);
  assert.notEqual(e.code, 0, args.join(" "));
  assert.match(e.err, message);
}

async function tmpJson(value: unknown): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

Deno.test("parseArgs() takes --flag value, --flag=value and negative numbers", () => {
  const a = parseArgs(["x", "--beta", "-1.5", "--scores=-2,0", "--on"]);
  assert.deepEqual([...a.flags], [["beta", "-1.5"], ["scores", "-2,0"], ["on", null]]);
  assert.throws(() => parseArgs(["--a", "1", "--a", "2"]), /given twice/);
});

Deno.test("hop map prints the entmax reference example", async () => {
  const e = await hop("map", "--kind", "entmax15", "--scores=-2,0,0.5");
  const p = JSON.parse(e.out).probabilities;
  assert.equal(p[0], 0);
  assert.ok(Math.abs(p[1] - 0.326) < 1e-4 && Math.abs(p[2] - 0.674) < 1e-4);
  assert.deepEqual(
    JSON.parse((await hop("map", "--kind=sparsemax", "--scores=-2,0,0.5")).out).probabilities,
    [0, 0.25, 0.75],
  );
});

Deno.test("hop storage-bound prints c = 3.1546…", async () => {
  const r = JSON.parse(
    (await hop("storage-bound", "--beta", "1", "--K", "3", "--d", "20", "--p", "0.001")).out,
  );
  assert.equal(r.c.toFixed(4), "3.1546");
  assert.deepEqual(Object.keys(r).slice(0, 5), ["a", "b", "c", "c_corollary", "n_lower"]);
});

Deno.test("hop retrieve --max-steps 1 is exactly one update", async () => {
  const patterns = await tmpJson([[1, 0], [0, 1]]), queries = await tmpJson([[0.9, 0.1]]);
  const r = JSON.parse(
    (await hop("retrieve", "--patterns", patterns, "--queries", queries, "--beta", "5", "--max-steps", "1"))
      .out,
  );
  assert.deepEqual(r.steps, [1]);
  const p0 = 1 / (1 + Math.exp(-5 * 0.8));
  assert.ok(Math.abs(r.states[0][0] - p0) < 1e-12);
  assert.equal(r.energies[0].length, 2);
});

Deno.test("hop retrieve fails with a clear message on NaN patterns, negative beta and mismatched dimensions", async () => {
  const good = await tmpJson([[1, 0], [0, 1]]), q = await tmpJson([[0.9, 0.1]]);
  const cases: [string[], RegExp][] = [
    [["--patterns", await tmpJson("[[1, NaN]]"), "--queries", q, "--beta", "1"], /found NaN/],
    [["--patterns", await tmpJson([[1, null]]), "--queries", q, "--beta", "1"], /not a number: null/],
    [["--patterns", good, "--queries", q, "--beta", "-1"], /beta=-1/],
    [["--patterns", good, "--queries", await tmpJson([[1, 2, 3]]), "--beta", "1"], /query=3, patterns=2/],
    [["--patterns", good, "--queries", q], /missing flag --beta/],
    [["--patterns", good, "--queries", q, "--beta", "1", "--bogus", "2"], /unknown flag --bogus/],
  ];
  for (const [args, message] of cases) {
    const r = await hop("retrieve", ...args);
    assert.notEqual(r.code, 0);
    assert.match(r.err, message);
    assert.equal(r.out, "");
  }
  assert.equal((await hop("nope")).code, 2);
});

Deno.test("HOPFIELD_BACKEND=cpu, blas and webgpu make hop retrieve print the same states within 1e-4", async () => {
  const prng = (s: number) => () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
  const r = prng(7);
  const X = Array.from({ length: 30 }, () => Array.from({ length: 6 }, r));
  const patterns = await tmpJson(X),
    queries = await tmpJson(X.slice(0, 4).map((x) => x.map((v) => v + 0.05)));
  const states: Record<string, number[][]> = {};
  for (const backend of ["cpu", "blas", "webgpu"]) {
    const out = await hopWith(
      { HOPFIELD_BACKEND: backend },
      "retrieve",
      "--patterns",
      patterns,
      "--queries",
      queries,
      "--beta",
      "8",
    );
    assert.equal(out.code, 0, out.err);
    const json = JSON.parse(out.out);
    assert.match(json.backend, new RegExp(`^${backend}`));
    states[backend] = json.states;
  }
  for (const backend of ["blas", "webgpu"]) {
    states[backend].flat().forEach((v, i) => {
      assert.ok(
        Math.abs(v - states.cpu.flat()[i]) < 1e-4,
        `${backend} entry ${i}: ${v} vs ${states.cpu.flat()[i]}`,
      );
    });
  }
});

Deno.test("hop phase --n 10 prints the thresholds; bad N, radius and cosine fail with the flag named", async () => {
  const r = JSON.parse((await hop("phase", "--n", "10")).out);
  assert.deepEqual(Object.keys(r), ["K_sn", "K_t", "K_spin", "beta_sn", "beta_t", "beta_spin", "beta_c"]);
  assert.equal(r.beta_spin, 9);
  assert.ok(Math.abs(r.beta_sn - 4.1038) < 1e-4 && r.beta_c === r.beta_t);
  await assertFails(["phase", "--n", "1"], /N=1/);
  await assertFails(["phase", "--n", "2.5"], /N=2.5/);
  await assertFails(["phase", "--n", "5", "--radius", "0"], /radius=0/);
  await assertFails(["phase", "--n", "5", "--cos=-0.5"], /cosine=-0.5/);
});

Deno.test("with no BLAS library and no GPU, hop falls back to cpu and says so once", async () => {
  const patterns = await tmpJson([[1, 0], [0, 1]]), queries = await tmpJson([[0.9, 0.1], [0.2, 0.8]]);
  const out = await hopWith(
    { HOPFIELD_BLAS: "/nonexistent/libblas.so" },
    "retrieve",
    "--patterns",
    patterns,
    "--queries",
    queries,
    "--beta",
    "4",
    "--backend",
    "auto",
  );
  assert.equal(out.code, 0);
  assert.match(JSON.parse(out.out).backend, /^cpu/);
  const err = out.err;
  assert.equal(err.match(/using the cpu backend/g)?.length, 1, err);
});

Deno.test("hop capacity prints a capacity search; unknown models fail with the flag named", async () => {
  const r = JSON.parse(
    (await hop(
      "capacity",
      "--model",
      "classical",
      "--d",
      "40",
      "--trials",
      "1",
      "--queries",
      "10",
      "--n-max",
      "64",
    )).out,
  );
  assert.equal(r.model, "classical");
  assert.ok(r.capacity >= 1 && r.capacity < 40 && r.evaluations.length > 2);
  assert.ok(r.low <= r.capacity && r.capacity <= r.high && typeof r.monotone === "boolean");
  // Theorem 3's event: a sample is a pattern set
  const stored = JSON.parse(
    (await hop("capacity", "--model", "modern-stored", "--d", "8", "--samples", "3", "--n-max", "8")).out,
  );
  assert.ok(stored.evaluations.every((e: { samples: number }) => e.samples === 3), JSON.stringify(stored));
  await assertFails(
    ["capacity", "--model", "modern-stored", "--d", "8", "--queries", "5"],
    /--queries does not apply to --model modern-stored/,
  );
  await assertFails(["capacity", "--model", "classical", "--d", "20", "--samples", "0"], /samples=0/);
  await assertFails(["capacity", "--model", "hebb", "--d", "40"], /--model=hebb/);
});

Deno.test("hop code returns the icosahedron's angle; code-bounds and separation-bounds print real-valued bounds", async () => {
  const ico = JSON.parse((await hop("code", "--dim", "3", "--points", "12", "--restarts", "8")).out);
  assert.ok(Math.abs(ico.min_angle_deg - 63.43494882292201) < 1e-9);
  assert.ok(ico.imbalance < 1e-13, `imbalance ${ico.imbalance}`); // its 30 edges' stresses balance
  assert.equal(ico.points.length, 12);
  const b = JSON.parse((await hop("code-bounds", "--dim", "3", "--angle-deg", "60")).out);
  assert.deepEqual(Object.keys(b), [
    "cap_measure",
    "csw_lower",
    "cap_packing_upper",
    "rankin_upper",
    "levenshtein_upper",
    "kl_rate",
    "csw_rate",
  ]);
  assert.ok(!Number.isInteger(b.levenshtein_upper) && b.levenshtein_upper > 13 && b.levenshtein_upper < 14);
  const s = JSON.parse((await hop("separation-bounds", "--dim", "3", "--points", "100")).out);
  assert.ok(Math.abs(s.lower - 2 / 300) < 1e-12 && Math.abs(s.upper - 0.4) < 1e-12);
  await assertFails(["code", "--dim", "1", "--points", "5"], /d=1/);
  await assertFails(["code", "--dim", "3", "--points", "1"], /M=1/);
  await assertFails(["code", "--dim", "3", "--points", "2.5"], /--points=2.5/);
  await assertFails(["code", "--dim", "3", "--points", "12", "--groups", "C2"], /unknown flag --groups/);
  await assertFails(["code-bounds", "--dim", "3", "--angle-deg", "0"], /--angle-deg=0/);
  await assertFails(["separation-bounds", "--dim", "1", "--points", "5"], /d=1/);
});

Deno.test("hop uhop trains W and hop separation-loss prints the loss and gradient of the library", async () => {
  const X = await tmpJson([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0.2, 1]]);
  const I = await tmpJson([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  const u = JSON.parse(
    (await hop("uhop", "--patterns", X, "--epochs", "4", "--lr", "0.5", "--seed", "3")).out,
  );
  assert.deepEqual(Object.keys(u), [
    "backend",
    "weights",
    "loss_history",
    "delta_min_before",
    "delta_min_after",
  ]);
  assert.equal(u.loss_history.length, 5);
  assert.ok(u.delta_min_after > u.delta_min_before);
  const W = await tmpJson(u.weights);
  const l = JSON.parse((await hop("separation-loss", "--patterns", X, "--weights", W)).out);
  assert.ok(Math.abs(l.loss - u.loss_history[4]) < 1e-12, `${l.loss} vs ${u.loss_history[4]}`);
  const avg = JSON.parse(
    (await hop("separation-loss", "--patterns", X, "--weights", I, "--loss", "average")).out,
  );
  assert.equal(avg.gradient.length, 3);
  assert.ok(avg.gradient.every((r: number[]) => r.length === 3 && r.every(Number.isFinite)));
  await assertFails([
    "separation-loss",
    "--patterns",
    X,
    "--weights",
    await tmpJson([[1, 2, 3], [2, 4, 6], [0, 0, 1]]),
  ], /rank 2/);
  await assertFails(["uhop", "--patterns", X, "--loss", "mean"], /--loss=mean/);
  await assertFails(["uhop", "--patterns", X, "--optimiser", "lbfgs"], /--optimiser=lbfgs/);
  await assertFails(
    ["separation-loss", "--patterns", X, "--weights", I, "--epochs", "3"],
    /unknown flag --epochs/,
  );
});

Deno.test("hop uhop-plus raises Δ_min with a bias and D_Φ < d; hop metastable prints size fractions that sum to 1", async () => {
  const X = await tmpJson([[1, 0.1, 0, 0], [0.9, 0.3, 0.1, 0], [0, 1, 0.2, 0], [0.1, 0.9, 0, 0.1], [
    0.2,
    0,
    1,
    0,
  ]]);
  const u = JSON.parse(
    (await hop("uhop-plus", "--patterns", X, "--dim-phi", "2", "--epochs", "50", "--tau", "0.05")).out,
  );
  assert.deepEqual(Object.keys(u), ["backend", "weights", "bias", "loss_history", "delta_min_history"]);
  assert.equal(u.weights.length, 2);
  assert.equal(u.bias.length, 2);
  assert.ok(u.delta_min_history[50] > u.delta_min_history[0]);
  const m = JSON.parse(
    (await hop(
      "metastable",
      "--patterns",
      X,
      "--queries",
      X,
      "--beta",
      "5",
      "--map",
      "softmax",
      "--weights",
      await tmpJson(u.weights),
      "--bias",
      u.bias.join(","),
    )).out,
  );
  const total = Object.values(m.fractions as Record<string, number>).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 1) < 1e-12);
  await assertFails(
    ["metastable", "--patterns", X, "--queries", X, "--beta", "5", "--bias", "1,2"],
    /--bias applies only with --weights/,
  );
  await assertFails([
    "metastable",
    "--patterns",
    X,
    "--queries",
    X,
    "--beta",
    "5",
    "--map",
    "entmax",
    "--alpha",
    "1.3",
  ], /--map entmax/);
  await assertFails(["uhop-plus", "--patterns", X, "--dim-phi", "2", "--t", "2"], /unknown flag --t/);
});

Deno.test("every command fed extreme values prints finite JSON or fails with a message naming its input — never null", async () => {
  const X = await tmpJson([[1e150, 0], [0, 1e150]]), Q = await tmpJson([[1e150, 1]]);
  const tiny = await tmpJson([[1e-300, 0], [0, 1e-300]]);
  const lines: string[][] = [
    ["map", "--scores", "2e10,1e10", "--beta", "1e300"],
    ["map", "--scores", "1e308,-1e308", "--beta", "1e-300"],
    ["map", "--kind", "entmax", "--alpha", "1.0000000000000002", "--scores", "1,2,3"],
    ["map", "--kind", "entmax", "--alpha", "1e300", "--scores", "1,2,3"],
    ["retrieve", "--patterns", X, "--queries", Q, "--beta", "1e300"],
    ["retrieve", "--patterns", tiny, "--queries", tiny, "--beta", "1e-300", "--max-steps", "3"],
    ["retrieve", "--patterns", X, "--queries", Q, "--beta", "1", "--backend", "webgpu"],
    ["storage-bound", "--beta", "1e300", "--K", "3", "--d", "20", "--p", "0.001"],
    ["storage-bound", "--beta", "1e-300", "--K", "1e-300", "--d", "20", "--p", "1e-300"],
    ["storage-bound", "--beta", "1", "--K", "3", "--d", "1000000000", "--p", "0.001"],
    ["phase", "--n", "10", "--radius", "1e-200"],
    ["phase", "--n", "10", "--radius", "1e200"],
    ["phase", "--n", "1000000000"],
    ["phase", "--n", "10", "--cos", "0.9999999999999999"],
    ["code-bounds", "--dim", "100000", "--angle-deg", "60"],
    ["code-bounds", "--dim", "3", "--angle-deg", "1e-300"],
    ["code-bounds", "--dim", "2", "--angle-deg", "180"],
    ["separation-bounds", "--dim", "1000000", "--points", "2"],
    ["separation-bounds", "--dim", "3", "--points", "1000000000000000"],
    ["code", "--dim", "3", "--points", "5", "--time-budget-s", "1e-300"],
    ["capacity", "--model", "modern", "--d", "8", "--beta", "1e300", "--n-max", "4", "--trials", "1"],
    ["bench", "--size", "S0", "--repeat", "1e300"],
    ["capacity", "--model", "classical", "--d", "20", "--trials", "1e300"],
    ["retrieve", "--patterns", X, "--queries", Q, "--beta", "1", "--max-steps", "1e300"],
    ["uhop", "--patterns", X, "--epochs", "3", "--lr", "1e300"],
    ["uhop", "--patterns", tiny, "--epochs", "2"],
    ["uhop", "--patterns", X, "--epochs", "1e300"],
    ["separation-loss", "--patterns", X, "--weights", X, "--t", "1e300"],
    ["separation-loss", "--patterns", tiny, "--weights", tiny],
    ["bench", "--size", "U0", "--repeat", "1e300"],
    ["uhop-plus", "--patterns", X, "--dim-phi", "1e300"],
    ["uhop-plus", "--patterns", tiny, "--dim-phi", "2", "--epochs", "2", "--tau", "1e-300"],
    ["metastable", "--patterns", X, "--queries", Q, "--beta", "1e300", "--map", "sparsemax"],
    ["metastable", "--patterns", tiny, "--queries", tiny, "--beta", "1e-300", "--steps", "1e300"],
    ["retrieve", "--patterns", X, "--queries", Q, "--beta", "1", "--method", "polynomial", "--degree", "2"],
    [
      "retrieve",
      "--patterns",
      tiny,
      "--queries",
      tiny,
      "--beta",
      "1",
      "--method",
      "random-features",
      "--features",
      "1e300",
    ],
    [
      "retrieve",
      "--patterns",
      X,
      "--queries",
      Q,
      "--beta",
      "1e-300",
      "--method",
      "random-features",
      "--features",
      "8",
    ],
    ["bench", "--size", "L0", "--repeat", "1e300"],
    ["bench", "--size", "M0", "--repeat", "1e300"],
  ];
  for (const line of lines) {
    const r = await hop(...line);
    assert.doesNotMatch(r.out, /null|NaN|Infinity/, `${line.join(" ")} printed ${r.out.slice(0, 200)}`);
    if (r.code === 0) {
      const finite = (v: unknown): boolean =>
        typeof v === "number"
          ? Number.isFinite(v)
          : typeof v === "object" && v !== null
          ? Object.values(v).every(finite)
          : true;
      assert.ok(finite(JSON.parse(r.out)), line.join(" "));
    } else {
      assert.match(r.err, /^Cannot /, `${line.join(" ")}: ${r.err}`);
      // The message names an input: a flag, a parameter or a value from the command line.
      const named = line.filter((t) => !t.startsWith("/")).some((t) => r.err.includes(t.replace(/^--/, "")));
      assert.ok(named, `${line.join(" ")}: ${r.err}`);
    }
  }
});

Deno.test("command-line mistakes are named: a flag without a value, stray or one-dash arguments, flags that do not apply, zero counts, ragged files, a bad HOPFIELD_BACKEND", async () => {
  await assertFails(["phase", "--n"], /--n needs a value/);
  await assertFails(["phase", "--n", "10", "extra"], /unexpected argument extra/);
  await assertFails(["phase", "-n", "10"], /flags take two dashes: --n/);
  await assertFails(
    ["capacity", "--model", "classical", "--d", "20", "--beta", "5"],
    /--beta applies only to --model modern/,
  );
  await assertFails(
    ["capacity", "--model", "power3", "--d", "12", "--K", "3"],
    /--K applies only to --model modern/,
  );
  await assertFails(["capacity", "--model", "classical", "--d", "20", "--trials", "0"], /trials=0/);
  await assertFails(["capacity", "--model", "classical", "--d", "20", "--queries", "0"], /queries=0/);
  const ragged = await tmpJson([[1, 2], [3]]);
  await assertFails(
    ["retrieve", "--patterns", ragged, "--queries", ragged, "--beta", "1"],
    new RegExp(`${ragged}.*row 1 has 1`),
  );
  const q = await tmpJson([[1, 0]]);
  const r = await hopWith(
    { HOPFIELD_BACKEND: "bogus" },
    "retrieve",
    "--patterns",
    q,
    "--queries",
    q,
    "--beta",
    "1",
  );
  assert.match(r.err, /HOPFIELD_BACKEND=bogus/);
  assert.doesNotMatch(r.err, /--backend/);
});

Deno.test("hop retrieve --method polynomial and random-features print the rank and states near the exact ones", async () => {
  const patterns = await tmpJson([[0.3, -0.2, 0.1], [-0.1, 0.4, 0.2], [0.2, 0.1, -0.3]]);
  const queries = await tmpJson([[0.25, -0.1, 0.05]]);
  const base = ["retrieve", "--patterns", patterns, "--queries", queries, "--beta", "1", "--max-steps", "2"];
  const exact = JSON.parse((await hop(...base)).out);
  const poly = JSON.parse((await hop(...base, "--method", "polynomial", "--degree", "6")).out);
  assert.deepEqual([poly.method, poly.rank], ["polynomial", 84]);
  poly.states[0].forEach((v: number, k: number) => assert.ok(Math.abs(v - exact.states[0][k]) < 1e-6));
  const rf = JSON.parse(
    (await hop(...base, "--method", "random-features", "--features", "2000", "--seed", "4")).out,
  );
  assert.deepEqual([rf.method, rf.rank], ["random-features", 2000]);
  await assertFails([...base, "--degree", "2"], /degree applies to method polynomial: method=exact/);
  await assertFails(
    [...base, "--method", "polynomial", "--degree", "2", "--features", "5"],
    /features applies to method random-features/,
  );
  await assertFails(
    [...base, "--method", "polynomial", "--degree", "2", "--map", "sparsemax"],
    /map must be softmax/,
  );
});

Deno.test("hop bench --size L0 prints exact and polynomial times, the speedup, the error, rank and degree", async () => {
  const r = JSON.parse((await hop("bench", "--size", "L0", "--repeat", "1", "--backend", "cpu")).out);
  assert.deepEqual(Object.keys(r), [
    "backend",
    "size",
    "exact_ms",
    "polynomial_ms",
    "speedup",
    "rel_error",
    "rank",
    "degree",
  ]);
  assert.deepEqual([r.size, r.rank, r.degree], ["L0", 153, 2]);
  assert.ok(r.rel_error < 1e-2 && r.speedup > 0);
});

Deno.test("hop layer --spec reproduces hflayers' output and names unknown options, wrong shapes and missing parameters", async () => {
  const fixture = JSON.parse(await Deno.readTextFile(`${ROOT}tests/layers/fixtures/hflayers_cases.json`));
  const c = fixture.cases[1];
  const spec = { layer: c.layer, options: c.options, state_dict: c.state_dict, input: c.input };
  const r = JSON.parse((await hop("layer", "--spec", await tmpJson(spec))).out);
  const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
  const want = flat(c.output);
  flat(r.output).forEach((v, k) => assert.ok(Math.abs(v - want[k]) < 1e-5));
  assert.deepEqual(flat(r.association).length, flat(c.association).length);
  const { ["association_core.out_proj.bias"]: _, ...missing } = c.state_dict;
  await assertFails(
    ["layer", "--spec", await tmpJson({ ...spec, state_dict: missing })],
    /missing parameter association_core.out_proj.bias/,
  );
  await assertFails(
    ["layer", "--spec", await tmpJson({ ...spec, options: { ...c.options, num_head: 2 } })],
    /unknown option num_head/,
  );
  await assertFails(
    [
      "layer",
      "--spec",
      await tmpJson({ ...spec, state_dict: { ...c.state_dict, "association_core.in_proj_bias": [1, 2] } }),
    ],
    /in_proj_bias must have 1 × 16 = 16 entries: found 2/,
  );
  await assertFails(
    ["layer", "--spec", await tmpJson({ ...spec, input: { ...c.input, state: [[[1, 2]]] } })],
    /state patterns of element 0 must have 4 columns|differ in batch size/,
  );
  await assertFails(["layer", "--spec", await tmpJson({ ...spec, layer: "Hopfeld" })], /layer=Hopfeld/);
  await assertFails([
    "layer",
    "--spec",
    await tmpJson({ ...spec, options: { ...c.options, association_activation: "gelu" } }),
  ], /association_activation|associationActivation=gelu/);
});
