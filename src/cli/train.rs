//! `voxshop train-intent` and `voxshop eval-intent`.

use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use voxshop::catalog::Catalog;
use voxshop::intent::eval::{evaluate_with, read_labelled};
use voxshop::intent::features::Gazetteer;
use voxshop::intent::train::{calibrate, train, TrainConfig};
use voxshop::intent::IntentModel;

#[derive(Args, Debug)]
pub struct TrainArgs {
    /// Corpus files (JSON Lines: scripts/gen_corpus.py's output, data/real/train.jsonl,
    /// data/asr/*.jsonl), read in the order given.
    #[arg(long = "corpus", value_name = "FILE", required = true)]
    pub corpus: Vec<PathBuf>,
    /// Hand-written dev files used to fit the temperature and rejection threshold.
    #[arg(long = "dev", value_name = "FILE")]
    pub dev: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, default_value = "models/intent")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    #[arg(long, default_value_t = TrainConfig::default().epochs)]
    pub epochs: usize,
    /// Hash buckets for features (power of two).
    #[arg(long, default_value_t = TrainConfig::default().buckets)]
    pub buckets: usize,
    /// Hidden units of the intent networks.
    #[arg(long, default_value_t = TrainConfig::default().intent_hidden)]
    pub hidden: usize,
    /// Hidden units of the slot tagger.
    #[arg(long, default_value_t = TrainConfig::default().tagger_hidden)]
    pub tagger_hidden: usize,
    /// Hidden units of the command splitter.
    #[arg(long, default_value_t = TrainConfig::default().splitter_hidden)]
    pub splitter_hidden: usize,
    /// Hidden units of the completer (whole command or one still being said).
    #[arg(long, default_value_t = TrainConfig::default().completer_hidden)]
    pub completer_hidden: usize,
    /// Intent networks averaged (each from the next seeded draws).
    #[arg(long, default_value_t = TrainConfig::default().ensemble)]
    pub ensemble: usize,
    /// Taggers, splitters and completers averaged, each as many.
    #[arg(long, default_value_t = TrainConfig::default().labellers)]
    pub labellers: usize,
    /// Completers averaged (whole command or one still being said), when not as many as
    /// --labellers.
    #[arg(long)]
    pub completers: Option<usize>,
    #[arg(long, default_value_t = TrainConfig::default().lr)]
    pub lr: f32,
    #[arg(long, default_value_t = TrainConfig::default().feature_dropout)]
    pub dropout: f32,
    /// What the intent networks read beside their n-grams: the sentence encoder
    /// (models/intent/sentence_encoder.safetensors; `voxshop setup --encoder` makes it, and
    /// data/training.toml names it) or a word-vector table (scripts/distill_vectors.py).
    #[arg(long, value_name = "FILE")]
    pub vectors: Option<PathBuf>,
    /// The length of the utterance's dense input (embedding or mean word vector) as the intent
    /// networks read it.
    #[arg(long, default_value_t = TrainConfig::default().vector_scale)]
    pub vector_scale: f32,
    /// Probability of hiding an example's n-grams from the intent networks (only with
    /// --vectors), so that they learn to answer from the dense input alone.
    #[arg(long, default_value_t = TrainConfig::default().bag_dropout)]
    pub bag_dropout: f32,
}

pub fn run_train(args: TrainArgs) -> Result<ExitCode> {
    let cfg = TrainConfig {
        seed: args.seed,
        epochs: args.epochs,
        buckets: args.buckets,
        intent_hidden: args.hidden,
        tagger_hidden: args.tagger_hidden,
        splitter_hidden: args.splitter_hidden,
        completer_hidden: args.completer_hidden,
        ensemble: args.ensemble,
        labellers: args.labellers,
        completers: args.completers,
        lr: args.lr,
        feature_dropout: args.dropout,
        vectors: args.vectors,
        vector_scale: args.vector_scale,
        bag_dropout: args.bag_dropout,
    };
    let dev: Vec<&std::path::Path> = args.dev.iter().map(PathBuf::as_path).collect();
    let t0 = std::time::Instant::now();
    let corpora: Vec<&std::path::Path> = args.corpus.iter().map(PathBuf::as_path).collect();
    let model = train(&corpora, &dev, &args.out, &cfg).context("training")?;
    println!(
        "trained in {:.1} s: temperature {:.2}, threshold {:.2}, spend threshold {:.2}; wrote {}",
        t0.elapsed().as_secs_f64(),
        model.settings.temperature,
        model.settings.threshold,
        model.settings.spend_threshold,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct CalibrateArgs {
    /// Intent model directory whose temperature and acceptance bars are refitted in place.
    #[arg(long, value_name = "DIR", required = true)]
    pub intent_model: PathBuf,
    /// Labelled dev files (as for train-intent --dev).
    #[arg(long = "dev", value_name = "FILE", required = true)]
    pub dev: Vec<PathBuf>,
}

/// Refits a trained model's temperature and acceptance bars on dev files.
pub fn run_calibrate(args: CalibrateArgs) -> Result<ExitCode> {
    let dir = &args.intent_model;
    let mut model = IntentModel::load(dir).context("loading the intent model")?;
    let dev: Vec<&std::path::Path> = args.dev.iter().map(PathBuf::as_path).collect();
    calibrate(&mut model, &dev).context("calibrating")?;
    model
        .save_settings(dir)
        .context("saving the intent model")?;
    println!(
        "temperature {:.2}, threshold {:.2}, spend threshold {:.2}; wrote {}",
        model.settings.temperature,
        model.settings.threshold,
        model.settings.spend_threshold,
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Labelled JSON Lines files ({"text", "intent", "slots"}).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Intent model directory (default: $VOXSHOP_INTENT_MODEL, else <models-dir>/intent).
    #[arg(long, value_name = "DIR")]
    pub intent_model: Option<PathBuf>,
    /// List every misclassified utterance.
    #[arg(long)]
    pub errors: bool,
}

/// Scores the intent model on labelled files; with `catalog`, as the recogniser uses it
/// (names marked for the tagger, slot values resolved).
pub fn run_eval(
    args: EvalArgs,
    models_dir: PathBuf,
    catalog: Option<&std::path::Path>,
) -> Result<ExitCode> {
    let dir = voxshop::intent::model_dir(args.intent_model.as_deref(), &models_dir);
    let model = IntentModel::load(&dir).context("loading the intent model")?;
    let catalog = catalog.map(Catalog::from_toml_file).transpose()?;
    let commands = |text: &str| match &catalog {
        None => model.commands(text),
        Some(c) => {
            let (mut found, lang) =
                model.commands_with_names(text, None, Some(c as &dyn Gazetteer));
            c.resolve_commands(&mut found, lang, text);
            found
        }
    };
    for file in &args.files {
        let items = read_labelled(file)?;
        let report = evaluate_with(&items, commands);
        print!("{}", report.render(&file.display().to_string()));
        if args.errors {
            for e in &report.errors {
                println!("    {e}");
            }
        }
        println!();
    }
    Ok(ExitCode::SUCCESS)
}
