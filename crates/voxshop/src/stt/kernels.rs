//! Hand-written CPU kernels for the work that costs the speech model most after its matrix
//! multiplies: GELU, softmax and single-query attention. candle evaluates GELU and softmax
//! with scalar libm `erf`/`exp` calls and attention as a chain of tensor ops; these use
//! branch-free approximations (Numerical Recipes' `erfcc`, Cephes' `exp`) that LLVM
//! vectorises to the machine's SIMD width, within ~1e-6 relative of the exact functions (see
//! the tests). Other devices and dtypes go to candle's own ops.

use candle_core::{CpuStorage, CustomOp1, DType, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

/// Below this many values a kernel runs on the calling thread: waking the pool costs more.
const PARALLEL_MIN: usize = 1 << 15;

/// Exact (erf) GELU, as Whisper was trained with.
pub fn gelu_erf(x: &Tensor) -> Result<Tensor> {
    if !fast_path(x) {
        return x.gelu_erf();
    }
    x.contiguous()?.apply_op1_no_bwd(&GeluErf)
}

/// Softmax over the last dimension.
pub fn softmax_last_dim(x: &Tensor) -> Result<Tensor> {
    if !fast_path(x) {
        return candle_nn::ops::softmax_last_dim(x);
    }
    x.contiguous()?.apply_op1_no_bwd(&Softmax)
}

fn fast_path(x: &Tensor) -> bool {
    x.device().is_cpu() && x.dtype() == DType::F32
}

fn contiguous_f32<'a>(storage: &'a CpuStorage, layout: &Layout) -> Result<&'a [f32]> {
    let CpuStorage::F32(data) = storage else {
        candle_core::bail!("expected f32 storage");
    };
    match layout.contiguous_offsets() {
        Some((from, to)) => Ok(&data[from..to]),
        None => candle_core::bail!("expected a contiguous tensor"),
    }
}

/// Applies `f` to `src` chunk by chunk (whole rows of `row` values), in parallel when large.
fn map_rows(src: &[f32], row: usize, f: impl Fn(&[f32], &mut [f32]) + Sync) -> Vec<f32> {
    let mut dst = vec![0f32; src.len()];
    if src.len() < PARALLEL_MIN {
        src.chunks(row)
            .zip(dst.chunks_mut(row))
            .for_each(|(s, d)| f(s, d));
    } else {
        // Chunks of whole rows, about 4k values each: enough work per task to hide rayon.
        let rows_per_chunk = (4096 / row).max(1);
        src.par_chunks(row * rows_per_chunk)
            .zip(dst.par_chunks_mut(row * rows_per_chunk))
            .for_each(|(s, d)| {
                s.chunks(row)
                    .zip(d.chunks_mut(row))
                    .for_each(|(s, d)| f(s, d))
            });
    }
    dst
}

struct GeluErf;

impl CustomOp1 for GeluErf {
    fn name(&self) -> &'static str {
        "voxshop-gelu-erf"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let src = contiguous_f32(storage, layout)?;
        let dst = map_rows(src, 1024, |s, d| {
            for (d, &x) in d.iter_mut().zip(s) {
                *d = 0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2));
            }
        });
        Ok((CpuStorage::F32(dst), layout.shape().clone()))
    }
}

struct Softmax;

impl CustomOp1 for Softmax {
    fn name(&self) -> &'static str {
        "voxshop-softmax"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let src = contiguous_f32(storage, layout)?;
        let row = layout.shape().dims().last().copied().unwrap_or(1).max(1);
        let dst = map_rows(src, row, |s, d| {
            d.copy_from_slice(s);
            softmax_in_place(d);
        });
        Ok((CpuStorage::F32(dst), layout.shape().clone()))
    }
}

/// Attention of queries `q` `[1, heads, n, d]` over the keys/values of every segment
/// `(k, v, bias)` (`[1, heads, t, d]`, any strides with unit stride on `d`, as the KV cache
/// hands them out), `bias` added to that segment's scores; one softmax spans all segments.
/// With `causal`, the queries are the last `n` positions of each segment and see no key after
/// their own. Returns `[1, n, heads * d]`, or `None` where the fast path does not apply.
/// One pass per query and head instead of candle's ten tensor ops (two of them batched GEMMs
/// for a single row), and the padding memory is read in place instead of concatenated.
pub fn attend(
    q: &Tensor,
    segments: &[(Tensor, Tensor, f32)],
    causal: bool,
) -> Result<Option<Tensor>> {
    if !fast_path(q)
        || segments
            .iter()
            .any(|(k, v, _)| !fast_path(k) || !fast_path(v))
    {
        return Ok(None);
    }
    let (one, heads, n, d) = q.dims4()?;
    for (k, v, _) in segments {
        let t = k.dim(2)?;
        if one != 1 || k.dims4()? != (1, heads, t, d) || v.dims4()? != (1, heads, t, d) {
            return Ok(None);
        }
        if causal && t < n {
            candle_core::bail!("causal attention of {n} queries over {t} keys");
        }
    }
    let q = q.contiguous()?;
    let q_guard = q.storage_and_layout();
    let guards: Vec<_> = segments
        .iter()
        .map(|(k, v, bias)| (k.storage_and_layout(), v.storage_and_layout(), *bias))
        .collect();
    let Some(qs) = Heads::of(&q_guard.0, q_guard.1) else {
        return Ok(None);
    };
    let mut views = Vec::with_capacity(guards.len());
    for ((ks, kl), (vs, vl), bias) in &guards {
        match (Heads::of(ks, kl), Heads::of(vs, vl)) {
            (Some(k), Some(v)) => views.push((k, v, *bias, kl.dims()[2])),
            _ => return Ok(None),
        }
    }
    let total: usize = views.iter().map(|v| v.3).sum();
    let scale = (d as f32).powf(-0.5);
    // Output row j * heads + h: query j, head h, as `[1, n, heads * d]` lays them out.
    let mut out = vec![0f32; n * heads * d];
    let head = |row: usize, out: &mut [f32]| {
        let (j, h) = (row / heads, row % heads);
        let q = qs.row(h, j, d);
        let visible = |t: usize| if causal { t + 1 + j - n } else { t };
        let mut scores = Vec::with_capacity(total);
        for (k, _, bias, t) in &views {
            scores.extend((0..visible(*t)).map(|i| dot(q, k.row(h, i, d)) * scale + bias));
        }
        softmax_in_place(&mut scores);
        let mut p = scores.iter();
        for (_, v, _, t) in &views {
            for (i, &p) in (0..visible(*t)).zip(&mut p) {
                for (o, &x) in out.iter_mut().zip(v.row(h, i, d)) {
                    *o += p * x;
                }
            }
        }
    };
    if n * heads * total * d < PARALLEL_MIN {
        out.chunks_mut(d)
            .enumerate()
            .for_each(|(row, o)| head(row, o));
    } else {
        // Reading the keys/values is the cost: both cores' caches and memory paths help.
        // candle's pool, whose workers are awake between a decoder step's operations.
        let outs: Vec<_> = out.chunks_mut(d).map(std::sync::Mutex::new).collect();
        candle_core::utils::barrier_pool().execute_chunked(outs.len(), |range| {
            for row in range {
                let mut o = outs[row].lock().unwrap_or_else(|e| e.into_inner());
                head(row, &mut o);
            }
        });
    }
    drop((guards, q_guard));
    Ok(Some(Tensor::from_vec(out, (1, n, heads * d), q.device())?))
}

/// The largest value of `xs` (NEG_INFINITY when empty), vectorised.
pub fn max(xs: &[f32]) -> f32 {
    reduce(xs, f32::NEG_INFINITY, f32::max)
}

/// ln Σ e^(x - shift) over `xs`: the normaliser of a log-softmax (the decoder's 51 864 logits
/// per token, where libm's scalar `exp` took 0.25 ms).
pub fn log_sum_exp(xs: &[f32], shift: f32) -> f32 {
    reduce_map(xs, 0.0, |x| exp(x - shift), |a, b| a + b).ln()
}

/// Softmax of one row, in place.
fn softmax_in_place(xs: &mut [f32]) {
    let top = max(xs);
    xs.iter_mut().for_each(|x| *x = exp(*x - top));
    let inv = 1.0 / reduce(xs, 0.0, |a, b| a + b);
    xs.iter_mut().for_each(|x| *x *= inv);
}

/// Read access to a `[1, heads, t, d]` f32 CPU tensor with unit stride on `d`.
struct Heads<'a> {
    data: &'a [f32],
    start: usize,
    head_stride: usize,
    row_stride: usize,
}

impl<'a> Heads<'a> {
    fn of(storage: &'a candle_core::Storage, layout: &Layout) -> Option<Self> {
        let stride = layout.stride();
        match storage {
            candle_core::Storage::Cpu(CpuStorage::F32(data))
                if stride.len() == 4 && stride[3] == 1 =>
            {
                Some(Self {
                    data,
                    start: layout.start_offset(),
                    head_stride: stride[1],
                    row_stride: stride[2],
                })
            }
            _ => None,
        }
    }

    #[inline(always)]
    fn row(&self, h: usize, i: usize, d: usize) -> &'a [f32] {
        let at = self.start + h * self.head_stride + i * self.row_stride;
        &self.data[at..at + d]
    }
}

#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 16];
    let mut ca = a.chunks_exact(16);
    let mut cb = b.chunks_exact(16);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for l in 0..16 {
            lanes[l] += x[l] * y[l];
        }
    }
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    lanes.iter().sum::<f32>() + tail
}

/// Folds `xs` with `f` over 16 interleaved lanes: a strict left-to-right float fold cannot be
/// vectorised, and the reordering is harmless for a max or a sum of positive values.
#[inline(always)]
fn reduce(xs: &[f32], init: f32, f: impl Fn(f32, f32) -> f32) -> f32 {
    reduce_map(xs, init, |x| x, f)
}

/// [`reduce`] of `map` applied to each value.
#[inline(always)]
fn reduce_map(xs: &[f32], init: f32, map: impl Fn(f32) -> f32, f: impl Fn(f32, f32) -> f32) -> f32 {
    let mut lanes = [init; 16];
    let mut chunks = xs.chunks_exact(16);
    for c in &mut chunks {
        for (l, &x) in lanes.iter_mut().zip(c) {
            *l = f(*l, map(x));
        }
    }
    let tail = chunks.remainder().iter().fold(init, |a, &x| f(a, map(x)));
    lanes.into_iter().fold(tail, f)
}

/// erf through [`erfc`], rounded to f32 before GELU adds 1, as PyTorch's exact GELU (which
/// Whisper was trained with) and candle's round it: the model is sensitive to that rounding
/// in the negative tail (an exact 1 + erf changed a word on a bundled sample).
#[inline(always)]
pub fn erf(z: f32) -> f32 {
    let e = 1.0 - erfc(z.abs());
    if z < 0.0 {
        -e
    } else {
        e
    }
}

/// erfc with relative error under 1.2e-7 everywhere (Numerical Recipes' `erfcc`, a
/// Chebyshev fit of erfc(z) e^(z²)).
#[inline(always)]
pub fn erfc(z: f32) -> f32 {
    let a = z.abs();
    let t = 1.0 / (1.0 + 0.5 * a);
    let mut p = t * 0.170_872_77 - 0.822_152_23;
    p = t * p + 1.488_515_9;
    p = t * p - 1.135_204;
    p = t * p + 0.278_868_07;
    p = t * p - 0.186_288_06;
    p = t * p + 0.096_784_18;
    p = t * p + 0.374_091_96;
    p = t * p + 1.000_023_7;
    p = t * p - 1.265_512_2;
    let r = t * exp(p - a * a);
    if z < 0.0 {
        2.0 - r
    } else {
        r
    }
}

/// e^x by Cephes' range reduction and degree-5 polynomial; 0 for x below -87 (the softmax's
/// masked -inf scores included).
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    let xc = x.clamp(-87.0, 88.0);
    let n = (xc * LOG2E + 0.5).floor();
    let r = xc - n * 0.693_359_4 - n * -2.121_944_4e-4;
    let mut p = r * 1.987_569_2e-4 + 1.398_2e-3;
    p = r * p + 8.333_452e-3;
    p = r * p + 4.166_579_6e-2;
    p = r * p + 1.666_666_5e-1;
    p = r * p + 0.5;
    let y = p * r * r + r + 1.0;
    // 2^n built in the exponent bits: adding 1.5 * 2^23 leaves n + 127 (0..=255 after the
    // clamp) in the low mantissa bits, which the shift moves into the exponent. A float-to-int
    // cast would do it too but does not vectorise as well.
    let scale = f32::from_bits((n + (12_582_912.0 + 127.0)).to_bits() << 23);
    if x < -87.0 {
        0.0
    } else {
        y * scale
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    fn max_diff(a: &Tensor, b: &Tensor) -> f32 {
        let diff = (a - b).unwrap().abs().unwrap().max_all().unwrap();
        diff.to_scalar::<f32>().unwrap()
    }

    fn grid() -> Vec<f32> {
        (-120_000..=120_000).map(|i| i as f32 * 1e-4).collect()
    }

    #[test]
    fn erf_matches_libm_within_a_few_ulp_of_one() {
        let worst = (-60_000..=60_000)
            .map(|i| i as f32 * 1e-4)
            .map(|x| (erf(x) - candle_core::cpu::erf::erf_f32(x)).abs())
            .fold(0f32, f32::max);
        assert!(worst <= 4e-7, "max |erf error| {worst}");
    }

    #[test]
    fn erfc_keeps_relative_precision_in_the_tail() {
        for i in -3000..=600 {
            let z = i as f32 * 1e-2;
            let exact = candle_core::cpu::erf::erfc_f64(z as f64);
            let rel = ((erfc(z) as f64 - exact) / exact).abs();
            // Past z = 4 (GELU inputs below -5.7, outputs under 1e-7) the f32 rounding of
            // z² alone is worth a few 1e-6.
            let tol = if z < 4.0 { 2e-6 } else { 5e-6 };
            assert!(rel < tol, "erfc({z}) relative error {rel}");
        }
    }

    #[test]
    fn exp_matches_std_within_a_few_ulp() {
        let worst = grid()
            .into_iter()
            .map(|x| x * 7.0)
            .filter(|&x| x > -87.0 && x < 88.0)
            .map(|x| ((exp(x) - x.exp()) / x.exp()).abs())
            .fold(0f32, f32::max);
        assert!(worst < 5e-7, "max relative exp error {worst}");
        assert_eq!(exp(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp(-100.0), 0.0);
    }

    #[test]
    fn ops_match_candle_small_and_large() {
        for &(rows, cols) in &[(3usize, 7usize), (6 * 250, 250)] {
            let x = Tensor::randn(0f32, 3.0, (rows, cols), &Device::Cpu).unwrap();
            let ours = gelu_erf(&x).unwrap();
            let theirs = x.gelu_erf().unwrap();
            assert!(max_diff(&ours, &theirs) < 1e-5);
            let ours = softmax_last_dim(&x).unwrap();
            let theirs = candle_nn::ops::softmax_last_dim(&x).unwrap();
            assert!(max_diff(&ours, &theirs) < 1e-6);
        }
    }

    #[test]
    fn attend_matches_tensor_attention() {
        let dev = Device::Cpu;
        let rand = |shape: (usize, usize, usize, usize)| Tensor::randn(0f32, 1.0, shape, &dev);
        let q = rand((1, 6, 3, 64)).unwrap();
        // A strided key/value view, as the KV cache returns: 40 of 64 reserved positions,
        // then a second segment with its own bias, as the padding memory.
        let (k, v) = (rand((1, 6, 64, 64)).unwrap(), rand((1, 6, 64, 64)).unwrap());
        let (k, v) = (k.narrow(2, 0, 40).unwrap(), v.narrow(2, 0, 40).unwrap());
        let (pk, pv) = (
            rand((1, 6, 300, 64)).unwrap(),
            rand((1, 6, 300, 64)).unwrap(),
        );
        let bias = 1.386f32;
        let one = [(k.clone(), v.clone(), 0.0)];
        let two = [(k.clone(), v.clone(), 0.0), (pk.clone(), pv.clone(), bias)];
        for segments in [&one[..], &two[..]] {
            let ours = attend(&q, segments, false).unwrap().expect("fast path");
            let keys: Vec<&Tensor> = segments.iter().map(|s| &s.0).collect();
            let values: Vec<&Tensor> = segments.iter().map(|s| &s.1).collect();
            let biases: Vec<f32> = segments
                .iter()
                .flat_map(|s| std::iter::repeat_n(s.2, s.0.dim(2).unwrap()))
                .collect();
            let (keys, values) = (
                Tensor::cat(&keys, 2).unwrap(),
                Tensor::cat(&values, 2).unwrap(),
            );
            let w = (&q * 0.125).unwrap().matmul(&keys.t().unwrap()).unwrap();
            let w = w
                .broadcast_add(&Tensor::new(biases, &dev).unwrap())
                .unwrap();
            let w = candle_nn::ops::softmax_last_dim(&w).unwrap();
            let reference = w.matmul(&values).unwrap();
            let reference = reference
                .transpose(1, 2)
                .unwrap()
                .reshape((1, 3, 384))
                .unwrap();
            assert!(max_diff(&ours, &reference) < 1e-5);
        }
    }

    #[test]
    fn causal_attend_matches_masked_attention() {
        let dev = Device::Cpu;
        let rand = |shape: (usize, usize, usize, usize)| Tensor::randn(0f32, 1.0, shape, &dev);
        // Three new queries after five cached positions.
        let (q, k, v) = (
            rand((1, 6, 3, 64)),
            rand((1, 6, 8, 64)),
            rand((1, 6, 8, 64)),
        );
        let (q, k, v) = (q.unwrap(), k.unwrap(), v.unwrap());
        let ours = attend(&q, &[(k.clone(), v.clone(), 0.0)], true)
            .unwrap()
            .expect("fast path");
        let mask: Vec<f32> = (0..3)
            .flat_map(|j| (0..8).map(move |i| if i > 5 + j { f32::NEG_INFINITY } else { 0.0 }))
            .collect();
        let mask = Tensor::from_vec(mask, (3, 8), &dev).unwrap();
        let w = (&q * 0.125).unwrap().matmul(&k.t().unwrap()).unwrap();
        let w = candle_nn::ops::softmax_last_dim(&w.broadcast_add(&mask).unwrap()).unwrap();
        let reference = w.matmul(&v).unwrap().transpose(1, 2).unwrap();
        let reference = reference.reshape((1, 3, 384)).unwrap();
        assert!(max_diff(&ours, &reference) < 1e-5);
    }

    #[test]
    fn log_sum_exp_matches_direct_sum() {
        let xs: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.37).sin() * 8.0).collect();
        let direct = xs.iter().map(|&x| (x - 8.0).exp()).sum::<f32>().ln();
        assert!((log_sum_exp(&xs, 8.0) - direct).abs() < 1e-5);
        assert_eq!(log_sum_exp(&[f32::NEG_INFINITY, 0.0], 0.0), 0.0);
    }

    #[test]
    fn softmax_zeroes_masked_scores() {
        let x = Tensor::new(&[[0f32, f32::NEG_INFINITY, 1.0]], &Device::Cpu).unwrap();
        let y = softmax_last_dim(&x).unwrap().to_vec2::<f32>().unwrap();
        assert_eq!(y[0][1], 0.0);
        assert!((y[0][0] + y[0][2] - 1.0).abs() < 1e-6);
    }
}
