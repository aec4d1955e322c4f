;; Online (streaming) softmax over a block of scores, 4 lanes at a time (WebAssembly SIMD).
;;
;; The block is `rows` rows of `stride` f32 scores (stride a multiple of 4; padding columns hold -inf).
;; For each row r it keeps the running maximum M[r] and the running normaliser L[r] of
;; softmax(beta * s) over all blocks seen so far, and writes
;;   s[r, j] <- 2^(k * (s[r, j] - M_new[r]))          with k = beta * log2(e),
;;   A[r]    <- 2^(k * (M_old[r] - M_new[r]))         (the factor that rescales earlier output rows),
;;   L[r]    <- A[r] * L[r] + sum_j s[r, j].
;; Source for the update: Milakov & Gimelshein 2018, "Online normalizer calculation for softmax".
;; 2^t = 2^r * p(t - r), r = round(t), p the degree-6 Taylor polynomial of 2^f on [-1/2, 1/2]
;; (relative error < 2e-7); arguments below -126 give exactly 0, so -inf scores give 0.
(module
  (memory (import "env" "memory") 1 65536 shared)

  ;; 2^t lane-wise. Adding 1.5 * 2^23 rounds t to the nearest integer r (the float's low mantissa bits then
  ;; hold r), so the exponent bits of 2^r are (bits(t + 1.5 * 2^23) - bits(1.5 * 2^23) + 127) << 23.
  (func $exp2 (param $t v128) (result v128)
    (local $y v128) (local $f v128) (local $p v128) (local $keep v128)
    (local.set $keep (f32x4.ge (local.get $t) (f32x4.splat (f32.const -126))))
    (local.set $t (f32x4.pmax (local.get $t) (f32x4.splat (f32.const -126))))
    (local.set $y (f32x4.add (local.get $t) (f32x4.splat (f32.const 12582912))))
    (local.set $f (f32x4.sub (local.get $t) (f32x4.sub (local.get $y) (f32x4.splat (f32.const 12582912)))))
    ;; Horner: c0 + f (c1 + f (c2 + f (c3 + f (c4 + f (c5 + f c6))))), c_i = ln(2)^i / i!
    (local.set $p (f32x4.splat (f32.const 1.5403530393381608e-4)))
    (local.set $p (f32x4.add (f32x4.splat (f32.const 1.3333558146428443e-3)) (f32x4.mul (local.get $f) (local.get $p))))
    (local.set $p (f32x4.add (f32x4.splat (f32.const 9.618129107628477e-3)) (f32x4.mul (local.get $f) (local.get $p))))
    (local.set $p (f32x4.add (f32x4.splat (f32.const 5.550410866482158e-2)) (f32x4.mul (local.get $f) (local.get $p))))
    (local.set $p (f32x4.add (f32x4.splat (f32.const 0.2402265069591007)) (f32x4.mul (local.get $f) (local.get $p))))
    (local.set $p (f32x4.add (f32x4.splat (f32.const 0.6931471805599453)) (f32x4.mul (local.get $f) (local.get $p))))
    (local.set $p (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $f) (local.get $p))))
    (v128.and
      (local.get $keep)
      (f32x4.mul
        (local.get $p)
        (i32x4.shl
          (i32x4.add (i32x4.sub (local.get $y) (i32x4.splat (i32.const 0x4B400000))) (i32x4.splat (i32.const 127)))
          (i32.const 23)))))

  ;; max over n floats at ptr (n a positive multiple of 4)
  (func $rowmax (param $ptr i32) (param $n i32) (result f32)
    (local $m v128) (local $end i32)
    (local.set $m (f32x4.splat (f32.const -inf)))
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $m (f32x4.pmax (local.get $m) (v128.load (local.get $ptr))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $next)))
    (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
      (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))

  ;; s <- 2^(k (s - m)) in place over n floats at ptr; returns the sum
  (func $expshift (param $ptr i32) (param $n i32) (param $k f32) (param $m f32) (result f32)
    (local $end i32) (local $e v128) (local $sum v128) (local $kv v128) (local $mv v128)
    (local $t v128) (local $y v128) (local $f v128) (local $p v128) (local $keep v128)
    (local $lo v128) (local $magic v128) (local $bias v128) (local $e127 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128) (local $c6 v128)
    (local.set $lo (f32x4.splat (f32.const -126)))
    (local.set $magic (f32x4.splat (f32.const 12582912)))
    (local.set $c6 (f32x4.splat (f32.const 1.5403530393381608e-4)))
    (local.set $c5 (f32x4.splat (f32.const 1.3333558146428443e-3)))
    (local.set $c4 (f32x4.splat (f32.const 9.618129107628477e-3)))
    (local.set $c3 (f32x4.splat (f32.const 5.550410866482158e-2)))
    (local.set $c2 (f32x4.splat (f32.const 0.2402265069591007)))
    (local.set $c1 (f32x4.splat (f32.const 0.6931471805599453)))
    (local.set $c0 (f32x4.splat (f32.const 1)))
    (local.set $bias (i32x4.splat (i32.const 0x4B400000)))
    (local.set $e127 (i32x4.splat (i32.const 127)))
    (local.set $kv (f32x4.splat (local.get $k)))
    (local.set $mv (f32x4.splat (local.get $m)))
    (local.set $sum (f32x4.splat (f32.const 0)))
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $t (f32x4.mul (f32x4.sub (v128.load (local.get $ptr)) (local.get $mv)) (local.get $kv)))
    (local.set $keep (f32x4.ge (local.get $t) (local.get $lo)))
        (local.set $t (f32x4.pmax (local.get $t) (local.get $lo)))
        (local.set $y (f32x4.add (local.get $t) (local.get $magic)))
        (local.set $f (f32x4.sub (local.get $t) (f32x4.sub (local.get $y) (local.get $magic))))
        ;; Horner: c0 + f (c1 + f (c2 + f (c3 + f (c4 + f (c5 + f c6))))), c_i = ln(2)^i / i!
        (local.set $p (local.get $c6))
        (local.set $p (f32x4.add (local.get $c5) (f32x4.mul (local.get $f) (local.get $p))))
        (local.set $p (f32x4.add (local.get $c4) (f32x4.mul (local.get $f) (local.get $p))))
        (local.set $p (f32x4.add (local.get $c3) (f32x4.mul (local.get $f) (local.get $p))))
        (local.set $p (f32x4.add (local.get $c2) (f32x4.mul (local.get $f) (local.get $p))))
        (local.set $p (f32x4.add (local.get $c1) (f32x4.mul (local.get $f) (local.get $p))))
        (local.set $p (f32x4.add (local.get $c0) (f32x4.mul (local.get $f) (local.get $p))))
        (v128.and
          (local.get $keep)
          (f32x4.mul
            (local.get $p)
            (i32x4.shl
              (i32x4.add (i32x4.sub (local.get $y) (local.get $bias)) (local.get $e127))
              (i32.const 23))))
        (local.set $e)
        (v128.store (local.get $ptr) (local.get $e))
        (local.set $sum (f32x4.add (local.get $sum) (local.get $e)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $next)))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum)))
      (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum)))))

  ;; one online-softmax pass over rows [r0, r1) of the block (see the header)
  (func (export "softmax_rows")
    (param $s i32) (param $r0 i32) (param $r1 i32) (param $stride i32) (param $k f32)
    (param $mp i32) (param $lp i32) (param $ap i32)
    (local $row i32) (local $mo f32) (local $mn f32) (local $alpha f32) (local $sum f32) (local $o i32)
    (local.set $row (local.get $r0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $row) (local.get $r1)))
        (local.set $o (i32.shl (local.get $row) (i32.const 2)))
        (local.set $mo (f32.load (i32.add (local.get $mp) (local.get $o))))
        (local.set $mn
          (f32.max (local.get $mo)
            (call $rowmax (i32.add (local.get $s) (i32.shl (i32.mul (local.get $row) (local.get $stride)) (i32.const 2)))
              (local.get $stride))))
        (if (f32.eq (local.get $mn) (f32.const -inf))
          (then
            ;; nothing finite yet: every exponential is 0 and the earlier output (all 0) needs no rescaling
            (local.set $alpha (f32.const 1))
            (local.set $mn (f32.const -inf)))
          (else
            (local.set $alpha
              (f32x4.extract_lane 0 (call $exp2 (f32x4.splat (f32.mul (f32.sub (local.get $mo) (local.get $mn)) (local.get $k))))))))
        (local.set $sum
          (if (result f32) (f32.eq (local.get $mn) (f32.const -inf))
            (then (call $zero (i32.add (local.get $s) (i32.shl (i32.mul (local.get $row) (local.get $stride)) (i32.const 2))) (local.get $stride)) (f32.const 0))
            (else (call $expshift (i32.add (local.get $s) (i32.shl (i32.mul (local.get $row) (local.get $stride)) (i32.const 2)))
              (local.get $stride) (local.get $k) (local.get $mn)))))
        (f32.store (i32.add (local.get $ap) (local.get $o)) (local.get $alpha))
        (f32.store (i32.add (local.get $mp) (local.get $o)) (local.get $mn))
        (f32.store (i32.add (local.get $lp) (local.get $o))
          (f32.add (f32.mul (local.get $alpha) (f32.load (i32.add (local.get $lp) (local.get $o)))) (local.get $sum)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $next))))

;; out[r, :] <- out[r, :] * g[r] over rows [0, rows) of a rows × cols block at o, where g[r] = f[r] (rescale
  ;; by alpha) or 1 / f[r] when invert is 1 (normalise by l); 4 lanes at a time, the last cols % 4 one by one.
  (func (export "scale_rows")
    (param $o i32) (param $rows i32) (param $cols i32) (param $f i32) (param $invert i32)
    (local $row i32) (local $g f32) (local $gv v128) (local $ptr i32) (local $end4 i32) (local $end i32)
    (local.set $ptr (local.get $o))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $g (f32.load (i32.add (local.get $f) (i32.shl (local.get $row) (i32.const 2)))))
        (if (local.get $invert) (then (local.set $g (f32.div (f32.const 1) (local.get $g)))))
        (local.set $gv (f32x4.splat (local.get $g)))
        (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $end4 (i32.add (local.get $ptr) (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2))))
        (block $tail
          (loop $lanes
            (br_if $tail (i32.ge_u (local.get $ptr) (local.get $end4)))
            (v128.store (local.get $ptr) (f32x4.mul (v128.load (local.get $ptr)) (local.get $gv)))
            (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
            (br $lanes)))
        (block $rest
          (loop $one
            (br_if $rest (i32.ge_u (local.get $ptr) (local.get $end)))
            (f32.store (local.get $ptr) (f32.mul (f32.load (local.get $ptr)) (local.get $g)))
            (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
            (br $one)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $next))))

  (func $zero (param $ptr i32) (param $n i32)
    (memory.fill (local.get $ptr) (i32.const 0) (i32.shl (local.get $n) (i32.const 2))))
)
