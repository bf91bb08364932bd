//! The human view, the one place that writes it: events (`listen`), a file's utterances
//! (`transcribe`) and typed text (`classify`) all show a command the same way. The JSON view
//! is the library's own serialisation (DOMAIN.md).

use std::io::Write;
use std::path::Path;
use voxshop::intent::{Intent, Slots};
use voxshop::pipeline::{DialogFields, Event, Utterance};
use voxshop::stt::Lang;

/// One JSON line per event.
pub fn event_json(e: &Event) -> String {
    serde_json::to_string(e).unwrap_or_else(|_| "{}".into())
}

/// The human view of an event.
pub fn event(e: &Event) -> String {
    match e {
        Event::SpeechStart { at_ms } => format!("[{:>7.2} s] speech start", seconds(*at_ms)),
        Event::PartialTranscript { at_ms, text, .. } => {
            format!("[{:>7.2} s] ... {text}", seconds(*at_ms))
        }
        Event::SpeechEnd { start_ms, end_ms } => format!(
            "[{:>7.2} s] speech end ({:.2} s)",
            seconds(*end_ms),
            seconds(end_ms - start_ms)
        ),
        Event::FinalTranscript {
            end_ms, lang, text, ..
        } => format!("[{:>7.2} s] {}: {text}", seconds(*end_ms), lang.code()),
        Event::Intent(u) => format!(
            "[{:>7.2} s] -> {}  [{:.0} ms after end of speech]{}",
            seconds(u.end_ms),
            utterance_command(u).unwrap_or_else(|| "-".into()),
            u.timings_ms
                .after_end
                .unwrap_or(u.timings_ms.stt + u.timings_ms.intent),
            amends(u)
        ),
    }
}

/// A file's utterances: each transcript with its commands and timings.
pub fn utterances(
    out: &mut impl Write,
    file: &Path,
    utterances: &[Utterance],
) -> std::io::Result<()> {
    writeln!(out, "{}", file.display())?;
    if utterances.is_empty() {
        writeln!(out, "  (no speech)")?;
    }
    // The commands of one utterance follow each other, numbered from part 0.
    let starts: Vec<usize> = (0..utterances.len())
        .filter(|&i| utterances[i].part.unwrap_or(0) == 0)
        .chain([utterances.len()])
        .collect();
    for w in starts.windows(2) {
        let commands = &utterances[w[0]..w[1]];
        let u = &commands[0];
        writeln!(
            out,
            "  [{:>6.2}-{:>6.2} s] {}  {}{}",
            seconds(u.start_ms),
            seconds(u.end_ms),
            u.lang.code(),
            u.transcript,
            amends(u)
        )?;
        for line in commands.iter().filter_map(utterance_command) {
            writeln!(out, "  {:>18} -> {line}", "")?;
        }
        writeln!(
            out,
            "  {:>18} audio {:.1} ms, stt {:.1} ms, total {:.1} ms",
            "", u.timings_ms.decode_audio, u.timings_ms.stt, u.timings_ms.total
        )?;
    }
    out.flush()
}

/// A typed line and its commands, each with where it stands in the spending dialog.
pub fn typed(
    out: &mut impl Write,
    text: &str,
    lang: Lang,
    commands: &[(Intent, f32, &Slots, &DialogFields)],
) -> std::io::Result<()> {
    writeln!(out, "{text}")?;
    if commands.is_empty() {
        writeln!(out, "  (no words)")?;
    }
    for &(intent, confidence, slots, dialog) in commands {
        writeln!(
            out,
            "  {}  [{}]",
            command(intent, confidence, slots, dialog),
            lang.code()
        )?;
    }
    out.flush()
}

/// One command of an utterance; `None` for an utterance without a command.
fn utterance_command(u: &Utterance) -> Option<String> {
    let intent = u.intent?;
    let none = Slots::default();
    Some(command(
        intent,
        u.confidence.unwrap_or(0.0),
        u.slots.as_ref().unwrap_or(&none),
        &u.dialog,
    ))
}

/// One command in words: intent, confidence, slots, and where it stands in the spending
/// dialog.
fn command(intent: Intent, confidence: f32, slots: &Slots, d: &DialogFields) -> String {
    let slots = serde_json::to_string(slots).unwrap_or_default();
    let dialog = match (&d.action_id, &d.resolves, &d.outcome) {
        (Some(id), _, _) => format!(
            "  needs confirmation: action {id} until {:.2} s",
            seconds(d.expires_ms.unwrap_or(0))
        ),
        (_, Some(Some(id)), Some(Some(outcome))) => format!("  {outcome:?} {id}").to_lowercase(),
        (_, Some(None), _) => "  (nothing pending)".to_string(),
        _ => String::new(),
    };
    format!("{intent} ({confidence:.2}) {slots}{dialog}")
}

/// A continuation names the utterance whose commands it replaces.
fn amends(u: &Utterance) -> String {
    u.amends.map_or_else(String::new, |a| {
        format!(
            "  (replaces {:.2}-{:.2} s)",
            seconds(a.start_ms),
            seconds(a.end_ms)
        )
    })
}

fn seconds(ms: u64) -> f64 {
    ms as f64 / 1000.0
}
