// Row maps in place on a rows × cols block of scores s (row stride ld, element offset off), one workgroup
// per row, 256 threads reducing in workgroup memory. Scores are shifted by their row maximum m before they are
// scaled, so a large β cannot overflow the product into a false tie.
//   kind 0, softmax:  p = exp(β(s − m)) / Σ exp(β(s − m)); also lse[row] = m + ln Σ / β.
//   kind 1, α-entmax (sparsemax α = 2, entmax15 α = 1.5): z = (α − 1) β (s − m), p = [z − τ]₊^{1/(α−1)} with τ
//     found by bisection on [−1, 0] (Peters et al. 2019, Alg. 1), then renormalised.
// −∞ scores give p = 0; a row with no finite score gives NaN (the host rejects such input first).
struct Params { rows: u32, cols: u32, ld: u32, off: u32, kind: u32, iters: u32, beta: f32, alpha: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> S: array<f32>;
@group(0) @binding(2) var<storage, read_write> lse: array<f32>;

// Threads per row. A constant, not an `override`: workgroup arrays sized by an override constant produced
// wrong results on wgpu/lavapipe (Deno 2.9.6), so the size lives here and in @workgroup_size below.
const W: u32 = 256u;
var<workgroup> red: array<f32, 256>;

fn reduce_max(v: f32, t: u32) -> f32 {
  red[t] = v;
  workgroupBarrier();
  for (var s = W / 2u; s > 0u; s >>= 1u) {
    if (t < s) { red[t] = max(red[t], red[t + s]); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

fn reduce_sum(v: f32, t: u32) -> f32 {
  red[t] = v;
  workgroupBarrier();
  for (var s = W / 2u; s > 0u; s >>= 1u) {
    if (t < s) { red[t] = red[t] + red[t + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

// scale · (v − m), exactly 0 at the maximum (so that an infinite scale cannot make 0 · ∞)
fn shifted(v: f32, m: f32, scale: f32) -> f32 {
  let d = v - m;
  return select(scale * d, 0.0, d == 0.0);
}

// [z − τ]₊^{1/(α−1)}, with the α = 2 (sparsemax) case exact
fn entry(z: f32, tau: f32) -> f32 {
  let u = max(z - tau, 0.0);
  if (p.alpha == 2.0) { return u; }
  if (u == 0.0) { return 0.0; }
  return pow(u, 1.0 / (p.alpha - 1.0));
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) l: vec3u, @builtin(workgroup_id) g: vec3u) {
  let row = g.x;
  let t = l.x;
  if (row >= p.rows) { return; } // uniform per workgroup
  let base = p.off + row * p.ld;
  let scale = select(p.beta, (p.alpha - 1.0) * p.beta, p.kind == 1u);
  var m = -3.4028235e38;
  for (var j = t; j < p.cols; j += W) { m = max(m, S[base + j]); }
  m = reduce_max(m, t);
  if (p.kind == 0u) {
    var s = 0.0;
    for (var j = t; j < p.cols; j += W) {
      let e = exp(shifted(S[base + j], m, scale));
      S[base + j] = e;
      s += e;
    }
    s = reduce_sum(s, t);
    for (var j = t; j < p.cols; j += W) { S[base + j] = S[base + j] / s; }
    if (t == 0u) { lse[row] = m + log(s) / p.beta; }
    return;
  }
  var lo = -1.0;
  var hi = 0.0;
  for (var it = 0u; it < p.iters; it++) {
    let tau = 0.5 * (lo + hi);
    var s = 0.0;
    for (var j = t; j < p.cols; j += W) { s += entry(shifted(S[base + j], m, scale), tau); }
    s = reduce_sum(s, t);
    if (s > 1.0) { lo = tau; } else { hi = tau; }
  }
  let tau = 0.5 * (lo + hi);
  var s = 0.0;
  for (var j = t; j < p.cols; j += W) {
    let e = entry(shifted(S[base + j], m, scale), tau);
    S[base + j] = e;
    s += e;
  }
  s = reduce_sum(s, t);
  for (var j = t; j < p.cols; j += W) { S[base + j] = S[base + j] / s; }
}
