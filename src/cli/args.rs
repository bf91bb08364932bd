//! Arguments shared by several subcommands, with typed values: a bad value is a usage error
//! (exit 2) that lists the valid ones.

use anyhow::Result;
use clap::{Args, ValueEnum};
use voxshop::pipeline::RecognizerConfig;
use voxshop::stt::convert::Quant;
use voxshop::stt::{BiasMode, EncoderWindow, Lang, ModelKind};

/// A Whisper model, as the command line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    /// English only, fastest.
    #[value(name = "tiny.en", alias = "tiny-en")]
    TinyEn,
    /// Multilingual: English and French.
    Base,
}

impl From<ModelArg> for ModelKind {
    fn from(m: ModelArg) -> Self {
        match m {
            ModelArg::TinyEn => ModelKind::TinyEn,
            ModelArg::Base => ModelKind::Base,
        }
    }
}

/// A spoken language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    En,
    Fr,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::En => Lang::En,
            LangArg::Fr => Lang::Fr,
        }
    }
}

/// How weights are stored in the converted model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QuantArg {
    #[value(name = "q8_0")]
    Q8_0,
    F16,
    F32,
}

impl From<QuantArg> for Quant {
    fn from(q: QuantArg) -> Self {
        match q {
            QuantArg::Q8_0 => Quant::Q8_0,
            QuantArg::F16 => Quant::F16,
            QuantArg::F32 => Quant::F32,
        }
    }
}

/// How the catalogue steers the speech model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BiasArg {
    /// Slot values only.
    Off,
    /// Whisper's initial prompt.
    Prompt,
    /// A logit bonus on the tokens that continue a catalogue name.
    Trie,
    /// Prompt and trie.
    Both,
}

impl From<BiasArg> for BiasMode {
    fn from(b: BiasArg) -> Self {
        match b {
            BiasArg::Off => BiasMode::Off,
            BiasArg::Prompt => BiasMode::Prompt,
            BiasArg::Trie => BiasMode::Trie,
            BiasArg::Both => BiasMode::Both,
        }
    }
}

/// The speech model and how it reads the audio: `transcribe`, `listen` and `serve` alike.
#[derive(Args, Debug, Clone)]
pub struct ModelArgs {
    /// Whisper model [default: tiny.en, or the settings file's].
    #[arg(long, value_enum)]
    pub model: Option<ModelArg>,
    /// Language of the speech (base only); detected between en and fr when unset.
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// Encode the whole 30 s window instead of only the audio plus a margin.
    #[arg(long, conflicts_with_all = ["min_ctx", "margin_ctx"])]
    pub full_window: bool,
    /// Advanced: fewest encoder positions to run (1 position = 20 ms; 1500 = 30 s).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1500))]
    pub min_ctx: Option<u16>,
    /// Advanced: encoder positions of padding kept after the audio.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(0..=1500))]
    pub margin_ctx: Option<u16>,
    /// Advanced: decode the shortened window without the padding memory (to measure it).
    #[arg(long)]
    pub no_padding_memory: bool,
    /// Beam width of the second hearing of an English transcript that reads as no command,
    /// in doubt (0: none) [default: 4, or the settings file's].
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u8).range(0..=voxshop::pipeline::MAX_BEAMS as i64))]
    pub rescue_beams: Option<u8>,
}

impl ModelArgs {
    /// Writes the flags given over the settings; the model first, as the window depends on it.
    pub fn apply(&self, config: &mut RecognizerConfig) -> Result<()> {
        if let Some(m) = self.model {
            config.model = m.into();
        }
        if let Some(lang) = self.lang {
            anyhow::ensure!(
                config.model == ModelKind::Base,
                "--lang needs the multilingual model (--model base)"
            );
            config.decode.language = Some(lang.into());
        }
        if self.full_window {
            config.window = Some(EncoderWindow::FULL);
        }
        if let Some(n) = self.min_ctx {
            config.window_mut().min_ctx = n.into();
        }
        if let Some(n) = self.margin_ctx {
            config.window_mut().margin_ctx = n.into();
        }
        if self.no_padding_memory {
            config.window_mut().padding_memory = false;
        }
        if let Some(n) = self.rescue_beams {
            config.decode.rescue_beams = n.into();
        }
        Ok(())
    }
}
