//! `voxshop classify "text..."` (or lines on stdin): intents of typed text.

use crate::intent::{IntentModel, IntentResult};
use crate::stt::Lang;
use anyhow::{Context, Result};
use clap::Args;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct ClassifyArgs {
    /// Text to classify; without it, each line of standard input is one utterance.
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,
    /// Print one JSON object per utterance (JSON Lines).
    #[arg(long)]
    pub json: bool,
    /// Intent model directory (default: $VOXSHOP_INTENT_MODEL, else <models-dir>/intent).
    #[arg(long, value_name = "DIR")]
    pub intent_model: Option<PathBuf>,
}

/// The DOMAIN.md object for typed text (no audio fields).
#[derive(serde::Serialize)]
struct Classified<'a> {
    lang: Lang,
    transcript: &'a str,
    #[serde(flatten)]
    result: Option<&'a IntentResult>,
    timings_ms: Timing,
}

#[derive(serde::Serialize)]
struct Timing {
    intent: f64,
}

pub fn run(args: ClassifyArgs, models_dir: PathBuf) -> Result<ExitCode> {
    let dir = crate::intent::model_dir(args.intent_model.as_deref(), &models_dir);
    let model = IntentModel::load(&dir).context("loading the intent model")?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.text.is_empty() {
        for line in std::io::stdin().lock().lines() {
            let line = line.context("reading standard input")?;
            if !line.trim().is_empty() {
                show(&model, &line, args.json, &mut out)?;
            }
        }
    } else {
        show(&model, &args.text.join(" "), args.json, &mut out)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn show(model: &IntentModel, text: &str, json: bool, out: &mut impl Write) -> Result<()> {
    let t0 = std::time::Instant::now();
    let (result, lang) = model.classify_with_lang(text, None);
    let intent_ms = t0.elapsed().as_secs_f64() * 1e3;
    if json {
        let c = Classified {
            lang,
            transcript: text,
            result: result.as_ref(),
            timings_ms: Timing {
                intent: (intent_ms * 1000.0).round() / 1000.0,
            },
        };
        serde_json::to_writer(&mut *out, &c)?;
        writeln!(out)?;
    } else {
        match &result {
            Some(r) => writeln!(
                out,
                "{text}\n  {} ({:.2}) {}{}  [{}]",
                r.intent,
                r.confidence,
                serde_json::to_string(&r.slots)?,
                if r.requires_confirmation {
                    "  needs confirmation"
                } else {
                    ""
                },
                lang.code()
            )?,
            None => writeln!(out, "{text}\n  (no words)")?,
        }
    }
    out.flush()?;
    Ok(())
}
