//! `voxshop classify "text..."` (or lines on stdin): intents of typed text.

use anyhow::{Context, Result};
use clap::Args;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use voxshop::catalog::Catalog;
use voxshop::intent::features::Gazetteer;
use voxshop::intent::{IntentModel, IntentResult};
use voxshop::pipeline::{Dialog, DialogFields, RecognizerConfig, Wording};
use voxshop::stt::Lang;

#[derive(Args, Debug)]
pub struct ClassifyArgs {
    /// Text to classify; without it (or with `-`, as `transcribe` reads a WAV), each line of
    /// standard input is one utterance.
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,
    /// Print one JSON object per utterance (JSON Lines).
    #[arg(long)]
    pub json: bool,
    /// Intent model directory (default: $VOXSHOP_INTENT_MODEL, else <models-dir>/intent).
    #[arg(long, value_name = "DIR")]
    pub intent_model: Option<PathBuf>,
    /// The lines of standard input are one conversation: each is said a second after the one
    /// before (an empty line starts a new conversation), so a "yes" settles the purchase it
    /// answers. Without it, each line is its own stream and a "yes" resolves nothing.
    #[arg(long)]
    pub dialog: bool,
}

/// One command's DOMAIN.md object for typed text (no audio fields).
#[derive(serde::Serialize)]
struct Classified<'a> {
    lang: Lang,
    transcript: &'a str,
    #[serde(flatten)]
    result: Option<&'a IntentResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    part: Option<usize>,
    #[serde(flatten)]
    dialog: DialogFields,
    timings_ms: Timing,
}

#[derive(serde::Serialize)]
struct Timing {
    intent: f64,
}

pub fn run(args: ClassifyArgs, config: RecognizerConfig) -> Result<ExitCode> {
    let dir = voxshop::intent::model_dir(args.intent_model.as_deref(), &config.models_dir);
    let model = IntentModel::load(&dir).context("loading the intent model")?;
    let catalog = match &config.catalog {
        Some(path) => Some(Catalog::from_toml_file(path)?),
        None => None,
    };
    let model = Classifier {
        model,
        catalog,
        window_ms: config.session.confirm_window_ms,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut skipped = 0usize;
    let mut turns = Turns::new(model.window_ms);
    if args.text.is_empty() || args.text == ["-"] {
        let mut input = std::io::stdin().lock();
        let mut n = 0;
        while let Some(line) = next_line(&mut input).context("reading standard input")? {
            n += 1;
            if !args.dialog {
                turns = Turns::new(model.window_ms);
            }
            match line {
                Line::Text(text) if text.trim().is_empty() => turns = Turns::new(model.window_ms),
                Line::Text(text) => show(&model, &mut turns, &text, args.json, &mut out)?,
                Line::Skipped(why) => {
                    super::note(format_args!("standard input, line {n}: {why}; skipped"));
                    skipped += 1;
                }
            }
        }
    } else {
        let text = args.text.join(" ");
        anyhow::ensure!(
            text.len() <= MAX_LINE_BYTES,
            "the text is longer than {MAX_LINE_BYTES} bytes: not an utterance"
        );
        show(&model, &mut turns, &text, args.json, &mut out)?;
    }
    Ok(if skipped > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// An utterance is a sentence: a line longer than this is not one, and is not held whole.
const MAX_LINE_BYTES: usize = 64 * 1024;

enum Line {
    Text(String),
    Skipped(String),
}

/// The next line of `input`, at most `MAX_LINE_BYTES` of it held; a line that is too long or
/// not UTF-8 is skipped (read through to its end) and the lines after it are still read.
fn next_line(input: &mut impl BufRead) -> std::io::Result<Option<Line>> {
    let mut bytes = Vec::new();
    let mut too_long = false;
    let mut read_any = false;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        read_any = true;
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], Some(i + 1)),
            None => (buf, None),
        };
        if bytes.len() + chunk.len() > MAX_LINE_BYTES {
            too_long = true;
        } else {
            bytes.extend_from_slice(chunk);
        }
        let used = done.unwrap_or(buf.len());
        input.consume(used);
        if done.is_some() {
            break;
        }
    }
    if !read_any {
        return Ok(None);
    }
    if too_long {
        return Ok(Some(Line::Skipped(format!(
            "longer than {MAX_LINE_BYTES} bytes"
        ))));
    }
    Ok(Some(match String::from_utf8(bytes) {
        Ok(text) => Line::Text(text.trim_end_matches('\r').to_string()),
        Err(_) => Line::Skipped("not UTF-8 text".into()),
    }))
}

/// The intent model and the household's catalogue.
struct Classifier {
    model: IntentModel,
    catalog: Option<Catalog>,
    window_ms: u32,
}

/// A conversation of typed lines: its dialog, and the stream time of its next line.
struct Turns {
    dialog: Dialog,
    next_ms: u64,
}

impl Turns {
    /// A typed line is said in an instant, this long after the one before it.
    const APART_MS: u64 = 1_000;

    fn new(window_ms: u32) -> Self {
        Self {
            dialog: Dialog::new(window_ms),
            next_ms: 0,
        }
    }

    /// When the next line is said.
    fn next(&mut self) -> u64 {
        let at = self.next_ms;
        self.next_ms += Self::APART_MS;
        at
    }
}

fn show(
    model: &Classifier,
    turns: &mut Turns,
    text: &str,
    json: bool,
    out: &mut impl Write,
) -> Result<()> {
    let t0 = std::time::Instant::now();
    let names = model.catalog.as_ref().map(|c| c as &dyn Gazetteer);
    let (mut commands, lang) = model.model.commands_with_names(text, None, names);
    if let Some(catalog) = &model.catalog {
        catalog.resolve_commands(&mut commands, lang, text);
    }
    let intent_ms = t0.elapsed().as_secs_f64() * 1e3;
    // Each line is its own stream (DOMAIN.md: a spend gets its action, a "yes" finds nothing
    // pending), or a turn of one conversation (`--dialog`).
    let at = turns.next();
    let wording = || Wording::of(&model.model, text);
    let dialog = (turns.dialog).settle(at, at, &mut commands, wording);
    if json {
        let timing = || Timing {
            intent: (intent_ms * 1000.0).round() / 1000.0,
        };
        if commands.is_empty() {
            let c = Classified {
                lang,
                transcript: text,
                result: None,
                part: None,
                dialog: DialogFields::default(),
                timings_ms: timing(),
            };
            serde_json::to_writer(&mut *out, &c)?;
            writeln!(out)?;
        }
        for (part, (r, d)) in commands.iter().zip(dialog.iter().cloned()).enumerate() {
            let c = Classified {
                lang,
                transcript: text,
                result: Some(r),
                part: Some(part),
                dialog: d,
                timings_ms: timing(),
            };
            serde_json::to_writer(&mut *out, &c)?;
            writeln!(out)?;
        }
    } else {
        let shown: Vec<_> = commands
            .iter()
            .zip(&dialog)
            .map(|(r, d)| (r.intent, r.confidence, &r.slots, d))
            .collect();
        super::render::typed(out, text, lang, &shown)?;
    }
    out.flush()?;
    Ok(())
}
