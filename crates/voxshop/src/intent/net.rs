//! A compact network over hashed sparse features (fastText-like embedding bag, a ReLU hidden
//! layer, a softmax output), with its SGD trainer.
//!
//! Hand-written rather than built on candle: inputs are ~50 active rows out of 2^18, so a
//! sparse forward/backward is a few microseconds, while dense tensor ops would dominate; and a
//! single-threaded loop with our own seeded RNG makes training bit-for-bit reproducible.

/// FNV-1a, 64-bit: stable across platforms and releases (std's hasher is not).
pub fn hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// SplitMix64: a tiny seeded generator whose sequence never changes with a dependency bump.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// Bucket-indexed embedding bag -> ReLU hidden -> logits.
#[derive(Debug, Clone)]
pub struct SparseNet {
    pub buckets: usize,
    pub hidden: usize,
    pub outputs: usize,
    /// `[buckets, hidden]`, rows of features never seen in training stay zero. Empty in a
    /// loaded net, which reads `saved`.
    pub emb: Vec<f32>,
    /// A loaded net's rows, as saved. Empty while training.
    pub saved: SavedRows,
    /// Rows given their random start (training only; not saved).
    pub touched: Vec<bool>,
    pub b1: Vec<f32>,
    /// `[dense, hidden]`: the weights of a dense input beside the bag (the utterance's word
    /// vector, `intent/vectors.rs`), empty for a net without one. Held by input, one input's
    /// weights to every hidden unit side by side, so that all the units' sums advance
    /// together in vector lanes; the file holds them by unit (`[hidden, dense]`, [`transpose`]
    /// at writing and reading).
    pub wd: Vec<f32>,
    /// `[outputs, hidden]`
    pub w2: Vec<f32>,
    pub b2: Vec<f32>,
}

/// Bytes a saved embedding row takes: its `hidden` values in 8 bits and the exponent of
/// its scale.
pub fn row_bytes(hidden: usize) -> usize {
    hidden + 1
}

/// `2^e`, exactly (`e` in -126..=127).
fn pow2(e: i32) -> f32 {
    f32::from_bits(((e + 127) as u32) << 23)
}

/// The smallest `e` with `max <= 127 * 2^e`: the row's largest value lands on 64..=127, so a
/// rounded row gives its own `e` back.
fn row_exponent(max: f32) -> i32 {
    let mut e = ((max / 127.0).log2().ceil() as i32).clamp(-126, 127);
    while e > -126 && max <= 127.0 * pow2(e - 1) {
        e -= 1;
    }
    while e < 127 && max > 127.0 * pow2(e) {
        e += 1;
    }
    e
}

/// Rounds an embedding row to what is saved of it, in place, and appends the saved bytes to
/// `out`: each value a multiple of the row's power-of-two scale in -127..=127 (one byte, two's
/// complement), then the scale's exponent (one byte). Half the f16 rows' size; the bag sums
/// a few dozen rows, which averages the rounding out (README, "Smaller and faster"). A
/// rounded row rounds to itself.
pub fn round_row(row: &mut [f32], out: &mut Vec<u8>) {
    let max = row.iter().fold(0f32, |m, v| m.max(v.abs()));
    let e = row_exponent(max);
    let scale = pow2(e);
    for v in row.iter_mut() {
        let q = (*v / scale).round().clamp(-127.0, 127.0) as i8;
        *v = q as f32 * scale;
        out.push(q as u8);
    }
    out.push(e as i8 as u8);
}

/// A saved row's values (as [`round_row`] left them in memory), or why the bytes are none.
fn widen_row(bytes: &[u8], row: &mut [f32]) -> Result<(), String> {
    let (values, e) = bytes.split_at(row.len());
    let e = e[0] as i8 as i32;
    if !(-126..=127).contains(&e) {
        return Err(format!("a row's scale exponent {e} is out of range"));
    }
    let scale = pow2(e);
    for (v, &q) in row.iter_mut().zip(values) {
        *v = q as i8 as f32 * scale;
    }
    Ok(())
}

/// A loaded net's embedding rows: the 8-bit rows of the model file, read from it row by row
/// as features need them. Loading copies nothing, and the process holds none of them: a
/// memory map counted every page its features touched, and the kernel maps 16 pages around
/// each one, so one command put 14 MB of the file in the process's resident memory (README,
/// "Speed": peak memory). A row costs one `pread` from the page cache. Each value widens
/// exactly as it is summed, so the logits are those of the saved weights.
#[derive(Debug, Clone, Default)]
pub struct SavedRows {
    file: Option<std::sync::Arc<std::fs::File>>,
    /// Where the rows start in `file`.
    start: u64,
    /// `row_of[bucket]`: the bucket's row, or `u32::MAX` for a bucket never seen in training
    /// (a zero row, not stored).
    row_of: Vec<u32>,
}

/// Most hidden units a network may have (`intent.json` is checked against it at load).
pub const MAX_HIDDEN: usize = 1024;

/// The widest row a model may have.
const MAX_ROW_BYTES: usize = MAX_HIDDEN + 1;

impl SavedRows {
    /// `rows[i]` is the bucket of the `i`-th stored row; `start` must leave room in a file
    /// of `file_len` bytes for `rows.len()` rows of [`row_bytes`]`(hidden)`, and every row
    /// must be below `buckets`.
    pub fn new(
        file: std::sync::Arc<std::fs::File>,
        file_len: usize,
        start: usize,
        rows: &[u32],
        buckets: usize,
        hidden: usize,
    ) -> Result<Self, String> {
        if row_bytes(hidden) > MAX_ROW_BYTES {
            return Err(format!(
                "rows of {hidden} values are wider than {MAX_ROW_BYTES} bytes"
            ));
        }
        let end = rows
            .len()
            .checked_mul(row_bytes(hidden))
            .and_then(|n| n.checked_add(start));
        if end.is_none_or(|end| end > file_len) {
            return Err(format!("{} rows run past the end of the file", rows.len()));
        }
        let mut row_of = vec![u32::MAX; buckets];
        for (i, &r) in rows.iter().enumerate() {
            let slot = row_of
                .get_mut(r as usize)
                .ok_or_else(|| format!("row {r} out of range (buckets: {buckets})"))?;
            *slot = i as u32;
        }
        Ok(Self {
            file: Some(file),
            start: start as u64,
            row_of,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.file.is_none()
    }

    /// Adds the row of `bucket` to `h` (nothing for a zero row), read once per `rows`.
    fn add_row(&self, bucket: u32, h: &mut [f32], rows: &mut RowCache) {
        let (Some(file), Some(&r)) = (&self.file, self.row_of.get(bucket as usize)) else {
            return;
        };
        if r == u32::MAX {
            return;
        }
        let row = rows
            .entry((self.start, r))
            .or_insert_with(|| self.read_row(file, r, h.len()));
        for (h, v) in h.iter_mut().zip(row.iter()) {
            *h += v;
        }
    }

    /// Row `r` of `hidden` values, widened; zeros (and a warning) when it cannot be read.
    fn read_row(&self, file: &std::fs::File, r: u32, hidden: usize) -> Box<[f32]> {
        let mut row = vec![0.0; hidden].into_boxed_slice();
        let mut buf = [0u8; MAX_ROW_BYTES];
        let buf = &mut buf[..row_bytes(hidden)];
        let at = self.start + r as u64 * buf.len() as u64;
        if let Err(e) = read_at(file, buf, at)
            .map_err(|e| e.to_string())
            .and_then(|()| widen_row(buf, &mut row))
        {
            // The file is held open, so only its truncation or overwriting in place gets
            // here; such a row reads as a feature never seen, and says so.
            // Once per process: a truncated file fails every row of every utterance.
            static WARNED: std::sync::Once = std::sync::Once::new();
            WARNED.call_once(|| {
                tracing::warn!("intent.safetensors: a row could not be read ({e}); its rows read as zero until the model is retrained or reinstalled (scripts/train-intent)");
            });
        }
        row
    }
}

#[cfg(unix)]
pub(crate) fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
pub(crate) fn read_at(
    file: &std::fs::File,
    mut buf: &mut [u8],
    mut at: u64,
) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

/// Rows read from a model file, widened, by (the net's first byte in the file, row).
type RowCache = std::collections::HashMap<(u64, u32), Box<[f32]>>;

/// Scratch space for the forward passes of one utterance, reused across calls.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    pub h: Vec<f32>,
    pub logits: Vec<f32>,
    /// The rows this utterance's features read. A row recurs across its tokens, readings and
    /// networks' calls ("bias", a word's shape, the intent), and each read is a syscall: read
    /// again each time, they were most of a long utterance's time (README, "Speed"). Dropped
    /// with the scratch, so the process still holds no rows between utterances.
    rows: RowCache,
    /// The dense inputs this utterance's readings computed, by their words: the whole, its
    /// sentences and its parts read the same words more than once, and the sentence encoder
    /// is most of the intent step's time.
    pub dense: Vec<(Vec<String>, std::sync::Arc<[f32]>)>,
    /// The intent networks' logits of this utterance's readings, by their words: a sentence
    /// is read alone as a possible answer and again as a part.
    pub intent_logits: Vec<(Vec<String>, Vec<Vec<f32>>)>,
    /// The hidden units' sums of the dense input.
    dense_sums: Vec<f32>,
    /// The sentence encoder's projections of the pieces this utterance's readings read.
    pub pieces: super::encoder::PieceMemo,
}

impl SparseNet {
    pub fn new(buckets: usize, hidden: usize, outputs: usize, rng: &mut Rng) -> Self {
        let scale = (6.0 / (hidden + outputs) as f32).sqrt();
        Self {
            buckets,
            hidden,
            outputs,
            emb: vec![0.0; buckets * hidden],
            saved: SavedRows::default(),
            touched: vec![false; buckets],
            b1: vec![0.0; hidden],
            wd: Vec::new(),
            w2: (0..outputs * hidden)
                .map(|_| (rng.unit() * 2.0 - 1.0) * scale)
                .collect(),
            b2: vec![0.0; outputs],
        }
    }

    /// Feature ids of strings.
    pub fn ids<'a>(&self, feats: impl IntoIterator<Item = &'a str>) -> Vec<u32> {
        feats
            .into_iter()
            .map(|f| (hash(f) % self.buckets as u64) as u32)
            .collect()
    }

    /// Gives the net a dense input of `dense` values, its weights drawn from `rng` unit by
    /// unit (the order the committed weights were drawn in).
    pub fn with_dense(mut self, dense: usize, rng: &mut Rng) -> Self {
        let scale = 1.0 / (dense.max(1) as f32).sqrt();
        let by_unit: Vec<f32> = (0..self.hidden * dense)
            .map(|_| (rng.unit() * 2.0 - 1.0) * scale)
            .collect();
        self.wd = transpose(&by_unit, self.hidden, dense);
        self
    }

    /// Values of the dense input (0 without one).
    pub fn dense(&self) -> usize {
        self.wd.len() / self.hidden.max(1)
    }

    /// `x` if it is this net's dense input, else none (a net without one, or an `x` of
    /// another length, reads the bag alone).
    fn dense_input<'x>(&self, x: &'x [f32]) -> &'x [f32] {
        match self.dense() {
            n if n > 0 && x.len() == n => x,
            _ => &[],
        }
    }

    /// Logits into `s.logits` (hidden activations kept in `s.h`).
    pub fn forward(&self, ids: &[u32], s: &mut Scratch) {
        self.forward_with(ids, &[], s)
    }

    /// [`Self::forward`] with the dense input `x` (`self.dense()` values; ignored by a net
    /// without one).
    pub fn forward_with(&self, ids: &[u32], x: &[f32], s: &mut Scratch) {
        let hd = self.hidden;
        s.h.clear();
        s.h.resize(hd, 0.0);
        let inv = pool_scale(ids.len());
        let rows = |id: u32| id as usize * hd..(id as usize + 1) * hd;
        if self.saved.is_empty() {
            for &id in ids {
                for (h, e) in s.h.iter_mut().zip(&self.emb[rows(id)]) {
                    *h += e;
                }
            }
        } else {
            for &id in ids {
                self.saved.add_row(id, &mut s.h, &mut s.rows);
            }
        }
        let x = self.dense_input(x);
        // Each unit's sum of the dense input as `Iterator::sum` takes it (the committed
        // weights' bits): from -0.0, in the order of the inputs, a multiply then an add; the
        // units side by side keep the adder busy where one sum waited on each addition. A net
        // without a dense input adds 0.0, as it always has.
        s.dense_sums.clear();
        s.dense_sums
            .resize(hd, if x.is_empty() { 0.0 } else { -0.0 });
        for (&v, weights) in x.iter().zip(self.wd.chunks_exact(hd)) {
            for (sum, w) in s.dense_sums.iter_mut().zip(weights) {
                *sum += w * v;
            }
        }
        for ((h, b), f) in s.h.iter_mut().zip(&self.b1).zip(&s.dense_sums) {
            *h = (*h * inv + b + f).max(0.0);
        }
        self.logits(s)
    }

    /// The output layer: logits of `s.h` into `s.logits`.
    fn logits(&self, s: &mut Scratch) {
        let hd = self.hidden;
        s.logits.clear();
        s.logits.extend(self.b2.iter().enumerate().map(|(o, b)| {
            b + self.w2[o * hd..(o + 1) * hd]
                .iter()
                .zip(&s.h)
                .map(|(w, h)| w * h)
                .sum::<f32>()
        }));
    }

    /// Gives rows seen for the first time their random start (lazily, so that rows no
    /// training feature reaches stay exactly zero and cost nothing on disk).
    fn init_rows(&mut self, ids: &[u32], rng: &mut Rng) {
        let hd = self.hidden;
        let scale = 1.0 / (hd as f32).sqrt();
        for &id in ids {
            let id = id as usize;
            if !self.touched[id] {
                self.touched[id] = true;
                for e in &mut self.emb[id * hd..(id + 1) * hd] {
                    *e = (rng.unit() * 2.0 - 1.0) * scale;
                }
            }
        }
    }

    /// One SGD step on softmax cross-entropy towards `target`; returns the loss.
    pub fn train_step(
        &mut self,
        ids: &[u32],
        target: usize,
        lr: f32,
        rng: &mut Rng,
        s: &mut Scratch,
    ) -> f32 {
        self.train_step_with(ids, &[], target, lr, rng, s)
    }

    /// [`Self::train_step`] with the dense input `x`.
    pub fn train_step_with(
        &mut self,
        ids: &[u32],
        x: &[f32],
        target: usize,
        lr: f32,
        rng: &mut Rng,
        s: &mut Scratch,
    ) -> f32 {
        self.init_rows(ids, rng);
        self.forward_with(ids, x, s);
        let probs = softmax(&s.logits);
        let hd = self.hidden;
        let mut grad_h = vec![0f32; hd];
        for (o, &p) in probs.iter().enumerate() {
            let g = p - if o == target { 1.0 } else { 0.0 };
            let w = &mut self.w2[o * hd..(o + 1) * hd];
            for j in 0..hd {
                grad_h[j] += g * w[j];
                w[j] -= lr * g * s.h[j];
            }
            self.b2[o] -= lr * g;
        }
        let inv = pool_scale(ids.len());
        for ((g, b), &h) in grad_h.iter_mut().zip(self.b1.iter_mut()).zip(&s.h) {
            if h <= 0.0 {
                *g = 0.0;
            }
            *b -= lr * *g;
        }
        for &id in ids {
            let row = &mut self.emb[id as usize * hd..(id as usize + 1) * hd];
            for (e, g) in row.iter_mut().zip(&grad_h) {
                *e -= lr * g * inv;
            }
        }
        let x = self.dense_input(x);
        for (weights, v) in self.wd.chunks_exact_mut(hd).zip(x) {
            for (w, g) in weights.iter_mut().zip(&grad_h) {
                *w -= lr * g * v;
            }
        }
        -probs[target].max(1e-12).ln()
    }
}

/// `v` (`rows` x `cols`, row by row) column by column.
pub fn transpose(v: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    (0..rows * cols)
        .map(|at| v[(at % rows) * cols + at / rows])
        .collect()
}

/// Bag pooling: sum scaled by 1/sqrt(n), between a sum (long inputs blow up) and a mean
/// (each feature's gradient vanishes).
fn pool_scale(n: usize) -> f32 {
    1.0 / (n.max(1) as f32).sqrt()
}

pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|&l| (l - max).exp()).collect();
    let sum: f32 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed weights were trained with one `Iterator::sum` per hidden unit over the
    /// weights held by unit: the sums side by side over the weights held by input must give
    /// its bits.
    #[test]
    fn dense_sums_give_the_iterators_bits_per_unit() {
        let mut rng = Rng::new(3);
        let (hidden, dense) = (20, 37);
        let net = SparseNet::new(1 << 8, hidden, 4, &mut rng).with_dense(dense, &mut rng);
        assert_eq!(net.dense(), dense);
        let ids = net.ids(["w:buy", "w:milk"]);
        let x: Vec<f32> = (0..dense).map(|_| rng.unit() * 2.0 - 1.0).collect();
        let mut s = Scratch::default();
        net.forward_with(&ids, &x, &mut s);
        let by_unit = transpose(&net.wd, dense, hidden);
        for (j, sum) in s.dense_sums.iter().enumerate() {
            let want: f32 = by_unit[j * dense..(j + 1) * dense]
                .iter()
                .zip(&x)
                .map(|(w, v)| w * v)
                .sum();
            assert_eq!(sum.to_bits(), want.to_bits(), "unit {j}");
        }
        assert_eq!(transpose(&by_unit, hidden, dense), net.wd);
    }

    #[test]
    fn learns_a_separable_toy_task() {
        let mut rng = Rng::new(7);
        let mut net = SparseNet::new(1 << 10, 8, 2, &mut rng);
        let mut s = Scratch::default();
        let a = net.ids(["w:buy", "w:milk"]);
        let b = net.ids(["w:weather", "w:today"]);
        for _ in 0..200 {
            net.train_step(&a, 0, 0.2, &mut rng, &mut s);
            net.train_step(&b, 1, 0.2, &mut rng, &mut s);
        }
        net.forward(&a, &mut s);
        assert!(softmax(&s.logits)[0] > 0.9);
        net.forward(&b, &mut s);
        assert!(softmax(&s.logits)[1] > 0.9);
        assert_eq!(hash("abc"), 0xe71fa2190541574b);
    }

    /// Two inputs of the same n-grams told apart by their dense input alone.
    #[test]
    fn a_dense_input_is_learnt_beside_the_bag() {
        let mut rng = Rng::new(11);
        let mut net = SparseNet::new(1 << 10, 8, 2, &mut rng).with_dense(3, &mut rng);
        assert_eq!(net.dense(), 3);
        let mut s = Scratch::default();
        let ids = net.ids(["w:when", "w:arrive"]);
        let (a, b) = ([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]);
        for _ in 0..300 {
            net.train_step_with(&ids, &a, 0, 0.2, &mut rng, &mut s);
            net.train_step_with(&ids, &b, 1, 0.2, &mut rng, &mut s);
        }
        net.forward_with(&ids, &a, &mut s);
        assert!(softmax(&s.logits)[0] > 0.9);
        net.forward_with(&ids, &b, &mut s);
        assert!(softmax(&s.logits)[1] > 0.9);
        // Without its dense input the net reads the bag alone: neither answer sure.
        net.forward(&ids, &mut s);
        assert!(softmax(&s.logits)[0] < 0.9 && softmax(&s.logits)[1] < 0.9);
    }

    #[test]
    fn a_rounded_row_is_within_half_a_step_and_rounds_to_itself() {
        let mut rng = Rng::new(9);
        for magnitude in [1e-3f32, 0.05, 1.0, 37.0] {
            let row: Vec<f32> = (0..48)
                .map(|_| (rng.unit() * 2.0 - 1.0) * magnitude)
                .collect();
            let (mut rounded, mut bytes) = (row.clone(), Vec::new());
            round_row(&mut rounded, &mut bytes);
            assert_eq!(bytes.len(), row_bytes(48));
            let max = row.iter().fold(0f32, |m, v| m.max(v.abs()));
            for (a, b) in row.iter().zip(&rounded) {
                assert!((a - b).abs() <= max / 127.0, "{a} -> {b}");
            }
            let (mut again, mut bytes_again) = (rounded.clone(), Vec::new());
            round_row(&mut again, &mut bytes_again);
            assert_eq!((&again, &bytes_again), (&rounded, &bytes));
            let mut widened = vec![0f32; 48];
            widen_row(&bytes, &mut widened).unwrap();
            assert_eq!(widened, rounded);
        }
        let mut bad = vec![0u8; row_bytes(4)];
        bad[4] = (-127i8) as u8;
        assert!(widen_row(&bad, &mut [0.0; 4]).is_err());
    }

    /// Two nets whose rows lie in one file, read through one scratch (as an utterance's
    /// networks share one): each gets its own rows, the same on every call, and the logits
    /// of the saved (8-bit) rows summed in memory.
    #[test]
    fn rows_read_from_the_file_are_each_nets_own_on_every_call() {
        let mut rng = Rng::new(3);
        let (buckets, hidden) = (64, 8);
        let mut nets = [0, 1].map(|_| SparseNet::new(buckets, hidden, 3, &mut rng));
        let rows: Vec<u32> = (0..buckets as u32).step_by(2).collect();
        let mut bytes = Vec::new();
        for net in &mut nets {
            net.b1 = (0..hidden).map(|_| rng.unit()).collect();
            for &r in &rows {
                let row = &mut net.emb[r as usize * hidden..(r as usize + 1) * hidden];
                row.iter_mut().for_each(|e| *e = rng.unit() * 2.0 - 1.0);
                round_row(row, &mut bytes);
            }
        }
        let path = std::env::temp_dir().join(format!("voxshop-rows-{}", std::process::id()));
        std::fs::write(&path, &bytes).unwrap();
        let file = std::sync::Arc::new(std::fs::File::open(&path).unwrap());
        let loaded: Vec<SparseNet> = (nets.iter().enumerate())
            .map(|(i, net)| SparseNet {
                saved: SavedRows::new(
                    file.clone(),
                    bytes.len(),
                    i * bytes.len() / 2,
                    &rows,
                    buckets,
                    hidden,
                )
                .unwrap(),
                emb: Vec::new(),
                ..net.clone()
            })
            .collect();
        std::fs::remove_file(&path).unwrap();
        let inputs: [&[u32]; 3] = [&[0, 2, 4, 5], &[4, 6, 0], &[2, 2, 63, 4]];
        let (mut shared, mut fresh) = (Scratch::default(), Scratch::default());
        for _ in 0..2 {
            for ids in inputs {
                for (net, saved) in nets.iter().zip(&loaded) {
                    net.forward(ids, &mut fresh);
                    saved.forward(ids, &mut shared);
                    assert_eq!(fresh.logits, shared.logits, "{ids:?}");
                }
            }
        }
    }
}
