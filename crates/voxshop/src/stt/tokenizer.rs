//! Whisper's tokens: decoding from the vocabulary's byte table and the control token ids, read
//! at load; encoding (catalogue names, prompts) through the `tokenizers` crate's byte-level
//! BPE, built on first use. Building the BPE (its 50,000 merges and pre-tokenizer) was most of
//! the tokenizer's load time, and a recogniser without a catalogue never encodes.

use crate::error::SttError;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The languages the product serves.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "en" => Ok(Lang::En),
            "fr" => Ok(Lang::Fr),
            _ => Err(format!("unsupported language {s:?} (en, fr)")),
        }
    }
}

/// The parts of `tokenizer.json` decoding needs; the rest of the file is skipped.
#[derive(serde::Deserialize)]
struct TokenizerFile {
    model: VocabFile,
    added_tokens: Vec<AddedToken>,
}

#[derive(serde::Deserialize)]
struct VocabFile {
    vocab: DecodeTable,
}

#[derive(serde::Deserialize)]
struct AddedToken {
    id: u32,
    content: String,
}

/// More tokens than this is not a Whisper vocabulary (51,865 for the multilingual models).
const MAX_VOCAB: usize = 1 << 17;

pub struct WhisperTokenizer {
    /// Each ordinary token's bytes (byte-level BPE: a token's characters stand for bytes).
    bytes: DecodeTable,
    path: PathBuf,
    encoder: OnceLock<Option<tokenizers::Tokenizer>>,
    pub sot: u32,
    pub eot: u32,
    pub transcribe: u32,
    pub no_timestamps: u32,
    pub no_speech: u32,
    /// `<|startofprev|>`: what follows it, up to `<|startoftranscript|>`, is an initial prompt.
    pub sot_prev: u32,
    en: u32,
    fr: u32,
}

impl WhisperTokenizer {
    pub fn load(path: &Path, fix: &str) -> Result<Self, SttError> {
        if !path.exists() {
            return Err(SttError::MissingModel {
                path: path.to_owned(),
                fix: fix.to_string(),
            });
        }
        let corrupt = |reason: String| SttError::CorruptModel {
            path: path.to_owned(),
            reason,
            fix: fix.to_string(),
        };
        let text = std::fs::read(path).map_err(|source| SttError::Io {
            path: path.to_owned(),
            source,
        })?;
        let file: TokenizerFile =
            serde_json::from_slice(&text).map_err(|e| corrupt(e.to_string()))?;
        let bytes = file.model.vocab;
        let special: HashMap<&str, u32> = file
            .added_tokens
            .iter()
            .map(|t| (t.content.as_str(), t.id))
            .collect();
        let id = |t: &str| {
            special
                .get(t)
                .copied()
                .ok_or_else(|| corrupt(format!("token {t} is missing")))
        };
        let no_speech = id("<|nospeech|>").or_else(|_| id("<|nocaptions|>"))?;
        Ok(Self {
            sot: id("<|startoftranscript|>")?,
            eot: id("<|endoftext|>")?,
            transcribe: id("<|transcribe|>")?,
            no_timestamps: id("<|notimestamps|>")?,
            sot_prev: id("<|startofprev|>")?,
            en: id("<|en|>")?,
            fr: id("<|fr|>")?,
            no_speech,
            bytes,
            path: path.to_owned(),
            encoder: OnceLock::new(),
        })
    }

    pub fn lang_token(&self, lang: Lang) -> u32 {
        match lang {
            Lang::En => self.en,
            Lang::Fr => self.fr,
        }
    }

    /// Tokens of ordinary text (no special tokens added); none for text it cannot encode.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let encoder = self.encoder.get_or_init(|| {
            tokenizers::Tokenizer::from_file(&self.path)
                .map_err(|e| {
                    tracing::error!(
                        "{}: {e}; names cannot steer the recogniser",
                        self.path.display()
                    )
                })
                .ok()
        });
        encoder
            .as_ref()
            .and_then(|t| t.encode(text, false).ok())
            .map(|e| e.get_ids().to_vec())
            .unwrap_or_default()
    }

    /// Bytes of text a token writes (none for a control token): where each token of a
    /// transcript stands in its text.
    pub fn byte_len(&self, token: u32) -> usize {
        match token < self.eot {
            true => self.bytes.get(token).len(),
            false => 0,
        }
    }

    /// Text of ordinary tokens (control tokens are skipped).
    pub fn decode(&self, tokens: &[u32]) -> String {
        let bytes: Vec<u8> = tokens
            .iter()
            .filter(|&&t| t < self.eot)
            .flat_map(|&t| self.bytes.get(t))
            .copied()
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// Each token's bytes, by id, from the vocabulary's byte-level spellings, in one buffer.
/// Read straight from the file's `"vocab"` map: a map of 51,864 owned strings, hashed and then
/// turned into a table, was most of the tokenizer's load time (README, "Speed").
struct DecodeTable {
    bytes: Vec<u8>,
    /// Each id's `(start, len)` in `bytes`; ids the vocabulary skips write nothing.
    spans: Vec<(u32, u32)>,
}

impl DecodeTable {
    fn get(&self, token: u32) -> &[u8] {
        match self.spans.get(token as usize) {
            Some(&(start, len)) => &self.bytes[start as usize..(start + len) as usize],
            None => &[],
        }
    }
}

impl<'de> serde::Deserialize<'de> for DecodeTable {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(VocabVisitor)
    }
}

struct VocabVisitor;

impl<'de> serde::de::Visitor<'de> for VocabVisitor {
    type Value = DecodeTable;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a map of byte-level token spellings to ids")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<DecodeTable, A::Error> {
        use serde::de::Error;
        let byte_of = unicode_to_byte();
        let mut bytes = Vec::with_capacity(1 << 19);
        let mut placed: Vec<(u32, u32, u32)> = Vec::with_capacity(1 << 16);
        while let Some((Spelling(spelling), id)) = map.next_entry::<Spelling, u32>()? {
            if placed.len() >= MAX_VOCAB {
                return Err(A::Error::custom(format!("more than {MAX_VOCAB} tokens")));
            }
            let start = bytes.len();
            for c in spelling.chars() {
                match byte_of.get(c as usize).copied().flatten() {
                    Some(b) => bytes.push(b),
                    None => {
                        return Err(A::Error::custom(format!(
                            "token {spelling:?} is not byte-level"
                        )))
                    }
                }
            }
            placed.push((id, start as u32, (bytes.len() - start) as u32));
        }
        let n = placed.len();
        if n == 0 {
            return Err(A::Error::custom("a vocabulary of 0 tokens"));
        }
        let mut spans = vec![(0, 0); n];
        for (id, start, len) in placed {
            let slot = spans.get_mut(id as usize).ok_or_else(|| {
                A::Error::custom(format!("token id {id} is outside the vocabulary's {n}"))
            })?;
            *slot = (start, len);
        }
        Ok(DecodeTable { bytes, spans })
    }
}

/// A vocabulary key, borrowed from the file where it has no escapes.
struct Spelling<'a>(std::borrow::Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for Spelling<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Spelling<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a token spelling")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Spelling<'de>, E> {
                Ok(Spelling(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Spelling<'de>, E> {
                Ok(Spelling(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// GPT-2's byte-level alphabet, reversed and indexed by code point: printable bytes stand for
/// themselves, the others for the characters from U+0100 on, in byte order.
fn unicode_to_byte() -> Vec<Option<u8>> {
    let printable = |b: u8| matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF);
    let mut table = vec![None; 512];
    let mut next = 0usize;
    for b in 0..=255u8 {
        let c = match printable(b) {
            true => b as usize,
            false => {
                next += 1;
                255 + next
            }
        };
        table[c] = Some(b);
    }
    table
}
