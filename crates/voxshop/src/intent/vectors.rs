//! Word vectors: a static table of WordPiece vectors distilled from a pretrained sentence
//! encoder (`scripts/distill_vectors.py`, committed as `models/intent/word_vectors.safetensors`).
//! The intent networks read an utterance's mean vector beside their hashed n-grams, so that a
//! phrasing the corpus never wrote ("when do my running shoes arrive") lands near the ones it
//! did (README, "Word vectors"). A lookup, not an encoder run: the intent step stays within
//! its budget, and training reproduces its weights byte for byte on any CPU.

use std::path::Path;
use std::sync::Arc;

use tokenizers::models::wordpiece::WordPiece;
use tokenizers::normalizers::bert::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::Tokenizer;

/// Largest table accepted: pieces and values per piece (all-MiniLM-L6-v2: 30,522 x 384).
const MAX_PIECES: usize = 1 << 20;
const MAX_DIMS: usize = 4096;

/// The table: its pieces' tokenizer, and where each piece's f16 row lies in the file (read
/// with one `pread` per piece and utterance, like the networks' rows: the process holds none
/// of the table between utterances).
pub struct WordVectors {
    tokenizer: Tokenizer,
    file: Arc<std::fs::File>,
    start: u64,
    pieces: usize,
    dims: usize,
}

impl std::fmt::Debug for WordVectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WordVectors({} x {})", self.pieces, self.dims)
    }
}

impl WordVectors {
    /// Reads the header of `path` (a `vectors` tensor of f16 `[pieces, dims]`, the pieces in
    /// its metadata `vocab`, one per line, in row order); the rows stay in the file.
    pub fn load(path: &Path) -> Result<Self, String> {
        let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
        // SAFETY: read only while loading; the file is replaced by renaming a new one over it.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| e.to_string())?;
        // The header alone: `read_metadata` also checks that the tensors fill the file.
        let (header, meta) =
            safetensors::SafeTensors::read_metadata(&map[..]).map_err(|e| e.to_string())?;
        let t = meta.info("vectors").ok_or("tensor vectors missing")?;
        let (pieces, dims) = match (t.dtype, t.shape.as_slice()) {
            (safetensors::Dtype::F16, &[p, d]) => (p, d),
            (dtype, shape) => {
                return Err(format!(
                    "vectors is {dtype:?} {shape:?}, not F16 [pieces, dims]"
                ))
            }
        };
        if pieces == 0 || pieces > MAX_PIECES || dims == 0 || dims > MAX_DIMS {
            return Err(format!(
                "vectors is [{pieces}, {dims}]: at most [{MAX_PIECES}, {MAX_DIMS}], none empty"
            ));
        }
        let vocab: Vec<&str> = meta
            .metadata()
            .as_ref()
            .and_then(|m| m.get("vocab"))
            .ok_or("metadata vocab missing")?
            .split('\n')
            .collect();
        if vocab.len() != pieces {
            return Err(format!("{} pieces in vocab for {pieces} rows", vocab.len()));
        }
        let start = 8 + header + t.data_offsets.0;
        Ok(Self {
            tokenizer: wordpiece(&vocab)?,
            file: Arc::new(file),
            start: start as u64,
            pieces,
            dims,
        })
    }

    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The unit-length mean of the vectors of the pieces of `tokens` (read as one text),
    /// times `scale`; zeros for a text of no piece (or a table that cannot be read).
    pub fn sentence(&self, tokens: &[String], scale: f32) -> Vec<f32> {
        let mut mean = vec![0f32; self.dims];
        let ids = match self.tokenizer.encode(tokens.join(" "), false) {
            Ok(encoding) => encoding.get_ids().to_vec(),
            Err(_) => Vec::new(),
        };
        let mut row = vec![0u8; self.dims * 2];
        for &id in ids.iter().filter(|&&id| (id as usize) < self.pieces) {
            let at = self.start + id as u64 * row.len() as u64;
            if let Err(e) = super::net::read_at(&self.file, &mut row, at) {
                static WARNED: std::sync::Once = std::sync::Once::new();
                WARNED.call_once(|| {
                    tracing::warn!("word_vectors.safetensors: a row could not be read ({e}); intents are judged without word vectors until scripts/distill_vectors.py makes it again");
                });
                return vec![0f32; self.dims];
            }
            for (m, b) in mean.iter_mut().zip(row.chunks_exact(2)) {
                *m += half::f16::from_le_bytes([b[0], b[1]]).to_f32();
            }
        }
        let norm = mean.iter().map(|v| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            for m in &mut mean {
                *m *= scale / norm;
            }
        }
        mean
    }
}

/// What the intent networks read beside their n-grams: a table of word vectors, or the
/// sentence encoder (told apart by the file's `format`).
#[derive(Debug)]
pub enum DenseInput {
    Words(Box<WordVectors>),
    Sentences(Box<super::encoder::LazyEncoder>),
}

impl DenseInput {
    /// The encoder for a file that names a format (what `voxshop setup --encoder` writes),
    /// else a word-vector table.
    pub fn load(path: &Path) -> Result<Self, String> {
        match super::encoder::file_format(path)? {
            Some(_) => {
                super::encoder::LazyEncoder::start(path).map(|e| Self::Sentences(Box::new(e)))
            }
            None => WordVectors::load(path).map(|w| Self::Words(Box::new(w))),
        }
    }

    pub fn dims(&self) -> usize {
        match self {
            Self::Words(w) => w.dims(),
            Self::Sentences(_) => super::encoder::DIMS,
        }
    }
}

/// BERT's uncased WordPiece tokenizer over `vocab` (row order = id): lower case, accents
/// stripped, split at whitespace and punctuation, longest known piece first.
fn wordpiece(vocab: &[&str]) -> Result<Tokenizer, String> {
    let ids: ahash::AHashMap<String, u32> = vocab
        .iter()
        .enumerate()
        .map(|(i, p)| (p.to_string(), i as u32))
        .collect();
    if ids.len() != vocab.len() || !ids.contains_key("[UNK]") {
        return Err("vocab: pieces repeat, or [UNK] is missing".into());
    }
    let model = WordPiece::builder()
        .vocab(ids)
        .unk_token("[UNK]".into())
        .continuing_subword_prefix("##".into())
        .build()
        .map_err(|e| e.to_string())?;
    let mut tokenizer = Tokenizer::new(model);
    tokenizer
        .with_normalizer(Some(BertNormalizer::new(true, true, None, true)))
        .map_err(|e| e.to_string())?;
    tokenizer.with_pre_tokenizer(Some(BertPreTokenizer));
    Ok(tokenizer)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table of four pieces in three dimensions, written as `scripts/distill_vectors.py`
    /// writes one.
    fn table(dir: &Path) -> std::path::PathBuf {
        let vocab = ["[PAD]", "[UNK]", "milk", "##s"];
        let rows: [[f32; 3]; 4] = [[0.0; 3], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]];
        let data: Vec<u8> = (rows.iter().flatten())
            .flat_map(|&v| half::f16::from_f32(v).to_le_bytes())
            .collect();
        let view = safetensors::tensor::TensorView::new(safetensors::Dtype::F16, vec![4, 3], &data)
            .unwrap();
        let meta = std::collections::HashMap::from([("vocab".to_string(), vocab.join("\n"))]);
        let bytes = safetensors::serialize([("vectors", view)], Some(meta)).unwrap();
        let path = dir.join("word_vectors.safetensors");
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn an_utterance_reads_the_unit_mean_of_its_pieces() {
        let dir = std::env::temp_dir().join(format!("voxshop-vectors-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let v = WordVectors::load(&table(&dir)).unwrap();
        assert_eq!(v.dims(), 3);
        let words = |t: &str| t.split(' ').map(String::from).collect::<Vec<_>>();
        // "Milks" is lower-cased and split into milk + ##s: the mean of two unit rows.
        let x = v.sentence(&words("Milks"), 2.0);
        let r = 2f32.sqrt();
        assert!(
            (x[0] - r).abs() < 1e-3 && (x[1] - r).abs() < 1e-3 && x[2] == 0.0,
            "{x:?}"
        );
        // An unknown word is [UNK]'s row; no piece at all is no vector.
        assert_eq!(v.sentence(&words("bread"), 1.0), vec![0.0, 0.0, 1.0]);
        assert_eq!(v.sentence(&[], 1.0), vec![0.0; 3]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_table_without_its_pieces_is_refused() {
        let dir = std::env::temp_dir().join(format!("voxshop-novocab-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let data = vec![0u8; 4 * 3 * 2];
        let view = safetensors::tensor::TensorView::new(safetensors::Dtype::F16, vec![4, 3], &data)
            .unwrap();
        let path = dir.join("v.safetensors");
        std::fs::write(
            &path,
            safetensors::serialize([("vectors", view)], None).unwrap(),
        )
        .unwrap();
        let e = WordVectors::load(&path).unwrap_err();
        assert!(e.contains("vocab"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
