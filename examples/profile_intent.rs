//! Times the intent step alone (`IntentModel::commands`: splitter, sentence encoder, intent
//! networks, taggers) on one text, repeated, for a profiler to read (`perf record`).
//!
//! cargo run --release --example profile_intent [TEXT] [RUNS]   (after `scripts/setup`)

use std::time::Instant;
use voxshop::intent::IntentModel;

/// The bench's longest utterance (`intent/classify_phone_menu`).
const PHONE_MENU: &str = "Pour activer ou désactiver le mode sourdine, veuillez appuyer sur 1. \
    Pour vérrouiller ou dévérouiller la conférence, appuyez sur 2. Pour éjecter le dernier \
    participant, appuyez sur 3. Pour quitter la conférence appuyez sur dièse.";

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let text = args.get(1).map_or(PHONE_MENU, String::as_str);
    let runs: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(300);
    let dir = std::path::Path::new("models/intent");
    let model = IntentModel::load(dir).map_err(|e| format!("{e} (run scripts/setup first)"))?;
    // The encoder loads in the background: the first call waits for it.
    let first = model.commands(text);
    let t0 = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(model.commands(text));
    }
    let ms = t0.elapsed().as_secs_f64() * 1e3 / runs as f64;
    println!("{ms:.3} ms per call, {} command(s)", first.len());
    Ok(())
}
