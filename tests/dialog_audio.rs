//! The spending dialog and several commands per utterance on spoken audio (issue 13): spoken
//! commands and answers joined by pauses, streamed through one session, as a speaker hears
//! them.

mod common;

use voxshop::audio::load_wav_16k;
use voxshop::intent::Intent;
use voxshop::pipeline::{Outcome, Session};
use voxshop::{ModelKind, Recognizer, RecognizerConfig, Utterance};

fn wav(name: &str) -> Vec<f32> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/en")
        .join(format!("{name}.wav"));
    load_wav_16k(&path).unwrap().samples
}

fn silence(ms: usize) -> Vec<f32> {
    vec![0.0; ms * 16]
}

/// The commands a session gives for `parts` (sample names, or pauses in ms) spoken one after
/// another, as they stand once amendments apply: an early end at a comma gives a command's
/// first part before the object that amends it ("Order paper towels, | and add dish soap";
/// README, "The early end, by default").
fn hear(session: &mut Session, parts: &[Part]) -> Vec<Utterance> {
    voxshop::pipeline::standing(&hear_all(session, parts))
}

/// Every command a session gives for `parts`, amended ones included.
fn hear_all(session: &mut Session, parts: &[Part]) -> Vec<Utterance> {
    let mut audio = Vec::new();
    for p in parts {
        match p {
            Part::Say(name) => audio.extend(wav(name)),
            Part::Pause(ms) => audio.extend(silence(*ms)),
        }
    }
    audio.extend(silence(600));
    let mut events = Vec::new();
    for chunk in audio.chunks(4_000) {
        events.extend(session.push(chunk, 16_000, 1).unwrap());
    }
    events.extend(session.finish().unwrap());
    voxshop::pipeline::utterances(&events)
}

enum Part {
    Say(&'static str),
    Pause(usize),
}
use Part::{Pause, Say};

fn answer(us: &[Utterance]) -> &Utterance {
    us.last().expect("an utterance")
}

fn resolves(u: &Utterance) -> (Option<&str>, Option<Outcome>) {
    (
        u.dialog
            .resolves
            .as_ref()
            .expect("always on a confirm/deny")
            .as_deref(),
        u.dialog.outcome.expect("always on a confirm/deny"),
    )
}

#[test]
fn a_yes_confirms_the_purchase_it_answers_and_nothing_else() {
    if common::skip_without_setup() {
        return;
    }
    let rec = common::recognizer(ModelKind::TinyEn);

    let parts = [Say("buy_paper_towels"), Pause(1_000), Say("confirm_yes")];
    // "Yes, go ahead.": whatever the pause at the comma, never a second "yes" that answers
    // nothing (an answer is not ended early; said again, it amends the first).
    let all = hear_all(&mut rec.session(), &parts);
    let confirms = all.iter().filter(|u| u.intent == Some(Intent::Confirm));
    assert!(
        confirms.clone().count() >= 1 && confirms.clone().all(|u| resolves(u).0.is_some()),
        "{all:?}"
    );
    let us = voxshop::pipeline::standing(&all);
    assert_eq!(us.len(), 2, "{us:?}");
    let buy = &us[0];
    assert_eq!(buy.intent, Some(Intent::Buy));
    let id = buy
        .dialog
        .action_id
        .as_deref()
        .expect("a spend has an action");
    assert_eq!(buy.dialog.expires_ms, Some(buy.end_ms + 8_000));
    assert_eq!(answer(&us).intent, Some(Intent::Confirm));
    assert_eq!(resolves(answer(&us)), (Some(id), Some(Outcome::Confirmed)));

    let us = hear(
        &mut rec.session(),
        &[
            Say("buy_sparkling_water"),
            Pause(1_000),
            Say("deny_no_thanks"),
        ],
    );
    let id = us[0].dialog.action_id.clone().expect("an action");
    assert_eq!(answer(&us).intent, Some(Intent::Deny));
    assert_eq!(
        resolves(answer(&us)),
        (Some(id.as_str()), Some(Outcome::Cancelled))
    );

    // Nothing asked, asked too long ago, or asked nothing that needs an answer.
    for parts in [
        &[Say("confirm_yes")][..],
        &[Say("buy_paper_towels"), Pause(15_000), Say("confirm_yes")],
        &[Say("add_milk"), Pause(1_000), Say("confirm_yes")],
    ] {
        let us = hear(&mut rec.session(), parts);
        assert_eq!(answer(&us).intent, Some(Intent::Confirm));
        assert_eq!(resolves(answer(&us)), (None, None), "{us:?}");
    }

    // Two purchases, then one yes: the second, and only once.
    let us = hear(
        &mut rec.session(),
        &[
            Say("buy_paper_towels"),
            Pause(1_000),
            Say("buy_sparkling_water"),
            Pause(1_000),
            Say("confirm_yes"),
            Pause(1_000),
            Say("confirm_yes"),
        ],
    );
    assert_eq!(us.len(), 4, "{us:?}");
    let (first, second) = (&us[0].dialog.action_id, &us[1].dialog.action_id);
    assert_ne!(first, second);
    assert_eq!(
        resolves(&us[2]),
        (second.as_deref(), Some(Outcome::Confirmed))
    );
    assert_eq!(resolves(&us[3]), (None, None));
}

#[test]
fn the_window_is_configurable_and_a_cancelled_action_takes_no_answer() {
    if common::skip_without_setup() {
        return;
    }
    let mut config = RecognizerConfig {
        models_dir: common::models_dir(ModelKind::TinyEn),
        ..Default::default()
    };
    config.session.confirm_window_ms = 500;
    let rec = Recognizer::load(&config).unwrap();
    let us = hear(
        &mut rec.session(),
        &[Say("buy_paper_towels"), Pause(1_000), Say("confirm_yes")],
    );
    assert_eq!(resolves(answer(&us)), (None, None), "the window is 0.5 s");

    let rec = common::recognizer(ModelKind::TinyEn);
    let mut session = rec.session();
    let us = hear(&mut session, &[Say("buy_paper_towels")]);
    let id = us[0].dialog.action_id.clone();
    assert_eq!(session.pending().map(|p| p.action_id.clone()), id);
    assert_eq!(session.cancel_pending(), id);
    let us = hear(&mut session, &[Say("confirm_yes")]);
    assert_eq!(resolves(answer(&us)), (None, None));
}

/// A "never mind" in the breath of the spend it takes back ("Buy a phone charger for me,
/// never mind.", one utterance): the buy, then a deny of the same utterance that cancels it;
/// read whole, "mind" was the shop and the spend stood. An older pending action is replaced
/// by the new one, and the deny cancels only the new one.
#[test]
fn a_no_in_the_breath_of_a_spend_takes_it_back() {
    if common::skip_without_setup() {
        return;
    }
    let rec = common::recognizer(ModelKind::TinyEn);
    let parts = [
        Say("buy_sparkling_water"),
        Pause(1_000),
        Say("buy_never_mind"),
    ];
    let us = hear(&mut rec.session(), &parts);
    assert_eq!(us.len(), 3, "{us:?}");
    let (older, buy, no) = (&us[0], &us[1], &us[2]);
    assert_eq!(buy.intent, Some(Intent::Buy));
    let slots = buy.slots.clone().unwrap_or_default();
    assert_eq!(slots.item.as_deref(), Some("phone charger"), "{us:?}");
    assert_eq!(slots.merchant, None, "{us:?}");
    assert_eq!(no.intent, Some(Intent::Deny));
    assert_eq!((buy.part, no.part), (Some(0), Some(1)), "one utterance");
    let id = buy.dialog.action_id.as_deref();
    assert!(id.is_some() && older.dialog.action_id.as_deref() != id);
    assert_eq!(resolves(no), (id, Some(Outcome::Cancelled)));
}

/// An answer said as the spend it answers: "Order them." (a buy that names nothing) confirms
/// the waiting purchase, "No, cancel the order." takes it back (no order was placed yet), and
/// "Yes, buy the paper towels." (the purchase said again after a yes) confirms it. Read alone,
/// each is a spend of its own: with nothing waiting, they still are; said again without a yes,
/// or naming another item, the purchase is asked again.
#[test]
fn a_spend_pointing_back_at_the_waiting_one_answers_it() {
    if common::skip_without_setup() {
        return;
    }
    let rec = common::recognizer(ModelKind::TinyEn);
    for (said, answer, outcome) in [
        ("order_them", Intent::Confirm, Outcome::Confirmed),
        ("cancel_the_order", Intent::Deny, Outcome::Cancelled),
        ("yes_buy_paper_towels", Intent::Confirm, Outcome::Confirmed),
    ] {
        let parts = [Say("buy_paper_towels"), Pause(1_500), Say(said)];
        let us = hear(&mut rec.session(), &parts);
        assert_eq!(us.len(), 2, "{us:?}");
        let id = us[0].dialog.action_id.as_deref();
        assert!(id.is_some(), "{us:?}");
        assert_eq!(us[1].intent, Some(answer), "{us:?}");
        assert_eq!(resolves(&us[1]), (id, Some(outcome)), "{us:?}");
        assert_eq!(
            us[1].slots,
            Some(Default::default()),
            "an answer has no slots"
        );
        assert_eq!(us[1].dialog.action_id, None, "{us:?}");

        let alone = hear(&mut rec.session(), &[Say(said)]);
        assert!(alone[0].dialog.action_id.is_some(), "{alone:?}");
    }
    let parts = [
        Say("buy_sparkling_water"),
        Pause(1_500),
        Say("yes_buy_paper_towels"),
    ];
    let us = hear(&mut rec.session(), &parts);
    assert_eq!(us.len(), 2, "{us:?}");
    assert_eq!(us[1].intent, Some(Intent::Buy), "{us:?}");
    let ids = (&us[0].dialog.action_id, &us[1].dialog.action_id);
    assert!(ids.1.is_some() && ids.0 != ids.1, "{us:?}");
}

#[test]
fn spoken_utterances_of_several_commands_give_each_command() {
    if common::skip_without_setup() {
        return;
    }
    let rec = common::recognizer(ModelKind::TinyEn);
    let us = hear(&mut rec.session(), &[Say("two_commands")]);
    let got: Vec<_> = us.iter().map(|u| (u.part, u.intent)).collect();
    assert_eq!(
        got,
        [
            (Some(0), Some(Intent::Buy)),
            (Some(1), Some(Intent::AddToList))
        ],
        "{us:?}"
    );
    assert_eq!(
        us[0].slots.as_ref().unwrap().item.as_deref(),
        Some("paper towels")
    );
    assert!(us[0].dialog.action_id.is_some() && us[1].dialog.action_id.is_none());
    // One transcript, one span of time, for both objects.
    assert_eq!(us[0].transcript, us[1].transcript);
    assert_eq!(
        (us[0].start_ms, us[0].end_ms),
        (us[1].start_ms, us[1].end_ms)
    );

    let us = hear(&mut rec.session(), &[Say("two_items")]);
    let items: Vec<_> = us
        .iter()
        .map(|u| u.slots.as_ref().unwrap().item.clone())
        .collect();
    assert_eq!(items, [Some("bread".into()), Some("eggs".into())], "{us:?}");
}

fn run(args: &[&str]) -> Vec<serde_json::Value> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_voxshop"))
        .args(args)
        .env("VOXSHOP_MODELS", common::models_dir(ModelKind::TinyEn))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn the_cli_settles_the_dialog_within_a_file_and_never_across_lines() {
    if common::skip_without_setup() {
        return;
    }
    let path = std::env::temp_dir().join(format!("voxshop-buy-yes-{}.wav", std::process::id()));
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for s in [wav("buy_paper_towels"), silence(1_000), wav("confirm_yes")].concat() {
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
    let all = run(&["transcribe", "--json", path.to_str().unwrap()]);
    // As they stand: an object that a later one amends (its span in `amends`) is dropped.
    let amended: Vec<_> = all.iter().filter_map(|o| o.get("amends")).collect();
    let objects: Vec<_> = (all.iter())
        .filter(|o| {
            !amended
                .iter()
                .any(|a| a["start_ms"] == o["start_ms"] && a["end_ms"] == o["end_ms"])
        })
        .collect();
    assert_eq!(objects.len(), 2, "{all:?}");
    assert_eq!(objects[1]["resolves"], objects[0]["action_id"]);
    assert_eq!(objects[1]["outcome"], "confirmed");

    // classify: each line its own stream; a spend of several items shares one action.
    let objects = run(&["classify", "--json", "buy batteries and light bulbs"]);
    assert_eq!(objects.len(), 2, "{objects:?}");
    assert_eq!(objects[0]["action_id"], objects[1]["action_id"]);
    assert_eq!(
        (&objects[0]["part"], &objects[1]["part"]),
        (&0.into(), &1.into())
    );
    let yes = run(&["classify", "--json", "yes go ahead"]);
    assert_eq!(yes[0]["resolves"], serde_json::Value::Null);
    assert!(yes[0].as_object().unwrap().contains_key("outcome"));
}

/// `classify --dialog`: typed lines are one conversation (an empty line starts another), and
/// a reply in the words of the purchase settles the purchase it names, never another.
#[test]
fn typed_lines_with_dialog_are_one_conversation() {
    if common::skip_without_setup() {
        return;
    }
    let said = "Buy a coffee mug for my son's teacher.\nYes, order the mug.\n\n\
                Buy a pack of batteries.\nYes, order the mug.\n\n\
                Buy three packs of paper towels.\nOrder them.\nYes.\n\n\
                Buy a pack of batteries.\nNo, don't buy the batteries.\n";
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_voxshop"))
        .args(["classify", "--json", "--dialog"])
        .env("VOXSHOP_MODELS", common::models_dir(ModelKind::TinyEn))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(said.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let objects: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<_> = (objects.iter())
        .map(|o| {
            let field = |k: &str| o[k].as_str().unwrap_or("-").to_string();
            (field("intent"), field("action_id"), field("resolves"))
        })
        .collect();
    let want = [
        ("buy", "a1", "-"),
        // The mug asked about: the yes and the purchase said again are one confirm.
        ("confirm", "-", "a1"),
        ("buy", "a1", "-"),
        // The batteries asked about: a yes to another item confirms nothing.
        ("confirm", "-", "-"),
        ("buy", "a2", "-"),
        ("buy", "a1", "-"),
        ("confirm", "-", "a1"),
        ("confirm", "-", "-"),
        // Read as no command (out_of_scope, 0.44), most likely a no: the batteries' no.
        ("buy", "a1", "-"),
        ("deny", "-", "a1"),
    ];
    let want: Vec<_> = (want.iter())
        .map(|(i, a, r)| (i.to_string(), a.to_string(), r.to_string()))
        .collect();
    assert_eq!(got, want, "{objects:?}");
}
