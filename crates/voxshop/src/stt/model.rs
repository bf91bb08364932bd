//! Quantised Whisper on candle.
//!
//! Written against candle's quantised primitives rather than reusing
//! `candle_transformers::models::whisper::quantized_model` because that decoder has no
//! self-attention KV cache (it re-runs every previous token at each step) and cannot encode a
//! shortened window cheaply; both matter for our end-of-speech latency.

use super::kernels;
use super::layout::{self, key, part, CHECKSUM_PREFIX, FORMAT_VERSION, METADATA_KEYS};
use super::mapped::{Halves, Mapped};
use crate::error::SttError;
use candle_core::quantized::k_quants::BlockQ8_0;
use candle_core::quantized::{gguf_file, GgmlDType, QMatMul, QStorage, QTensor};
use candle_core::{DType, Device, IndexOp, Module, Tensor, D};
use candle_nn::kv_cache::KvCache;
use candle_nn::LayerNorm;
use std::path::Path;
use std::sync::Arc;

/// Hyper-parameters read from the GGUF metadata.
#[derive(Debug, Clone)]
pub struct WhisperConfig {
    pub name: String,
    pub quant: String,
    pub n_mels: usize,
    pub d_model: usize,
    pub enc_heads: usize,
    pub dec_heads: usize,
    pub enc_layers: usize,
    pub dec_layers: usize,
    pub vocab: usize,
    pub n_audio_ctx: usize,
    pub n_text_ctx: usize,
    pub suppress_ids: Vec<u32>,
    pub suppress_ids_begin: Vec<u32>,
}

impl WhisperConfig {
    pub fn is_multilingual(&self) -> bool {
        self.vocab >= 51865
    }

    /// Every header number checked before it sizes anything: in range (the largest Whisper
    /// has d_model 1280, 32 layers, 51 866 tokens, 1500 audio positions), heads dividing
    /// d_model, and equal to the shapes of the tensors it describes (`shape_of`).
    fn check(&self, shape_of: impl Fn(&str) -> Option<Vec<usize>>) -> Result<(), String> {
        for (name, v, max) in [
            (key::N_MELS, self.n_mels, 256),
            (key::D_MODEL, self.d_model, 4096),
            (key::ENC_HEADS, self.enc_heads, 64),
            (key::DEC_HEADS, self.dec_heads, 64),
            (key::ENC_LAYERS, self.enc_layers, 64),
            (key::DEC_LAYERS, self.dec_layers, 64),
            (key::VOCAB, self.vocab, 1 << 20),
            (key::N_AUDIO_CTX, self.n_audio_ctx, 1500),
            (key::N_TEXT_CTX, self.n_text_ctx, 4096),
        ] {
            if v == 0 || v > max {
                return Err(format!("{name} = {v} is not in 1..={max}"));
            }
        }
        for (name, h) in [
            (key::ENC_HEADS, self.enc_heads),
            (key::DEC_HEADS, self.dec_heads),
        ] {
            if !self.d_model.is_multiple_of(h) {
                return Err(format!(
                    "{name} = {h} does not divide {} = {}",
                    key::D_MODEL,
                    self.d_model
                ));
            }
        }
        for (tensor, want, keys) in [
            (
                layout::ENC_POS,
                [self.n_audio_ctx, self.d_model],
                [key::N_AUDIO_CTX, key::D_MODEL],
            ),
            (
                layout::DEC_POS,
                [self.n_text_ctx, self.d_model],
                [key::N_TEXT_CTX, key::D_MODEL],
            ),
            (
                layout::DEC_EMB,
                [self.vocab, self.d_model],
                [key::VOCAB, key::D_MODEL],
            ),
        ] {
            match shape_of(tensor) {
                Some(s) if s == want => {}
                Some(s) => {
                    return Err(format!(
                        "tensor {tensor} is {s:?} where the header ({}) says {want:?}",
                        keys.join(", ")
                    ))
                }
                None => return Err(format!("tensor {tensor} is missing")),
            }
        }
        Ok(())
    }
}

/// The GGUF's tensors, read from a memory map and checked against their CRC-32 as they are
/// read. Those the kernels read as stored (Q8_0 blocks, the encoder's f16 matrices) are used
/// in place ([`super::mapped`]); the others are converted straight into the form the model
/// keeps (f32) and their pages are then dropped from this process's memory (they stay in the
/// page cache), so that peak memory is the model plus one tensor, not the model plus the file.
struct Weights<'a> {
    content: &'a gguf_file::Content,
    map: &'a Arc<memmap2::Mmap>,
    device: &'a Device,
    /// Tensors read so far: those the model does not use are checked at the end.
    read: std::collections::HashSet<String>,
}

impl<'a> Weights<'a> {
    /// Bytes handed to a reader at a time: the map's pages for one piece are dropped before
    /// the next is read, so loading holds a megabyte of the file, not a whole tensor (the
    /// token embedding is a fifth of tiny.en's file).
    const PIECE: usize = 1 << 20;

    /// Reads tensor `name` piece by piece, each piece a whole number of `unit`-byte elements
    /// or blocks, checks its CRC-32 and returns its description. Every tensor's extent was
    /// checked against the file's length before a `Weights` is made. `take` sees every byte
    /// before the checksum is known, so a caller keeps nothing when this fails.
    fn read(
        &mut self,
        name: &str,
        mut take: impl FnMut(&[u8]),
    ) -> candle_core::Result<&'a gguf_file::TensorInfo> {
        let (t, bytes) = self.bytes_of(name)?;
        let unit = t.ggml_dtype.type_size();
        let mut crc = crc32fast::Hasher::new();
        for piece in bytes.chunks(Self::PIECE / unit * unit) {
            crc.update(piece);
            take(piece);
            self.release(piece);
        }
        self.checked(name, crc.finalize())?;
        Ok(t)
    }

    /// Tensor `name`'s bytes in the map, checked against its CRC-32 and kept there.
    fn read_in_place(
        &mut self,
        name: &str,
    ) -> candle_core::Result<(&'a gguf_file::TensorInfo, &'a [u8])> {
        let (t, bytes) = self.bytes_of(name)?;
        self.checked(name, crc32fast::hash(bytes))?;
        Ok((t, bytes))
    }

    /// Tensor `name`'s description and its bytes in the map (extents were checked against
    /// the file's length before a `Weights` is made).
    fn bytes_of(&self, name: &str) -> candle_core::Result<(&'a gguf_file::TensorInfo, &'a [u8])> {
        let (content, map): (&'a gguf_file::Content, &'a Arc<memmap2::Mmap>) =
            (self.content, self.map);
        let t = content
            .tensor_infos
            .get(name)
            .ok_or_else(|| candle_core::Error::Msg(format!("tensor {name} missing")))?;
        let start = (content.tensor_data_offset + t.offset) as usize;
        let len = t.shape.elem_count() * t.ggml_dtype.type_size() / t.ggml_dtype.block_size();
        Ok((t, &map[start..start + len]))
    }

    /// Tensor `name`'s bytes, whose CRC-32 is `crc`, against the checksum stored for it.
    fn checked(&mut self, name: &str, crc: u32) -> candle_core::Result<()> {
        verify_checksum(self.content, name, crc).map_err(candle_core::Error::Msg)?;
        self.read.insert(name.to_string());
        Ok(())
    }

    /// Done with `bytes` (a slice of the map): drop its pages from this process.
    fn release(&self, bytes: &[u8]) {
        let offset = bytes.as_ptr() as usize - self.map.as_ptr() as usize;
        // SAFETY: the map is read-only and private, so MADV_DONTNEED only unmaps pages that
        // the kernel reads back from the file if they are touched again; `bytes` is not used
        // after this call.
        let _ = unsafe {
            self.map
                .unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, offset, bytes.len())
        };
    }

    /// Tensor `name`'s type and element count, when it is there (`read` says when not).
    fn kind(&self, name: &str) -> (Option<GgmlDType>, usize) {
        let t = self.content.tensor_infos.get(name);
        (
            t.map(|t| t.ggml_dtype),
            t.map_or(0, |t| t.shape.elem_count()),
        )
    }

    fn q(&mut self, name: &str) -> candle_core::Result<QTensor> {
        let device = self.device;
        let (dtype, elems) = self.kind(name);
        if let (Some(GgmlDType::Q8_0), Device::Cpu) = (dtype, device) {
            let (t, bytes) = self.read_in_place(name)?;
            if let Some(blocks) = Mapped::<BlockQ8_0>::new(self.map, bytes) {
                return QTensor::new(QStorage::Cpu(Box::new(blocks)), t.shape.dims());
            }
            let mut blocks = Vec::with_capacity(elems / GgmlDType::Q8_0.block_size());
            append_q8_0_blocks(&mut blocks, bytes);
            self.release(bytes);
            return QTensor::new(QStorage::Cpu(Box::new(blocks)), t.shape.dims());
        }
        let mut bytes = Vec::new();
        let t = self.read(name, |piece| bytes.extend_from_slice(piece))?;
        candle_core::quantized::ggml_file::qtensor_from_ggml(
            t.ggml_dtype,
            &bytes,
            t.shape.dims().to_vec(),
            device,
        )
    }

    /// A tensor widened to f32; f16 and f32 are converted from the map directly.
    fn f32(&mut self, name: &str) -> candle_core::Result<Tensor> {
        let device = self.device;
        let (dtype, elems) = self.kind(name);
        if !matches!(dtype, Some(GgmlDType::F32 | GgmlDType::F16)) {
            return self.q(name)?.dequantize(device);
        }
        let mut values = Vec::with_capacity(elems);
        let t = self.append_f32(name, &mut values)?;
        Tensor::from_vec(values, t.shape.clone(), device)
    }

    /// Tensors of the same row length, f16 or f32, widened into one matrix read row after
    /// row: no copy to join them afterwards.
    fn f32_rows(&mut self, names: &[String]) -> candle_core::Result<Tensor> {
        let mut values = Vec::new();
        let mut shape: Option<(usize, usize)> = None;
        for name in names {
            let t = self.append_f32(name, &mut values)?;
            let dims = t.shape.dims();
            let (rows, cols) = match dims {
                [rows, cols] => (*rows, *cols),
                [cols] => (1, *cols),
                _ => candle_core::bail!("tensor {name} is {dims:?}, not rows"),
            };
            shape = match shape {
                None => Some((rows, cols)),
                Some((r, c)) if c == cols => Some((r + rows, c)),
                Some((_, c)) => candle_core::bail!("tensor {name} has rows of {cols}, not {c}"),
            };
        }
        let (rows, cols) = shape.ok_or_else(|| candle_core::Error::Msg("no tensors".into()))?;
        Tensor::from_vec(values, (rows, cols), self.device)
    }

    /// Appends f16 or f32 tensor `name`, as f32, to `values`.
    fn append_f32(
        &mut self,
        name: &str,
        values: &mut Vec<f32>,
    ) -> candle_core::Result<&'a gguf_file::TensorInfo> {
        let widen = f32_widener(name, self.kind(name).0)?;
        self.read(name, |piece| widen(piece, values))
    }

    /// A `[rows, cols]` f16 or f32 table left in the map, its checksum verified and its
    /// pages let go (see [`PositionRows`]).
    fn position_rows(&mut self, name: &str) -> candle_core::Result<PositionRows> {
        let t = self.read(name, |_| {})?;
        let widen = f32_widener(name, Some(t.ggml_dtype))?;
        let &[rows, cols] = t.shape.dims() else {
            candle_core::bail!("tensor {name} is {:?}, not rows", t.shape.dims());
        };
        let (_, bytes) = self.bytes_of(name)?;
        Ok(PositionRows {
            map: Arc::clone(self.map),
            at: bytes.as_ptr() as usize - self.map.as_ptr() as usize,
            row_bytes: cols * t.ggml_dtype.type_size(),
            widen,
            rows,
            cols,
        })
    }

    /// A linear layer: f16/f32 weights widened once for candle's f32 GEMM, quantised ones
    /// kept in their blocks.
    fn linear(&mut self, name: &str) -> candle_core::Result<Linear> {
        let weight = layout::weight(name);
        let w = match self.kind(&weight).0 {
            Some(GgmlDType::F32 | GgmlDType::F16) => {
                Weight::Ready(QMatMul::Tensor(self.f32(&weight)?))
            }
            _ => Weight::Ready(QMatMul::from_qtensor(self.q(&weight)?)?),
        };
        Ok(Linear {
            w,
            b: self.f32(&layout::bias(name))?,
        })
    }

    /// A linear layer run once per utterance (the encoder's): f16 weights stay f16 in memory
    /// and are widened for each product (see [`Weight::F16`]); other types as [`linear`].
    fn linear_f16(&mut self, name: &str) -> candle_core::Result<Linear> {
        let weight = layout::weight(name);
        let t = self.content.tensor_infos.get(&weight);
        let (dtype, dims) = (t.map(|t| t.ggml_dtype), t.map(|t| t.shape.dims().to_vec()));
        match (dtype, dims.as_deref(), self.device) {
            (Some(GgmlDType::F16), Some(&[rows, cols]), Device::Cpu) => {
                let (_, bytes) = self.read_in_place(&weight)?;
                let bits = match Mapped::<half::f16>::new(self.map, bytes) {
                    Some(mapped) => Halves::Mapped(mapped),
                    None => {
                        let owned = (bytes.chunks_exact(2))
                            .map(|b| half::f16::from_le_bytes([b[0], b[1]]))
                            .collect();
                        self.release(bytes);
                        Halves::Owned(owned)
                    }
                };
                Ok(Linear {
                    w: Weight::F16 {
                        bits,
                        shape: (rows, cols),
                    },
                    b: self.f32(&layout::bias(name))?,
                })
            }
            _ => self.linear(name),
        }
    }

    fn norm(&mut self, name: &str) -> candle_core::Result<LayerNorm> {
        Ok(LayerNorm::new(
            self.f32(&layout::weight(name))?,
            self.f32(&layout::bias(name))?,
            1e-5,
        ))
    }

    /// Checks the tensors the model did not read, so that every byte is checked.
    fn check_the_rest(&mut self) -> candle_core::Result<()> {
        let rest: Vec<String> = (self.content.tensor_infos.keys())
            .filter(|name| !self.read.contains(*name))
            .cloned()
            .collect();
        for name in rest {
            self.read(&name, |_| {})?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
struct Linear {
    w: Weight,
    b: Tensor,
}

#[derive(Debug, Clone)]
enum Weight {
    /// As candle multiplies it: f32, or quantised blocks.
    Ready(QMatMul),
    /// f16 kept as stored and widened to f32 for each product, into memory freed after it:
    /// the encoder's weights held in f32 were 28 MB of tiny.en's resident memory (issue 15:
    /// no f32 copies that stay resident). Widening costs a few ms per utterance (README,
    /// "Speed"), where candle's f16 GEMM took 1.7-3.0x the f32 time on these shapes. The
    /// values are exactly the f32 ones, so results do not change.
    F16 { bits: Halves, shape: (usize, usize) },
}

impl Module for Linear {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let y = match &self.w {
            Weight::Ready(w) => w.forward(x)?,
            Weight::F16 { bits, shape } => {
                use half::slice::HalfFloatSliceExt;
                use rayon::prelude::*;
                const CHUNK: usize = 1 << 15;
                let bits = bits.as_slice();
                let mut wide = vec![0f32; bits.len()];
                (wide.par_chunks_mut(CHUNK))
                    .zip(bits.par_chunks(CHUNK))
                    .for_each(|(wide, bits)| bits.convert_to_f32_slice(wide));
                QMatMul::Tensor(Tensor::from_vec(wide, *shape, x.device())?).forward(x)?
            }
        };
        y.broadcast_add(&self.b)
    }
}

/// `[1, t, d]` -> `[1, heads, t, d/heads]`.
fn split_heads(x: &Tensor, heads: usize) -> candle_core::Result<Tensor> {
    let (b, t, d) = x.dims3()?;
    x.reshape((b, t, heads, d / heads))?
        .transpose(1, 2)?
        .contiguous()
}

/// Scaled dot-product attention over head-split tensors; returns `[1, tq, d]`.
fn attention(
    q: &Tensor,
    k: &Tensor,
    v: &Tensor,
    mask: Option<&Tensor>,
) -> candle_core::Result<Tensor> {
    let hd = q.dim(D::Minus1)?;
    let q = (q * (hd as f64).powf(-0.5))?;
    let mut w = q.matmul(&k.t()?)?;
    if let Some(mask) = mask {
        w = w.broadcast_add(mask)?;
    }
    let w = kernels::softmax_last_dim(&w)?;
    let o = w.matmul(&v.contiguous()?)?;
    let (b, h, t, hd) = o.dims4()?;
    o.transpose(1, 2)?.reshape((b, t, h * hd))
}

/// [`attention`] over segments of keys/values `(k, v, bias)` concatenated, each segment's
/// `bias` added to its scores: what `kernels::attend` computes in one pass on the CPU.
fn attention_over(q: &Tensor, segments: &[(Tensor, Tensor, f32)]) -> candle_core::Result<Tensor> {
    let keys: Vec<&Tensor> = segments.iter().map(|s| &s.0).collect();
    let values: Vec<&Tensor> = segments.iter().map(|s| &s.1).collect();
    let mut bias = Vec::new();
    for (k, _, b) in segments {
        bias.extend(std::iter::repeat_n(*b, k.dim(2)?));
    }
    let total = bias.len();
    let bias = Tensor::from_vec(bias, total, q.device())?;
    attention(
        q,
        &Tensor::cat(&keys, 2)?,
        &Tensor::cat(&values, 2)?,
        Some(&bias),
    )
}

fn mlp(x: &Tensor, ln: &LayerNorm, fc1: &Linear, fc2: &Linear) -> candle_core::Result<Tensor> {
    kernels::gelu_erf(&x.apply(ln)?.apply(fc1)?)?.apply(fc2)
}

#[derive(Debug, Clone)]
struct EncoderBlock {
    attn_ln: LayerNorm,
    qkv: Linear,
    out: Linear,
    mlp_ln: LayerNorm,
    fc1: Linear,
    fc2: Linear,
    heads: usize,
}

impl EncoderBlock {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let d = x.dim(D::Minus1)?;
        let qkv = x.apply(&self.attn_ln)?.apply(&self.qkv)?;
        let q = split_heads(&qkv.narrow(D::Minus1, 0, d)?, self.heads)?;
        let k = split_heads(&qkv.narrow(D::Minus1, d, d)?, self.heads)?;
        let v = split_heads(&qkv.narrow(D::Minus1, 2 * d, d)?, self.heads)?;
        let x = (x + attention(&q, &k, &v, None)?.apply(&self.out)?)?;
        &x + mlp(&x, &self.mlp_ln, &self.fc1, &self.fc2)?
    }
}

#[derive(Debug, Clone)]
struct DecoderBlock {
    attn_ln: LayerNorm,
    qkv: Linear,
    out: Linear,
    cross_ln: LayerNorm,
    cross_q: Linear,
    cross_out: Linear,
    mlp_ln: LayerNorm,
    fc1: Linear,
    fc2: Linear,
    heads: usize,
}

/// Normalised log-mel value of the padding after an utterance when the padding memory is made:
/// the median over real recordings of `(max_log - 4) / 4`, the value Whisper's front-end gives
/// silence (measured -0.83 to -0.55 on the samples and Asterisk prompts).
pub const PAD_MEL: f32 = -0.65;

/// The decoder reads one padding-memory position in this many (silence changes slowly along
/// the window), each kept key weighted as the `PAD_STRIDE` it stands for, so that
/// cross-attention per token costs little more than over the shortened window alone.
const PAD_STRIDE: usize = 4;

/// An empty self-attention cache: positions along dimension 2 of `[1, heads, n, head_dim]`,
/// room made 32 positions at a time.
fn new_kv_cache() -> KvCache {
    KvCache::new(2, 32)
}

/// Per-utterance decoder state: self-attention KV cache and the cross-attention keys/values.
#[derive(Clone)]
pub struct DecoderState {
    self_kv: Vec<KvCache>,
    /// Cross-attention keys/values of the utterance's window, per layer.
    cross_kv: Vec<(Tensor, Tensor)>,
    /// The padding-memory positions read after the window: `(first, count)` in the strided
    /// memory. They are read in place, never copied next to the window's.
    pad: Option<(usize, usize)>,
    pos: usize,
}

impl DecoderState {
    /// A copy whose self-attention cache has storage of its own. Candle's cache writes each
    /// new position into a buffer its clones share, which is right for one hypothesis that
    /// goes back to an earlier point (a detour) but not for several decoded side by side.
    pub fn fork(&self) -> candle_core::Result<Self> {
        self.fork_to(self.pos)
    }

    /// As [`DecoderState::fork`], holding only the first `len` tokens: the decoder as it
    /// was before the others were fed.
    pub fn fork_to(&self, len: usize) -> candle_core::Result<Self> {
        if len > self.pos {
            candle_core::bail!("{len} tokens asked of a decoder fed {}", self.pos);
        }
        let self_kv = (self.self_kv.iter())
            .map(|c| {
                let mut own = new_kv_cache();
                if let (Some(k), Some(v), true) = (c.k()?, c.v()?, len > 0) {
                    let (k, v) = (k.narrow(2, 0, len)?, v.narrow(2, 0, len)?);
                    own.append(&k.contiguous()?, &v.contiguous()?)?;
                }
                Ok(own)
            })
            .collect::<candle_core::Result<_>>()?;
        Ok(Self {
            self_kv,
            cross_kv: self.cross_kv.clone(),
            pad: self.pad,
            pos: len,
        })
    }

    /// Tokens already in the cache.
    pub fn len(&self) -> usize {
        self.pos
    }
    pub fn is_empty(&self) -> bool {
        self.pos == 0
    }
}

/// The encoder's positional embedding, left in the file's map: a window reads its first
/// rows only (a few hundred of the 1,500 for a command), widened for each pass, where the
/// whole table widened at load stayed 2.3 MB of the process's memory (README, "Speed": peak
/// memory).
struct PositionRows {
    map: Arc<memmap2::Mmap>,
    /// Where the table starts in the map (its extent was checked against the file's length).
    at: usize,
    row_bytes: usize,
    widen: Widener,
    rows: usize,
    cols: usize,
}

impl PositionRows {
    /// The first `t` rows, `[t, cols]`.
    fn first(&self, t: usize, device: &Device) -> candle_core::Result<Tensor> {
        if t > self.rows {
            candle_core::bail!("{t} positions, but the encoder has {}", self.rows);
        }
        let bytes = &self.map[self.at..self.at + t * self.row_bytes];
        let mut values = Vec::with_capacity(t * self.cols);
        (self.widen)(bytes, &mut values);
        Tensor::from_vec(values, (t, self.cols), device)
    }
}

/// The loaded model. Immutable after load, so one instance can be shared between sessions.
pub struct Whisper {
    pub config: WhisperConfig,
    conv1: candle_nn::Conv1d,
    conv2: candle_nn::Conv1d,
    enc_pos: PositionRows,
    enc_blocks: Vec<EncoderBlock>,
    enc_ln: LayerNorm,
    token_emb: Arc<QTensor>,
    proj: QMatMul,
    dec_pos: Tensor,
    dec_blocks: Vec<DecoderBlock>,
    cross_kv: CrossKv,
    dec_ln: LayerNorm,
    /// Cross-attention keys/values per decoder layer of the encoder's output for silence over
    /// the whole 30 s window (the "padding memory"), one position in `PAD_STRIDE`. Whisper was
    /// trained to read a 30 s window whose end is silence; decoding a shortened window with the
    /// rest of that silence appended from here brought WER on real recordings from 8.0 % to
    /// 6.8 % (full window: 7.3 %) for about 1/10 of the full window's encoder cost.
    pad_kv: Vec<(Tensor, Tensor)>,
    pub mel_filters: Vec<f32>,
    device: Device,
}

/// Appends little-endian values of one type to a vector of f32.
type Widener = fn(&[u8], &mut Vec<f32>);

/// How tensor `name`'s values of type `dtype` are appended as f32 (f16 or f32 only).
fn f32_widener(name: &str, dtype: Option<GgmlDType>) -> candle_core::Result<Widener> {
    match dtype {
        Some(GgmlDType::F32) => Ok(append_f32_bytes),
        Some(GgmlDType::F16) => Ok(widen_f16),
        other => candle_core::bail!("tensor {name} is {other:?}, not f16 or f32"),
    }
}

/// f16 values (little-endian bytes) widened to f32 and appended to `out`, with the CPU's
/// conversion instructions where the bytes are aligned (they are: GGUF aligns every tensor,
/// and [`Weights::read`]'s pieces are whole elements).
fn widen_f16(bytes: &[u8], out: &mut Vec<f32>) {
    use half::slice::{HalfBitsSliceExt, HalfFloatSliceExt};
    // SAFETY: any two bytes are a valid u16; `align_to` puts in `bits` only aligned ones.
    let (head, bits, tail) = unsafe { bytes.align_to::<u16>() };
    if cfg!(target_endian = "little") && head.is_empty() && tail.is_empty() {
        let at = out.len();
        out.resize(at + bits.len(), 0.0);
        bits.reinterpret_cast::<half::f16>()
            .convert_to_f32_slice(&mut out[at..]);
    } else {
        out.extend(
            bytes
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32()),
        );
    }
}

/// Little-endian f32 bytes appended to `out`: one copy where they are aligned.
fn append_f32_bytes(bytes: &[u8], out: &mut Vec<f32>) {
    // SAFETY: any four bytes are a valid u32; `align_to` puts in `words` only aligned ones.
    let (head, words, tail) = unsafe { bytes.align_to::<u32>() };
    if cfg!(target_endian = "little") && head.is_empty() && tail.is_empty() {
        out.extend(words.iter().map(|&w| f32::from_bits(w)));
    } else {
        out.extend((bytes.chunks_exact(4)).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])));
    }
}

/// Q8_0 blocks copied out of the file into memory of their own and appended to `blocks`: for
/// blocks the map cannot lend in place (see [`Mapped::new`]).
fn append_q8_0_blocks(blocks: &mut Vec<BlockQ8_0>, bytes: &[u8]) {
    const BLOCK: usize = std::mem::size_of::<BlockQ8_0>();
    let n = bytes.len() / BLOCK;
    blocks.reserve(n);
    // SAFETY: `BlockQ8_0` is `repr(C)`, an f16 scale and 32 i8, with no padding (34 bytes,
    // checked by candle) and no invalid bit pattern, so any 34 bytes are a block; `reserve`
    // made room for `n` more blocks and all `n * BLOCK` bytes are written before `set_len`.
    unsafe {
        let end = blocks.as_mut_ptr().add(blocks.len()).cast::<u8>();
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), end, n * BLOCK);
        blocks.set_len(blocks.len() + n);
    }
}

/// A tensor's bytes against the CRC-32 written beside it: a flipped or overwritten byte
/// anywhere in the weights is refused, not turned into confident nonsense ("reper").
fn verify_checksum(content: &gguf_file::Content, name: &str, crc: u32) -> Result<(), String> {
    let key = format!("{CHECKSUM_PREFIX}{name}");
    let want = content
        .metadata
        .get(&key)
        .ok_or_else(|| format!("tensor {name} has no checksum"))?
        .to_u32()
        .map_err(|e| format!("{key}: {e}"))?;
    if crc != want {
        return Err(format!("tensor {name} does not match its checksum"));
    }
    Ok(())
}

fn meta_u32(c: &gguf_file::Content, key: &str) -> Result<u32, String> {
    c.metadata
        .get(key)
        .ok_or_else(|| format!("metadata {key} missing"))?
        .to_u32()
        .map_err(|e| format!("metadata {key}: {e}"))
}

fn meta_u32s(c: &gguf_file::Content, key: &str) -> Vec<u32> {
    c.metadata
        .get(key)
        .and_then(|v| v.to_vec().ok())
        .map(|v| v.iter().filter_map(|x| x.to_u32().ok()).collect())
        .unwrap_or_default()
}

fn meta_str(c: &gguf_file::Content, key: &str) -> String {
    c.metadata
        .get(key)
        .and_then(|v| v.to_string().ok().cloned())
        .unwrap_or_default()
}

fn read_config(c: &gguf_file::Content) -> Result<WhisperConfig, String> {
    let version = meta_u32(c, key::FORMAT_VERSION)?;
    if version != FORMAT_VERSION {
        return Err(format!(
            "format version {version}, this build reads version {FORMAT_VERSION}"
        ));
    }
    // A key we do not write is a file we did not make, or one we would misread.
    let known = |k: &str| {
        METADATA_KEYS.contains(&k)
            || k.strip_prefix(CHECKSUM_PREFIX)
                .is_some_and(|t| c.tensor_infos.contains_key(t))
    };
    if let Some(k) = c.metadata.keys().find(|k| !known(k)) {
        return Err(format!("unknown metadata key {k}"));
    }
    let u = |k: &str| meta_u32(c, k).map(|v| v as usize);
    Ok(WhisperConfig {
        name: meta_str(c, key::MODEL),
        quant: meta_str(c, key::QUANT),
        n_mels: u(key::N_MELS)?,
        d_model: u(key::D_MODEL)?,
        enc_heads: u(key::ENC_HEADS)?,
        dec_heads: u(key::DEC_HEADS)?,
        enc_layers: u(key::ENC_LAYERS)?,
        dec_layers: u(key::DEC_LAYERS)?,
        vocab: u(key::VOCAB)?,
        n_audio_ctx: u(key::N_AUDIO_CTX)?,
        n_text_ctx: u(key::N_TEXT_CTX)?,
        suppress_ids: meta_u32s(c, key::SUPPRESS_IDS),
        suppress_ids_begin: meta_u32s(c, key::SUPPRESS_IDS_BEGIN),
    })
}

impl Whisper {
    /// Loads a GGUF made by `voxshop convert`. `fix` is the command to show when it is
    /// missing or corrupt.
    pub fn load(path: &Path, device: &Device, fix: &str) -> Result<Self, SttError> {
        let model = Self::load_unpadded(path, device, fix)?;
        if model.pad_kv.is_empty() {
            return Err(SttError::CorruptModel {
                path: path.to_owned(),
                reason: format!("the padding memory ({}) is missing", layout::ENC_PAD_KV),
                fix: fix.to_string(),
            });
        }
        Ok(model)
    }

    /// Loads a GGUF that may lack the padding memory (while it is being made).
    pub(crate) fn load_unpadded(path: &Path, device: &Device, fix: &str) -> Result<Self, SttError> {
        let corrupt = |reason: String| SttError::CorruptModel {
            path: path.to_owned(),
            reason,
            fix: fix.to_string(),
        };
        let file = std::fs::File::open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => SttError::MissingModel {
                path: path.to_owned(),
                fix: fix.to_string(),
            },
            _ => SttError::Io {
                path: path.to_owned(),
                source: e,
            },
        })?;
        // SAFETY: the bytes must not change while mapped. `setup` and `convert` replace a
        // model by renaming a finished file over it, which leaves this mapping on the old
        // file; every tensor's checksum is verified before its bytes are used.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| SttError::Io {
            path: path.to_owned(),
            source: e,
        })?;
        let map = Arc::new(map);
        let content = gguf_file::Content::read(&mut std::io::Cursor::new(&map[..]))
            .map_err(|e| corrupt(e.to_string()))?;
        let config = read_config(&content).map_err(corrupt)?;
        config
            .check(|name| {
                content
                    .tensor_infos
                    .get(name)
                    .map(|t| t.shape.dims().to_vec())
            })
            .map_err(corrupt)?;
        let file_len = map.len() as u64;
        // Checked arithmetic: a dimension read from the file must not wrap into a small size.
        let end = |t: &gguf_file::TensorInfo| -> Option<u64> {
            let elems = t
                .shape
                .dims()
                .iter()
                .try_fold(1u64, |n, &d| n.checked_mul(d as u64))?;
            let bytes = elems.checked_mul(t.ggml_dtype.type_size() as u64)?
                / t.ggml_dtype.block_size() as u64;
            content
                .tensor_data_offset
                .checked_add(t.offset)?
                .checked_add(bytes)
        };
        for (name, t) in &content.tensor_infos {
            match end(t) {
                Some(needed) if needed <= file_len => {}
                Some(needed) => {
                    return Err(corrupt(format!(
                        "file is truncated ({file_len} bytes, tensor {name} needs {needed})"
                    )))
                }
                None => return Err(corrupt(format!("tensor {name} has an absurd size"))),
            }
        }
        let mut w = Weights {
            content: &content,
            map: &map,
            device,
            read: Default::default(),
        };
        let model = Self::from_weights(&mut w, config).map_err(|e| corrupt(e.to_string()))?;
        w.check_the_rest().map_err(|e| corrupt(e.to_string()))?;
        Ok(model)
    }

    fn from_weights(w: &mut Weights, config: WhisperConfig) -> candle_core::Result<Self> {
        let conv =
            |w: &mut Weights, name: &str, stride| -> candle_core::Result<candle_nn::Conv1d> {
                let cfg = candle_nn::Conv1dConfig {
                    padding: 1,
                    stride,
                    ..Default::default()
                };
                Ok(candle_nn::Conv1d::new(
                    w.f32(&layout::weight(name))?,
                    Some(w.f32(&layout::bias(name))?),
                    cfg,
                ))
            };
        let conv1 = conv(w, layout::ENC_CONV[0], 1)?;
        let conv2 = conv(w, layout::ENC_CONV[1], 2)?;
        let enc_blocks = (0..config.enc_layers)
            .map(|i| {
                let p = layout::enc_layer(i);
                Ok(EncoderBlock {
                    attn_ln: w.norm(&layout::of(&p, part::ATTN_LN))?,
                    qkv: w.linear_f16(&layout::of(&p, part::ATTN_QKV))?,
                    out: w.linear_f16(&layout::of(&p, part::ATTN_OUT))?,
                    mlp_ln: w.norm(&layout::of(&p, part::MLP_LN))?,
                    fc1: w.linear_f16(&layout::of(&p, part::FC1))?,
                    fc2: w.linear_f16(&layout::of(&p, part::FC2))?,
                    heads: config.enc_heads,
                })
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        let dec_blocks = (0..config.dec_layers)
            .map(|i| {
                let p = layout::dec_layer(i);
                Ok(DecoderBlock {
                    attn_ln: w.norm(&layout::of(&p, part::ATTN_LN))?,
                    qkv: w.linear(&layout::of(&p, part::ATTN_QKV))?,
                    out: w.linear(&layout::of(&p, part::ATTN_OUT))?,
                    cross_ln: w.norm(&layout::of(&p, part::CROSS_LN))?,
                    cross_q: w.linear(&layout::of(&p, part::CROSS_Q))?,
                    cross_out: w.linear(&layout::of(&p, part::CROSS_OUT))?,
                    mlp_ln: w.norm(&layout::of(&p, part::MLP_LN))?,
                    fc1: w.linear(&layout::of(&p, part::FC1))?,
                    fc2: w.linear(&layout::of(&p, part::FC2))?,
                    heads: config.dec_heads,
                })
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        let cross_kv = CrossKv::load(w, &config)?;
        let pad_kv = match w.content.tensor_infos.contains_key(layout::ENC_PAD_KV) {
            true => pad_kv_per_layer(&w.f32(layout::ENC_PAD_KV)?, &config)?,
            false => Vec::new(),
        };
        let token_emb = Arc::new(w.q(layout::DEC_EMB)?);
        let proj = QMatMul::from_arc(token_emb.clone())?;
        let mel_filters = w
            .f32(layout::MEL_FILTERS)?
            .flatten_all()?
            .to_vec1::<f32>()?;
        if mel_filters.len() != config.n_mels * super::mel_filters::N_FREQS {
            candle_core::bail!("mel filter bank has {} values", mel_filters.len());
        }
        let enc_pos = w.position_rows(layout::ENC_POS)?;
        if enc_pos.rows < config.n_audio_ctx || enc_pos.cols != config.d_model {
            candle_core::bail!(
                "{} is [{}, {}] where the header says [{}, {}]",
                layout::ENC_POS,
                enc_pos.rows,
                enc_pos.cols,
                config.n_audio_ctx,
                config.d_model
            );
        }
        Ok(Self {
            conv1,
            conv2,
            enc_pos,
            enc_blocks,
            enc_ln: w.norm(layout::ENC_LN)?,
            token_emb,
            proj,
            dec_pos: w.f32(layout::DEC_POS)?,
            dec_blocks,
            cross_kv,
            dec_ln: w.norm(layout::DEC_LN)?,
            pad_kv,
            mel_filters,
            device: w.device.clone(),
            config,
        })
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Encodes a log-mel spectrogram `[n_mels, frames]` (frames even, at most 2 * n_audio_ctx)
    /// into audio features `[1, frames / 2, d_model]`.
    pub fn encode(&self, mel: &[f32], frames: usize) -> candle_core::Result<Tensor> {
        crate::compute::on_pool(|| self.encode_here(mel, frames))
    }

    fn encode_here(&self, mel: &[f32], frames: usize) -> candle_core::Result<Tensor> {
        let x = Tensor::from_slice(mel, (1, self.config.n_mels, frames), &self.device)?;
        let x = kernels::gelu_erf(&self.conv1.forward(&x)?)?;
        let x = kernels::gelu_erf(&self.conv2.forward(&x)?)?.transpose(1, 2)?;
        let t = x.dim(1)?;
        let mut x = x.broadcast_add(&self.enc_pos.first(t, &self.device)?)?;
        for b in &self.enc_blocks {
            x = b.forward(&x)?;
        }
        x.apply(&self.enc_ln)
    }

    /// The encoder's output `[1, n_audio_ctx, d_model]` for a whole window of silence at
    /// [`PAD_MEL`]: the padding memory stored in the GGUF by `voxshop setup`.
    pub fn padding_memory(&self) -> candle_core::Result<Tensor> {
        let frames = 2 * self.config.n_audio_ctx;
        self.encode(&vec![PAD_MEL; self.config.n_mels * frames], frames)
    }

    /// The padding memory as the decoder reads it (`ENC_PAD_KV`): each layer's cross-attention
    /// keys and values for the encoder's output on silence, at every `PAD_STRIDE`-th position.
    pub(crate) fn padding_kv(&self) -> candle_core::Result<Tensor> {
        let memory = self.padding_memory()?;
        let every: Vec<u32> = (0..self.config.n_audio_ctx as u32)
            .step_by(PAD_STRIDE)
            .collect();
        let every = Tensor::from_slice(&every, every.len(), &self.device)?;
        let layers = self.cross_kv.per_layer(&memory.index_select(&every, 1)?)?;
        let all: Vec<&Tensor> = layers.iter().flat_map(|(k, v)| [k, v]).collect();
        Tensor::cat(&all, 0)
    }

    /// Fresh decoder state for one utterance's audio features `[1, ctx, d_model]`: the
    /// decoder attends to them, followed (if `padding`) by the padding memory up to the full
    /// 30 s window.
    pub fn start(&self, audio: &Tensor, padding: bool) -> candle_core::Result<DecoderState> {
        crate::compute::on_pool(|| self.start_here(audio, padding))
    }

    fn start_here(&self, audio: &Tensor, padding: bool) -> candle_core::Result<DecoderState> {
        let ctx = audio.dim(1)?;
        // Padding-memory positions after the window: indices into the strided memory.
        let kept = self.config.n_audio_ctx.div_ceil(PAD_STRIDE);
        let first = ctx.div_ceil(PAD_STRIDE).min(kept);
        let n_pad = if padding && !self.pad_kv.is_empty() {
            kept - first
        } else {
            0
        };
        let cross_kv = self.cross_kv.per_layer(audio)?;
        let self_kv = (0..self.dec_blocks.len()).map(|_| new_kv_cache()).collect();
        Ok(DecoderState {
            self_kv,
            cross_kv,
            pad: (n_pad > 0).then_some((first, n_pad)),
            pos: 0,
        })
    }

    /// Cross-attention of layer `i` for queries `q` `[1, heads, n, head_dim]`: the window's
    /// keys, then the padding memory's, each of those weighted ln(PAD_STRIDE).
    fn cross_attend(
        &self,
        state: &DecoderState,
        i: usize,
        q: &Tensor,
    ) -> candle_core::Result<Tensor> {
        let (ck, cv) = &state.cross_kv[i];
        let mut segments = vec![(ck.clone(), cv.clone(), 0.0)];
        if let Some((first, n)) = state.pad {
            let (pk, pv) = &self.pad_kv[i];
            let weight = (PAD_STRIDE as f32).ln();
            segments.push((pk.narrow(2, first, n)?, pv.narrow(2, first, n)?, weight));
        }
        match kernels::attend(q, &segments, false)? {
            Some(out) => Ok(out),
            None => attention_over(q, &segments),
        }
    }

    /// Feeds `tokens` and returns logits `[positions.len(), vocab]` for the requested
    /// positions (indices into `tokens`).
    pub fn decode(
        &self,
        state: &mut DecoderState,
        tokens: &[u32],
        positions: &[usize],
    ) -> candle_core::Result<Tensor> {
        let n = tokens.len();
        if state.pos + n > self.config.n_text_ctx {
            candle_core::bail!(
                "decoder context of {} tokens exceeded",
                self.config.n_text_ctx
            );
        }
        let mask = if n > 1 {
            Some(causal_mask(n, state.pos, &self.device)?)
        } else {
            None
        };
        let at = self.dec_pos.narrow(0, state.pos, n)?;
        let x = self.through_blocks(state, tokens, &at, mask.as_ref(), true)?;
        state.pos += n;
        self.logits(&x, positions)
    }

    /// The logits `[total, vocab]` of every token of `endings`, each ending fed after
    /// `state`'s tokens as if alone (its own positions; it sees the state's tokens and its
    /// own earlier ones, not the other endings'), in one pass: the weights are read once for
    /// all of them, not once per ending (a name heard again scores nine readings). `state` is
    /// left as it was.
    pub fn decode_side_by_side(
        &self,
        state: &DecoderState,
        endings: &[&[u32]],
    ) -> candle_core::Result<Tensor> {
        let longest = endings.iter().map(|e| e.len()).max().unwrap_or(0);
        if state.pos + longest > self.config.n_text_ctx {
            candle_core::bail!(
                "decoder context of {} tokens exceeded",
                self.config.n_text_ctx
            );
        }
        let tokens = endings.concat();
        if tokens.is_empty() {
            candle_core::bail!("no tokens to decode side by side");
        }
        let at: Vec<u32> = (endings.iter())
            .flat_map(|e| (0..e.len()).map(|j| (state.pos + j) as u32))
            .collect();
        let at = self
            .dec_pos
            .index_select(&Tensor::from_slice(&at, at.len(), &self.device)?, 0)?;
        let mask = side_by_side_mask(endings, state.pos, &self.device)?;
        let mut fork = state.fork()?;
        let x = self.through_blocks(&mut fork, &tokens, &at, Some(&mask), false)?;
        let all: Vec<usize> = (0..tokens.len()).collect();
        self.logits(&x, &all)
    }

    /// `tokens` at positional embeddings `at` through the decoder's blocks, their keys and
    /// values appended to `state`'s cache; self-attention by `mask` (`[n, past + n]`), or by
    /// the causal kernel where `causal` and the CPU allows.
    fn through_blocks(
        &self,
        state: &mut DecoderState,
        tokens: &[u32],
        at: &Tensor,
        mask: Option<&Tensor>,
        causal: bool,
    ) -> candle_core::Result<Tensor> {
        let ids = Tensor::from_slice(tokens, (1, tokens.len()), &self.device)?;
        let emb = self.token_emb.embedding(&ids)?;
        let mut x = emb.broadcast_add(at)?;
        let d = self.config.d_model;
        for (i, b) in self.dec_blocks.iter().enumerate() {
            let qkv = x.apply(&b.attn_ln)?.apply(&b.qkv)?;
            let q = split_heads(&qkv.narrow(D::Minus1, 0, d)?, b.heads)?;
            let k = split_heads(&qkv.narrow(D::Minus1, d, d)?, b.heads)?;
            let v = split_heads(&qkv.narrow(D::Minus1, 2 * d, d)?, b.heads)?;
            let (k, v) = state.self_kv[i].append(&k, &v)?;
            let self_attended = match causal {
                true => kernels::attend(&q, &[(k.clone(), v.clone(), 0.0)], true)?,
                false => None,
            };
            let self_attended = match self_attended {
                Some(out) => out,
                None => attention(&q, &k, &v, mask)?,
            };
            x = (&x + self_attended.apply(&b.out)?)?;
            let q = split_heads(&x.apply(&b.cross_ln)?.apply(&b.cross_q)?, b.heads)?;
            x = (&x + self.cross_attend(state, i, &q)?.apply(&b.cross_out)?)?;
            x = (&x + mlp(&x, &b.mlp_ln, &b.fc1, &b.fc2)?)?;
        }
        Ok(x)
    }

    /// The logits of `x`'s rows at `positions`.
    fn logits(&self, x: &Tensor, positions: &[usize]) -> candle_core::Result<Tensor> {
        let idx: Vec<u32> = positions.iter().map(|&p| p as u32).collect();
        let idx = Tensor::from_slice(&idx, idx.len(), &self.device)?;
        let x = x.i(0)?.index_select(&idx, 0)?.apply(&self.dec_ln)?;
        self.proj.forward(&x)?.to_dtype(DType::F32)
    }
}

/// The cross-attention key/value projections of every decoder layer as one f32 matrix: one
/// GEMM over the audio features per utterance instead of one per layer, so the features are
/// packed for the GEMM once.
struct CrossKv {
    proj: Linear,
    d: usize,
    heads: usize,
    layers: usize,
}

impl CrossKv {
    fn load(w: &mut Weights, config: &WhisperConfig) -> candle_core::Result<Self> {
        let kv = |i| layout::of(&layout::dec_layer(i), part::CROSS_KV);
        let weights: Vec<String> = (0..config.dec_layers)
            .map(|i| layout::weight(&kv(i)))
            .collect();
        let biases: Vec<String> = (0..config.dec_layers)
            .map(|i| layout::bias(&kv(i)))
            .collect();
        Ok(Self {
            proj: Linear {
                w: Weight::Ready(QMatMul::Tensor(w.f32_rows(&weights)?)),
                b: w.f32_rows(&biases)?.flatten_all()?,
            },
            d: config.d_model,
            heads: config.dec_heads,
            layers: config.dec_layers,
        })
    }

    /// Each layer's keys and values `[1, heads, positions, head_dim]` for `audio`
    /// `[1, positions, d_model]`.
    fn per_layer(&self, audio: &Tensor) -> candle_core::Result<Vec<(Tensor, Tensor)>> {
        let kv = audio.apply(&self.proj)?;
        let d = self.d;
        (0..self.layers)
            .map(|i| {
                Ok((
                    split_heads(&kv.narrow(D::Minus1, 2 * d * i, d)?, self.heads)?,
                    split_heads(&kv.narrow(D::Minus1, 2 * d * i + d, d)?, self.heads)?,
                ))
            })
            .collect()
    }
}

/// Each layer's padding keys and values `[1, heads, positions, head_dim]` from the stored
/// `[layers * 2, heads, positions, head_dim]`, its shape checked against the header's.
fn pad_kv_per_layer(
    stored: &Tensor,
    config: &WhisperConfig,
) -> candle_core::Result<Vec<(Tensor, Tensor)>> {
    let heads = config.dec_heads;
    let want = [
        2 * config.dec_layers,
        heads,
        config.n_audio_ctx.div_ceil(PAD_STRIDE),
        config.d_model / heads,
    ];
    if stored.dims() != want {
        candle_core::bail!(
            "{} is {:?} where the header says {want:?}",
            layout::ENC_PAD_KV,
            stored.dims()
        );
    }
    (0..config.dec_layers)
        .map(|i| Ok((stored.narrow(0, 2 * i, 1)?, stored.narrow(0, 2 * i + 1, 1)?)))
        .collect()
}

/// Mask for `endings` side by side after `past` cached tokens: `[n, past + n]`, each token
/// seeing the cached ones and its own ending's up to itself.
fn side_by_side_mask(
    endings: &[&[u32]],
    past: usize,
    device: &Device,
) -> candle_core::Result<Tensor> {
    let n: usize = endings.iter().map(|e| e.len()).sum();
    let mut m = vec![f32::NEG_INFINITY; n * (past + n)];
    let mut start = 0;
    for e in endings {
        for i in 0..e.len() {
            let row = &mut m[(start + i) * (past + n)..(start + i + 1) * (past + n)];
            row[..past].fill(0.0);
            row[past + start..=past + start + i].fill(0.0);
        }
        start += e.len();
    }
    Tensor::from_vec(m, (n, past + n), device)
}

/// Mask for `n` new tokens after `past` cached ones: `[n, past + n]`.
fn causal_mask(n: usize, past: usize, device: &Device) -> candle_core::Result<Tensor> {
    let m: Vec<f32> = (0..n)
        .flat_map(|i| {
            (0..past + n).map(move |j| if j > past + i { f32::NEG_INFINITY } else { 0.0 })
        })
        .collect();
    Tensor::from_vec(m, (n, past + n), device)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> WhisperConfig {
        WhisperConfig {
            name: "tiny.en".into(),
            quant: "q8_0".into(),
            n_mels: 80,
            d_model: 384,
            enc_heads: 6,
            dec_heads: 6,
            enc_layers: 4,
            dec_layers: 4,
            vocab: 51864,
            n_audio_ctx: 1500,
            n_text_ctx: 448,
            suppress_ids: Vec::new(),
            suppress_ids_begin: Vec::new(),
        }
    }

    fn shapes_of(c: &WhisperConfig) -> impl Fn(&str) -> Option<Vec<usize>> {
        let (a, t, v, d) = (c.n_audio_ctx, c.n_text_ctx, c.vocab, c.d_model);
        move |name| match name {
            "enc.pos" => Some(vec![a, d]),
            "dec.pos" => Some(vec![t, d]),
            "dec.emb" => Some(vec![v, d]),
            _ => None,
        }
    }

    #[test]
    fn header_numbers_that_would_panic_hang_or_overallocate_are_refused() {
        let good = tiny();
        assert!(good.check(shapes_of(&good)).is_ok());
        let cases = [
            WhisperConfig {
                enc_heads: 0,
                ..tiny()
            },
            WhisperConfig {
                dec_heads: 0,
                ..tiny()
            },
            WhisperConfig {
                dec_heads: 5,
                ..tiny()
            },
            WhisperConfig {
                d_model: 0,
                ..tiny()
            },
            WhisperConfig {
                n_audio_ctx: 0,
                ..tiny()
            },
            WhisperConfig {
                vocab: 4_000_000_000,
                ..tiny()
            },
            WhisperConfig {
                enc_layers: 1 << 40,
                ..tiny()
            },
        ];
        for bad in cases {
            // Even with tensors that agree with the bad header, the number itself is refused.
            let e = bad.check(shapes_of(&bad)).unwrap_err();
            assert!(e.starts_with("whisper."), "{e}");
        }
        // In range, but not what the tensors say.
        let liar = WhisperConfig {
            vocab: 51865,
            ..tiny()
        };
        let e = liar.check(shapes_of(&good)).unwrap_err();
        assert!(e.contains("dec.emb"), "{e}");
        assert!(good.check(|_| None).unwrap_err().contains("missing"));
    }

    /// The tensor-op path (other devices) and the CPU kernel agree on window + padding memory.
    #[test]
    fn attention_over_segments_matches_the_kernel() {
        let dev = Device::Cpu;
        let rand = |t: usize| Tensor::randn(0f32, 1.0, (1, 6, t, 64), &dev).unwrap();
        let q = rand(1);
        let segments = [
            (rand(250), rand(250), 0.0),
            (rand(313), rand(313), 4f32.ln()),
        ];
        let ours = kernels::attend(&q, &segments, false).unwrap().unwrap();
        let ops = attention_over(&q, &segments).unwrap();
        let diff = (ours - ops).unwrap().abs().unwrap().max_all().unwrap();
        assert!(diff.to_scalar::<f32>().unwrap() < 1e-5);
    }
}
