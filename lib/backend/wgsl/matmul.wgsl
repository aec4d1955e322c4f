// C = alpha · A · op(B) (+ C when accumulate = 1), row-major with strides and element offsets;
// op(B) = Bᵀ when trans_b = 1 (scores Q·Xᵀ), else B (probabilities · patterns).
// A is m × k, op(B) is k × n, C is m × n. 16 × 16 output tiles; the k loop walks 16-wide slabs of A and
// op(B) staged in workgroup memory, so each global value is read once per tile instead of 16 times.
struct Params {
  m: u32, n: u32, k: u32,
  lda: u32, ldb: u32, ldc: u32,
  a_off: u32, b_off: u32, c_off: u32,
  trans_b: u32, accumulate: u32, alpha: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;

const T: u32 = 16u;
var<workgroup> As: array<array<f32, 16>, 16>; // As[row][kk]
var<workgroup> Bs: array<array<f32, 16>, 16>; // Bs[kk][col]

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) l: vec3u, @builtin(workgroup_id) g: vec3u) {
  let row = g.y * T + l.y;
  let col = g.x * T + l.x;
  var acc = 0.0;
  for (var k0 = 0u; k0 < p.k; k0 += T) {
    let ka = k0 + l.x;
    var av = 0.0;
    if (row < p.m && ka < p.k) { av = A[p.a_off + row * p.lda + ka]; }
    As[l.y][l.x] = av;
    // Thread (l.y, l.x) stages op(B)[k0 + l.y, g.x·T + l.x].
    let kb = k0 + l.y;
    var bv = 0.0;
    if (kb < p.k && col < p.n) {
      if (p.trans_b == 1u) { bv = B[p.b_off + col * p.ldb + kb]; } else { bv = B[p.b_off + kb * p.ldb + col]; }
    }
    Bs[l.y][l.x] = bv;
    workgroupBarrier();
    for (var kk = 0u; kk < T; kk++) { acc += As[l.y][kk] * Bs[kk][l.x]; }
    workgroupBarrier();
  }
  if (row < p.m && col < p.n) {
    let i = p.c_off + row * p.ldc + col;
    var c = p.alpha * acc;
    if (p.accumulate == 1u) { c += C[i]; }
    C[i] = c;
  }
}
