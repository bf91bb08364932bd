//! Whisper's byte-level BPE through the `tokenizers` crate, plus the control token ids.

use crate::error::SttError;
use std::path::Path;

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

pub struct WhisperTokenizer {
    inner: tokenizers::Tokenizer,
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
        let inner = tokenizers::Tokenizer::from_file(path).map_err(|e| SttError::CorruptModel {
            path: path.to_owned(),
            reason: e.to_string(),
            fix: fix.to_string(),
        })?;
        let id = |t: &str| {
            inner.token_to_id(t).ok_or_else(|| SttError::CorruptModel {
                path: path.to_owned(),
                reason: format!("token {t} is missing"),
                fix: fix.to_string(),
            })
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
            inner,
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
        self.inner
            .encode(text, false)
            .map(|e| e.get_ids().to_vec())
            .unwrap_or_default()
    }

    /// Text of ordinary tokens (control tokens are skipped).
    pub fn decode(&self, tokens: &[u32]) -> String {
        let text: Vec<u32> = tokens.iter().copied().filter(|&t| t < self.eot).collect();
        self.inner.decode(&text, true).unwrap_or_default()
    }
}
