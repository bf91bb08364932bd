//! The intent model on hand-written held-out sets, normal forms, rejection, and that the
//! weights on this machine are the ones the repository's files train.

mod common;

use std::path::{Path, PathBuf};
use voxshop::intent::eval::{evaluate, read_labelled, Report};
use voxshop::intent::{Intent, IntentModel};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn model() -> IntentModel {
    IntentModel::load(&root().join("models/intent")).expect("committed intent model loads")
}

fn report(files: &[&str]) -> Report {
    let m = model();
    let mut items = Vec::new();
    for f in files {
        items.extend(read_labelled(&root().join("tests/data").join(f)).unwrap());
    }
    let r = evaluate(&m, &items);
    eprintln!("{}", r.render(&files.join(" + ")));
    for e in &r.errors {
        eprintln!("  {e}");
    }
    r
}

#[test]
fn english_held_out_targets() {
    if common::skip_without_intent_model() {
        return;
    }
    let r = report(&["intent_test_en.jsonl", "intent_test2_en.jsonl"]);
    assert!(r.total >= 400);
    assert!(r.accuracy() >= 0.95, "accuracy {:.3}", r.accuracy());
    assert!(r.slot_f1() >= 0.90, "slot F1 {:.3}", r.slot_f1());
}

#[test]
fn french_held_out_targets() {
    if common::skip_without_intent_model() {
        return;
    }
    let r = report(&["intent_test_fr.jsonl", "intent_test2_fr.jsonl"]);
    assert!(r.total >= 300);
    assert!(r.accuracy() >= 0.92, "accuracy {:.3}", r.accuracy());
    assert!(r.slot_f1() >= 0.90, "slot F1 {:.3}", r.slot_f1());
}

/// Products, brands and shops that no word list of the generator holds (written by a helper
/// who checked every name against `data/corpus/`; README "Names the generator never says"):
/// the model must read them by the words around them.
#[test]
fn names_the_generator_never_says() {
    if common::skip_without_intent_model() {
        return;
    }
    let r = report(&["unseen_items2_en.jsonl", "unseen_items2_fr.jsonl"]);
    assert!(r.total >= 190);
    assert!(r.accuracy() >= 0.88, "accuracy {:.3}", r.accuracy());
    assert!(r.slot_f1() >= 0.74, "slot F1 {:.3}", r.slot_f1());
}

/// Commands phrased as people say them, written blind to the generator (README, "Session
/// 30"): the widest gap left to issue 11's 97 %, guarded where it stands so that a retrained
/// model that reads people worse does not land unnoticed.
#[test]
fn commands_as_people_phrase_them() {
    if common::skip_without_intent_model() {
        return;
    }
    for (file, least) in [
        ("phrasing_test_en.jsonl", 0.88),
        ("phrasing_test_fr.jsonl", 0.91),
    ] {
        let r = report(&[file]);
        assert!(r.total >= 150, "{file}: {} lines", r.total);
        assert!(
            r.accuracy() >= least,
            "{file}: accuracy {:.3}",
            r.accuracy()
        );
        assert!(
            r.spend_false_accept_rate() == 0.0,
            "{file}: a negative taken as a spend"
        );
    }
}

/// Devices a smart home also controls (tv, radio, phone, heater; télé, radio, téléphone):
/// an order to one is no command, and a command naming one is read where the model stands
/// (README, "Session 35, found and not yet mended": the corpus's negatives say these nouns,
/// its commands rarely), so that a retrained model that reads them worse, or takes "turn on
/// the tv" for a command, does not land unnoticed.
#[test]
fn orders_to_devices_are_no_commands() {
    if common::skip_without_intent_model() {
        return;
    }
    let r = report(&["devices_test.jsonl"]);
    assert!(r.total >= 39, "{} lines", r.total);
    assert!(r.false_accept_rate() == 0.0, "an order to a device taken");
    assert!(r.accuracy() >= 0.70, "accuracy {:.3}", r.accuracy());
}

/// A kitchen's talk: a list command naming no list that puts its object in a place in the
/// house, or goes on to do something with it, is talk (`[places]` in domain.toml; README
/// "Session 52"). The dev pair was written for this (`household_dev_*`); the held-out pair
/// (`household_talk_*`) is measured in README, not tuned on here.
#[test]
fn talk_about_things_in_a_kitchen_is_no_command() {
    if common::skip_without_intent_model() {
        return;
    }
    let r = report(&["household_dev_en.jsonl", "household_dev_fr.jsonl"]);
    assert!(
        r.oos_total >= 98,
        "{} lines that are no command",
        r.oos_total
    );
    // Session 51's reading took 43 of the 98; this one 17.
    assert!(
        r.false_accept_rate() <= 0.20,
        "false accept {:.3}",
        r.false_accept_rate()
    );
    let m = model();
    let read = |text: &str| -> Vec<(Intent, Option<String>, Option<String>)> {
        (m.commands(text).into_iter())
            .map(|c| (c.intent, c.slots.item, c.slots.list))
            .collect()
    };
    use Intent::*;
    for talk in [
        "Take the lid off the pan and let it reduce.",
        "Put two litres of water in the big pot.",
        "Could you get the eggs out of the fridge? They need to come up to room temperature.",
        "Add the onions and cook them until they're soft and golden.",
        "Emma, put the crayons back in the box please.",
        "Enlève les pépins du citron",
        "Ajoute un peu d'eau de javel dans le seau.",
        "Grab me the colander from the bottom cupboard, would you?",
    ] {
        assert_eq!(read(talk), [(OutOfScope, None, None)], "{talk}");
    }
    let shopping = Some("shopping".to_string());
    for (text, intent, item, list) in [
        // A list named, a possessive before the place, a pronoun as the place, a place
        // that is a list, and the place in a remark after the command: commands all.
        (
            "Add the garlic to the list.",
            AddToList,
            "garlic",
            &shopping,
        ),
        (
            "Put olive oil on my baking list.",
            AddToList,
            "olive oil",
            &Some("baking".into()),
        ),
        (
            "Take the cream off the shopping list.",
            RemoveFromList,
            "cream",
            &shopping,
        ),
        ("add milk to my least", AddToList, "milk", &shopping),
        (
            "Put the batteries in the basket.",
            AddToList,
            "batteries",
            &shopping,
        ),
        (
            "scratch the cough drops, I found a bag in the drawer",
            RemoveFromList,
            "cough drops",
            &shopping,
        ),
        (
            "Send Julie a link to the Bluetooth speakers.",
            ShareProduct,
            "bluetooth speakers",
            &None,
        ),
        (
            "Enlève le beurre de la liste de courses.",
            RemoveFromList,
            "beurre",
            &shopping,
        ),
        ("buy compost from the garden centre", Buy, "compost", &None),
    ] {
        assert_eq!(
            read(text),
            [(intent, Some(item.to_string()), list.clone())],
            "{text}"
        );
    }
    // The remark after a command is left out rather than lending its words to the command.
    assert_eq!(
        read("Take the yoghurt off my list, there are still four pots in the fridge door."),
        [(RemoveFromList, Some("yoghurt".into()), shopping.clone())]
    );
}

#[test]
fn out_of_scope_false_accepts_are_rare() {
    if common::skip_without_intent_model() {
        return;
    }
    let r = report(&[
        "intent_test_en.jsonl",
        "intent_test2_en.jsonl",
        "intent_test_fr.jsonl",
        "intent_test2_fr.jsonl",
    ]);
    assert!(r.oos_total >= 150);
    assert!(
        r.false_accept_rate() <= 0.03,
        "false accept {:.3}",
        r.false_accept_rate()
    );
}

#[test]
fn every_intent_is_recognised_in_both_languages() {
    if common::skip_without_intent_model() {
        return;
    }
    let m = model();
    for lang in ["en", "fr"] {
        let mut items =
            read_labelled(&root().join(format!("tests/data/intent_test_{lang}.jsonl"))).unwrap();
        items.extend(
            read_labelled(&root().join(format!("tests/data/intent_test2_{lang}.jsonl"))).unwrap(),
        );
        for &intent in Intent::ALL {
            let of: Vec<_> = items
                .iter()
                .filter(|i| i.intent() == intent)
                .cloned()
                .collect();
            assert!(of.len() >= 7, "{lang} {intent}: only {} examples", of.len());
            let r = evaluate(&m, &of);
            assert!(
                r.accuracy() >= 0.7,
                "{lang} {intent}: recall {:.2}",
                r.accuracy()
            );
        }
    }
}

/// Real people's requests (SLURP, our own test part; data/slurp/README.md): non-shopping
/// requests accepted as a shopping intent <= 2 %, as a spend intent <= 0.5 %, and the list
/// commands people really say >= 90 % right (issue 11's targets).
#[test]
fn real_requests_open_world_targets() {
    if common::skip_without_intent_model() {
        return;
    }
    let m = model();
    let items = read_labelled(&root().join("tests/data/slurp_test.jsonl")).unwrap();
    let r = evaluate(&m, &items);
    eprintln!("{}", r.render("slurp_test"));
    assert!(r.oos_total >= 900, "{} negatives", r.oos_total);
    assert!(
        r.false_accept_rate() <= 0.02,
        "false accept {:.4}",
        r.false_accept_rate()
    );
    assert!(
        r.spend_false_accept_rate() <= 0.005,
        "spend false accept {:.4}",
        r.spend_false_accept_rate()
    );
    let lists: Vec<_> = items
        .iter()
        .filter(|i| {
            matches!(
                i.intent(),
                Intent::AddToList | Intent::RemoveFromList | Intent::ReadList | Intent::ClearList
            )
        })
        .cloned()
        .collect();
    let l = evaluate(&m, &lists);
    assert!(lists.len() >= 100, "{} list commands", lists.len());
    assert!(l.accuracy() >= 0.90, "list commands {:.3}", l.accuracy());
    // Unlabelled SLURP lines without a shopping word: a larger, looser check.
    let lm = evaluate(
        &m,
        &read_labelled(&root().join("tests/data/slurp_lm_oos_test.jsonl")).unwrap(),
    );
    assert!(
        lm.false_accept_rate() <= 0.01,
        "lm false accept {:.4}",
        lm.false_accept_rate()
    );
}

/// Hand-written French requests that are not shopping (questions, smart home, music,
/// calendar, hard negatives with shopping words). The target is 2 %, as in English; the
/// model is at 3 of 129 ("envoie bisous à ma chérie" -> share_product; README), so the bar
/// is 3 % until it gets there.
#[test]
fn french_negatives_are_rejected() {
    if common::skip_without_intent_model() {
        return;
    }
    let r = report(&["oos_fr_test.jsonl"]);
    assert!(r.oos_total >= 100);
    assert!(
        r.false_accept_rate() <= 0.03,
        "false accept {:.4}",
        r.false_accept_rate()
    );
    assert!(r.spend_false_accept_rate() <= 0.005);
}

/// What issue 11 saw go wrong, typed and as our speech model heard it.
#[test]
fn open_world_cases_from_the_issue() {
    if common::skip_without_intent_model() {
        return;
    }
    let m = model();
    for text in [
        "can you make some coffee",
        "give four stars to The Broken Window",
        "where are the rocky mountains",
        "tweet a complaint for the online bookstore",
        "add this tune to my 80's party playlist",
        "rate Neverwhere four out of 6",
    ] {
        assert_eq!(
            m.classify(text).unwrap().intent,
            Intent::OutOfScope,
            "{text}"
        );
    }
    for (text, intent) in [
        ("trash my list", Intent::ClearList),
        ("delete list for groceries", Intent::ClearList),
        ("remove the list", Intent::ClearList),
        (
            "had two leaders of milk to my shopping list",
            Intent::AddToList,
        ),
        ("by two packs of our batteries", Intent::Buy),
        // Not yet: "Purchase the call gate toothpaste" comes out as cancel_order ("call off
        // the order" is how people cancel); the catalogue (issue 12) is what hears Colgate.
    ] {
        assert_eq!(m.classify(text).unwrap().intent, intent, "{text}");
    }
}

#[test]
fn normal_forms_of_slots() {
    if common::skip_without_intent_model() {
        return;
    }
    let m = model();
    let cases = [
        (
            "add two litres of milk to my shopping list",
            "add_to_list",
            r#"{"item":"milk","quantity":2,"unit":"l","list":"shopping"}"#,
        ),
        (
            "Add 3 packs of Kellogg's corn flakes.",
            "add_to_list",
            r#"{"item":"corn flakes","quantity":3,"unit":"pack","brand":"kellogg's","list":"shopping"}"#,
        ),
        (
            "ajoute une douzaine d'œufs à ma liste de courses",
            "add_to_list",
            r#"{"item":"œufs","quantity":12,"list":"shopping"}"#,
        ),
        (
            "mets deux paquets de pâtes sur la liste",
            "add_to_list",
            r#"{"item":"pâtes","quantity":2,"unit":"pack","list":"shopping"}"#,
        ),
        (
            "Donate five dollars to the Red Cross.",
            "donate",
            r#"{"charity":"red cross","amount":5,"currency":"USD"}"#,
        ),
        // An amount and its currency in one word (`[money_words]` in domain.toml).
        (
            "give a fiver to Oxfam",
            "donate",
            r#"{"charity":"oxfam","amount":5,"currency":"GBP"}"#,
        ),
        (
            "I want to give Macmillan a tenner",
            "donate",
            r#"{"charity":"macmillan","amount":10,"currency":"GBP"}"#,
        ),
        (
            "donne dix euros aux restos du coeur",
            "donate",
            r#"{"charity":"restos du coeur","amount":10,"currency":"EUR"}"#,
        ),
        (
            "Order a couple of bags of rice.",
            "buy",
            r#"{"item":"rice","quantity":2,"unit":"bag"}"#,
        ),
        (
            "what's on my party list",
            "read_list",
            r#"{"list":"party"}"#,
        ),
        (
            "send the blender to julie",
            "share_product",
            r#"{"item":"blender","contact":"julie"}"#,
        ),
    ];
    for (text, intent, slots) in cases {
        let r = m.classify(text).unwrap();
        assert_eq!(r.intent.name(), intent, "{text}");
        assert_eq!(serde_json::to_string(&r.slots).unwrap(), slots, "{text}");
        assert_eq!(r.requires_confirmation, r.intent.requires_confirmation());
        assert!((0.0..=1.0).contains(&r.confidence));
    }
}

#[test]
fn spending_needs_confirmation_and_chatter_is_rejected() {
    if common::skip_without_intent_model() {
        return;
    }
    let m = model();
    for text in [
        "buy three packs of batteries",
        "achète du café",
        "donate ten euros to unicef",
        "clear my shopping list",
    ] {
        let r = m.classify(text).unwrap();
        assert!(r.requires_confirmation, "{text}: {:?}", r.intent);
    }
    for text in [
        "what's the weather in paris",
        "play some jazz",
        "quelle heure est-il",
        "xq zzv blorf",
    ] {
        assert_eq!(
            m.classify(text).unwrap().intent,
            Intent::OutOfScope,
            "{text}"
        );
    }
    assert!(m.classify("").is_none());
    assert!(m.classify(" ... ?! ").is_none());
    // A word alone settles a purchase only when it is an answer: the network alone read
    // "so" as a confirm (0.95), "oh" and "ah" too (0.77).
    let intent = |text: &str| m.classify(text).unwrap().intent;
    for text in ["oh", "so", "ah", "Oh."] {
        assert_eq!(intent(text), Intent::OutOfScope, "{text}");
    }
    for text in ["yes", "Okay.", "yep", "ouais", "uh-huh"] {
        assert_eq!(intent(text), Intent::Confirm, "{text}");
    }
    for text in ["nope", "No.", "non"] {
        assert_eq!(intent(text), Intent::Deny, "{text}");
    }
    // An answer settles a spend only when the model is sure of it (its acceptance bar): a
    // charity's name after a donation read as a "no" at 0.48.
    assert_eq!(intent("Doctors without borders."), Intent::OutOfScope);
    // "Not now, darling" said in the room is a "no" in words, and the model trained on
    // replies such as "pas cette fois" may take it for one (session 49): a no only takes a
    // waiting purchase back, so it may be a deny, never a yes.
    assert_ne!(intent("Pas maintenant, mon chéri."), Intent::Confirm);
    assert_eq!(
        (m.commands("Oh and stick a bag of cat litter on the pet store list.")
            .iter())
        .map(|c| c.intent)
        .collect::<Vec<_>>(),
        [Intent::AddToList]
    );
}

/// What a telephone menu or an answering machine says in the room ("Please try again." was a
/// reorder, "Pour l'aide, appuyez sur ..." a buy_for_me): the Asterisk prompts' own texts,
/// read as typed. Not held out: the training data has phone-menu negatives written after
/// reading some of these false accepts (README, "Session 22"); it guards them. The model
/// before them took 13 of the English prompts and 23 of the French ones (17 as spends).
#[test]
fn telephone_prompts_are_no_shopping_commands() {
    if common::skip_without_setup() {
        return;
    }
    let m = model();
    for (lang, most, most_spends) in [("en", 0.02, 0.01), ("fr", 0.02, 0.01)] {
        let prompts = common::asterisk_prompts(lang, 1, 1);
        let (taken, spends) = taken_for_commands(&m, prompts.iter().map(|(_, t)| t.as_str()));
        let n = prompts.len() as f64;
        eprintln!(
            "{lang}: {} of {} prompts taken for commands, {spends} spends: {taken:#?}",
            taken.len(),
            prompts.len()
        );
        assert!(prompts.len() >= 300, "{lang}: {} prompts", prompts.len());
        assert!(
            taken.len() as f64 <= most * n,
            "{lang}: {} taken",
            taken.len()
        );
        assert!(spends as f64 <= most_spends * n, "{lang}: {spends} spends");
    }
}

/// Speech a speaker overhears that is no command (telephone menus, radio and adverts, station
/// announcements, people talking to each other, recipes read aloud, non-shopping requests):
/// `tests/data/overheard_{en,fr}.jsonl`, written blind to the training data (README, "Session
/// 23"). Taken as a shopping command (an answer alone is none): the committed model takes 10 of
/// 148 English lines (2 as spends) and 4 of 146 French ones (none); session 21's took 13 (4).
#[test]
fn overheard_speech_is_no_shopping_command() {
    if common::skip_without_intent_model() {
        return;
    }
    let m = model();
    // French: 8 and 3 since the sentence encoder (recipes read aloud and a shop's
    // announcements read as shopping); phone prompts 15 -> 1 taken (README, "The sentence
    // encoder in the product"). Session 33's model takes 8 (2) and 5 (2).
    for (lang, most, most_spends) in [("en", 11, 2), ("fr", 8, 3)] {
        let lines =
            read_labelled(&root().join(format!("tests/data/overheard_{lang}.jsonl"))).unwrap();
        let (taken, spends) = taken_for_commands(&m, lines.iter().map(|l| l.text.as_str()));
        eprintln!(
            "{lang}: {} of {} taken, {spends} spends: {taken:#?}",
            taken.len(),
            lines.len()
        );
        assert!(lines.len() >= 140, "{lang}: {} lines", lines.len());
        assert!(taken.len() <= most, "{lang}: {} taken", taken.len());
        assert!(spends <= most_spends, "{lang}: {spends} spends");
    }
}

/// The texts read as a shopping command (an answer alone is none), and how many of them hold
/// a spend.
fn taken_for_commands<'a>(
    m: &IntentModel,
    texts: impl Iterator<Item = &'a str>,
) -> (Vec<&'a str>, usize) {
    let (mut taken, mut spends) = (Vec::new(), 0usize);
    for text in texts {
        let commands = m.commands(text);
        if commands.iter().any(|c| c.intent.is_shopping_command()) {
            taken.push(text);
            spends += usize::from(commands.iter().any(|c| c.requires_confirmation));
        }
    }
    (taken, spends)
}

/// The dev sets data/training.toml says the model's bars are fitted on.
#[derive(serde::Deserialize)]
struct TrainingPlan {
    train: TrainPlan,
}
#[derive(serde::Deserialize)]
struct TrainPlan {
    dev: Vec<PathBuf>,
}

/// The weights are not committed: `scripts/setup` retrains them from the repository's files
/// (CI does, on every clean checkout) and fails unless they hash to the checksum that
/// `scripts/train-intent` recorded. Here the weights on this machine must be those.
#[test]
fn the_intent_model_is_the_one_the_repository_trains() {
    if common::skip_without_intent_model() {
        return;
    }
    use sha2::{Digest, Sha256};
    let dir = root().join("models/intent");
    let recorded = std::fs::read_to_string(dir.join("intent.safetensors.sha256")).unwrap();
    let (want, file) = recorded.trim().split_once("  ").unwrap();
    assert_eq!(file, "intent.safetensors");
    let got = Sha256::digest(std::fs::read(dir.join(file)).unwrap());
    let got: String = got.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        got, want,
        "models/intent/intent.safetensors is not the model the repository trains: run scripts/setup"
    );
}

/// A model whose networks read word vectors (`train-intent --vectors`) does not load
/// without its table, and says which command makes it.
#[test]
fn a_model_trained_with_word_vectors_needs_its_table() {
    if common::skip_without_intent_model() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("voxshop-vectors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        root().join("models/intent/intent.safetensors"),
        dir.join("intent.safetensors"),
    )
    .unwrap();
    let mut settings: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("models/intent/intent.json")).unwrap(),
    )
    .unwrap();
    settings["vectors"] = serde_json::json!({"file": "word_vectors.safetensors",
        "sha256": "", "dims": 384, "scale": 2.0});
    std::fs::write(dir.join("intent.json"), settings.to_string()).unwrap();
    let Err(e) = IntentModel::load(&dir) else {
        panic!("a model loaded without the word vectors its intent.json names");
    };
    let e = e.to_string();
    assert!(
        e.contains("word_vectors.safetensors") && e.contains("scripts/distill_vectors.py"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `calibrate-intent` refits the bars of a trained model: on the committed dev files it gives
/// the committed settings, and other dev files move them. Only `intent.json` is written.
#[test]
fn calibration_alone_refits_the_committed_bars() {
    if common::skip_without_intent_model() {
        return;
    }
    let plan: TrainingPlan =
        toml::from_str(&std::fs::read_to_string(root().join("data/training.toml")).unwrap())
            .unwrap();
    let dir = std::env::temp_dir().join(format!("voxshop-calibrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["intent.safetensors", "intent.json"] {
        std::fs::copy(root().join("models/intent").join(f), dir.join(f)).unwrap();
    }
    // The networks' sentence encoder (48 MB), linked rather than copied.
    let encoder = "sentence_encoder.safetensors";
    std::os::unix::fs::symlink(
        root().join("models/intent").join(encoder),
        dir.join(encoder),
    )
    .unwrap();
    let dev: Vec<PathBuf> = plan.train.dev.iter().map(|f| root().join(f)).collect();
    let dev: Vec<&Path> = dev.iter().map(PathBuf::as_path).collect();
    let mut m = IntentModel::load(&dir).unwrap();
    voxshop::intent::train::calibrate(&mut m, &dev).unwrap();
    m.save_settings(&dir).unwrap();
    let committed = std::fs::read(root().join("models/intent/intent.json")).unwrap();
    assert_eq!(std::fs::read(dir.join("intent.json")).unwrap(), committed);
    // The French dev file alone holds 14 negatives and no spend false accept to avoid.
    let fr = root().join("tests/data/intent_dev_fr.jsonl");
    voxshop::intent::train::calibrate(&mut m, &[fr.as_path()]).unwrap();
    let before = model().settings;
    assert!(
        (m.settings.threshold, m.settings.spend_threshold)
            != (before.threshold, before.spend_threshold),
        "{:?}",
        m.settings
    );
    let weights = std::fs::read(dir.join("intent.safetensors")).unwrap();
    assert_eq!(
        weights,
        std::fs::read(root().join("models/intent/intent.safetensors")).unwrap()
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Issue 13: several commands per utterance in spoken order, one object per item under one
/// verb, and names with "and" in them kept whole (README, "Several commands").
#[test]
fn several_commands_in_one_utterance() {
    if common::skip_without_intent_model() {
        return;
    }
    let several = report(&["multi_commands.jsonl"]);
    assert!(several.several >= 130, "{} utterances", several.several);
    assert!(
        several.several_exact_rate() >= 0.75,
        "exactly right {:.3}",
        several.several_exact_rate()
    );
    assert!(several.command_precision() >= 0.88);
    assert!(several.command_recall() >= 0.82);
    let whole = report(&["single_commands_with_and.jsonl"]);
    assert!(
        whole.kept_whole() >= 0.78,
        "kept whole {:.3}",
        whole.kept_whole()
    );

    let m = model();
    let said = |text: &str| -> Vec<(Intent, Option<String>)> {
        m.commands(text)
            .into_iter()
            .map(|c| (c.intent, c.slots.item))
            .collect()
    };
    let item = |s: &str| Some(s.to_string());
    use Intent::*;
    assert_eq!(
        said("add milk and eggs to my shopping list"),
        [(AddToList, item("milk")), (AddToList, item("eggs"))]
    );
    assert_eq!(
        said("order paper towels and add dish soap to my list"),
        [(Buy, item("paper towels")), (AddToList, item("dish soap"))]
    );
    assert_eq!(
        said("ajoute du lait et des oeufs"),
        [(AddToList, item("lait")), (AddToList, item("oeufs"))]
    );
    assert_eq!(
        said("mets du pain sur la liste et enlève le beurre"),
        [(AddToList, item("pain")), (RemoveFromList, item("beurre"))]
    );
    for one in [
        "add macaroni and cheese to my list",
        "buy salt and pepper chips",
        "add fish and chips to my shopping list",
    ] {
        assert_eq!(said(one).len(), 1, "{one}: {:?}", said(one));
    }
    let c = m.commands("add two litres of oat milk and a dozen eggs to my party list");
    assert_eq!(c.len(), 2);
    assert_eq!(
        (c[0].slots.quantity, c[0].slots.unit.as_deref()),
        (Some(2.0), Some("l"))
    );
    assert_eq!(
        (c[1].slots.quantity, c[1].slots.unit.as_deref()),
        (Some(12.0), None)
    );
    assert!(c.iter().all(|c| c.slots.list.as_deref() == Some("party")));
    // Chatter beside a command is dropped; chatter alone is one out_of_scope.
    assert_eq!(
        said("what's the weather like and add bread to my list"),
        [(AddToList, item("bread"))]
    );
    assert_eq!(
        said("play some jazz and turn off the lights"),
        [(OutOfScope, None)]
    );
    // Where Whisper ends a sentence, a second command may begin that the splitter, which
    // never sees punctuation, reads as the first one's end; a sentence that is a fragment
    // of one command stays with it.
    assert_eq!(
        said(
            "Cross off the light bulbs from my list. Remove wrapping paper from my Christmas list."
        ),
        [
            (RemoveFromList, item("light bulbs")),
            (RemoveFromList, item("wrapping paper"))
        ]
    );
    assert_eq!(
        said("Add two litres of. Oat milk to my shopping list."),
        [(AddToList, item("oat milk"))]
    );
    assert_eq!(
        said("Add eggs to my list. Thank you."),
        [(AddToList, item("eggs"))]
    );
    // A short sentence that names what its command needs is a command of its own, not the
    // start of the next one (each lost its first command before; the French one read "add
    // poires").
    assert_eq!(
        said("Order batteries. Add bread to my list."),
        [(Buy, item("batteries")), (AddToList, item("bread"))]
    );
    assert_eq!(
        said("Ajoute des pommes. Enlève les poires."),
        [
            (AddToList, item("pommes")),
            (RemoveFromList, item("poires"))
        ]
    );
    // And at a comma when the stops alone do not part them; an answer before a comma is
    // a fragment, so the stop decides there.
    assert_eq!(
        said("Order 3 kilos of basmati rice from Tesco, please buy 4 cans of Whiskas cat food."),
        [(Buy, item("basmati rice")), (Buy, item("cat food"))]
    );
    assert_eq!(
        said("No, don't order it. Add two litres of milk to my list."),
        [(Deny, None), (AddToList, item("milk"))]
    );
    // A command said again with nothing new, pointing back at it, is one; a second question
    // of the same kind, or one after "and", is its own.
    assert_eq!(
        said("Can you stop the delivery of the desk lamp? I want to cancel it."),
        [(CancelOrder, item("desk lamp"))]
    );
    // A part after a whole command, with no joiner, that reads as a command without what it
    // needs is a remark about the first (each was a second command before: remove_from_list
    // or add_to_list with no item).
    assert_eq!(
        said("Cancel the blender order, I don't need it anymore."),
        [(CancelOrder, item("blender"))]
    );
    assert_eq!(
        said("drop the kitchen roll from the list, we picked up a multipack"),
        [(RemoveFromList, item("kitchen roll"))]
    );
    // (The remark is what this checks: session 49's tagger leaves "de la friteuse" out of
    // the item, where it finds "de la bouilloire", "de la lampe" and "de friteuse".)
    assert_eq!(
        said("Annule la commande de la friteuse, je n'en ai plus besoin finalement.").len(),
        1
    );
    assert_eq!(
        said("Annule la commande de la bouilloire, je n'en ai plus besoin finalement."),
        [(CancelOrder, item("bouilloire"))]
    );
    // Also where the remark could go on as a command ("we're running low [on coffee]"),
    // which the completer reads as one still being said: only a part cut off on a word that
    // leads on ("..., remove the") is (each below was a second add_to_list with no item).
    for (remark, first) in [
        (
            "Add coffee to my list, we're running low.",
            (AddToList, item("coffee")),
        ),
        (
            "Put eggs on the shopping list, we've run out.",
            (AddToList, item("eggs")),
        ),
        (
            "Order more coffee, we're almost out.",
            (Buy, item("coffee")),
        ),
        (
            "scrap the whole list, we're starting over",
            (ClearList, None),
        ),
    ] {
        assert_eq!(said(remark), [first], "{remark}");
    }
    assert_eq!(
        said("What's on my shopping list? Read me the grocery list."),
        [(ReadList, None), (ReadList, None)]
    );
    assert_eq!(
        said("how much cashback do I have and what deals apply to my party list").len(),
        2
    );
    // But not where neither the whole nor a sentence holds a command of ours: clauses of
    // talk or a phone menu read alone are no commands (each was one before).
    for talk in [
        "n'oublie pas ton manteau, il fait froid dehors",
        "press one to track your order, press two to speak to an agent",
    ] {
        assert_eq!(said(talk), [(OutOfScope, None)], "{talk}");
    }
    // Session 49's model reads this one whole, comma or none, as a share_product ("sending
    // those envelopes home"): a false accept of the model (README, "Session 49"); the commas
    // add no command to it.
    let talk = "I already gave to the school fundraiser, they keep sending those envelopes home.";
    assert_eq!(said(talk), said(&talk.replace(',', "")), "{talk}");
}

/// A yes or no said in the breath of a command is an answer, not one more item ("Buy milk.
/// No, forget it." read whole was buy milk + buy "no") nor the command's words ("Buy the
/// milk. Actually no, cancel that." read whole was cancel_order milk, a spend); a "cancel"
/// after a comma that is the command's own verb stays one (README, "Session 46").
#[test]
fn an_answer_in_the_breath_of_a_command_is_an_answer() {
    if common::skip_without_intent_model() {
        return;
    }
    let r = report(&["answers_in_commands.jsonl"]);
    assert!(r.several >= 30, "{} utterances", r.several);
    assert!(
        r.several_exact_rate() >= 0.9,
        "exactly right {:.3}",
        r.several_exact_rate()
    );
    let m = model();
    let said = |text: &str| -> Vec<(Intent, Option<String>)> {
        (m.commands(text).into_iter())
            .map(|c| (c.intent, c.slots.item))
            .collect()
    };
    let milk = Some("milk".to_string());
    use Intent::*;
    for (text, answer) in [
        ("Buy milk. No, forget it.", Deny),
        ("Buy the milk. Actually no, cancel that.", Deny),
        ("Buy milk, never mind.", Deny),
        ("Buy milk. Yes.", Confirm),
    ] {
        assert_eq!(said(text), [(Buy, milk.clone()), (answer, None)], "{text}");
    }
    // Read whole, the answer's words made the purchase a cancel_order of the batteries (or of
    // the milk), or were read as nothing at all ("forget it").
    for (text, item) in [
        ("Order the batteries, actually no.", "batteries"),
        ("Buy milk, cancel it.", "milk"),
        ("Buy milk, forget it.", "milk"),
    ] {
        assert_eq!(
            said(text),
            [(Buy, Some(item.into())), (Deny, None)],
            "{text}"
        );
    }
    assert_eq!(
        said("Buy milk. No. Buy oat milk."),
        [
            (Buy, milk.clone()),
            (Deny, None),
            (Buy, Some("oat milk".into()))
        ]
    );
    assert_eq!(said("No, no, no."), [(Deny, None)]);
    for one in [
        "I ordered the wrong size nappies, cancel them",
        "La commande de vin, on l'annule.",
        "No. Don't order it.",
    ] {
        assert_eq!(said(one).len(), 1, "{one}: {:?}", said(one));
    }
}

/// The household's catalogue on typed French (issue 12): the tagger told where its names are
/// and the values resolved to its spellings, misspelled names included ("bonne mamam",
/// "leroy merlain").
#[test]
fn a_french_households_catalogue_names_its_slots() {
    if common::skip_without_intent_model() {
        return;
    }
    use voxshop::catalog::Catalog;
    use voxshop::intent::eval::evaluate_with;
    use voxshop::intent::features::Gazetteer;
    let m = model();
    let items = read_labelled(&root().join("tests/data/catalog_text_fr.jsonl")).unwrap();
    let catalog =
        Catalog::from_toml_file(&root().join("tests/data/catalog_household_fr.toml")).unwrap();
    let plain = evaluate(&m, &items);
    let with = evaluate_with(&items, |text| {
        let names = Some(&catalog as &dyn Gazetteer);
        let (mut found, lang) = m.commands_with_names(text, None, names);
        catalog.resolve_commands(&mut found, lang, text);
        found
    });
    eprintln!(
        "{}",
        with.render("catalog_text_fr.jsonl, with the catalogue")
    );
    assert!(with.slot_f1() >= 0.95, "slot F1 {:.3}", with.slot_f1());
    assert!(
        with.slot_f1() >= plain.slot_f1() + 0.05,
        "{:.3} vs {:.3} without the catalogue",
        with.slot_f1(),
        plain.slot_f1()
    );
    assert!(with.accuracy() >= plain.accuracy());
}

/// The completer (issue 15): a command still being said is told from a whole one, so that
/// the session waits in a pause after "add two litres of" and ends right after "add two
/// litres of oat milk to my shopping list".
#[test]
fn commands_still_being_said_are_told_from_whole_ones() {
    if common::skip_without_intent_model() {
        return;
    }
    let m = model();
    let cases = [
        ("add two litres of", true),
        ("buy the", true),
        ("donate ten", true),
        ("can you", true),
        ("add milk to my", true),
        ("order paper towels and", true),
        ("cancel my order of", true),
        ("what's on my", true),
        ("ajoute deux litres de", true),
        ("add two litres of oat milk to my shopping list", false),
        ("buy the batteries", false),
        ("donate ten dollars to oxfam", false),
        ("yes", false),
        ("what's on my party list", false),
        ("order paper towels", false),
        ("ajoute deux litres de lait", false),
        ("no thanks", false),
        // Names the generator never says: the words before them tell, not the name.
        ("order a yoga mat", false),
        ("i'd like to order a yoga mat", false),
        ("order usbc cable", false),
    ];
    let mut wrong = Vec::new();
    for (text, incomplete) in cases {
        let p = m.incomplete_prob(text);
        eprintln!("{p:.3} {text}");
        if (p >= 0.5) != incomplete {
            wrong.push(format!("{text}: {p:.3}"));
        }
    }
    // Known miss: "add milk to my" (0.50); README, "Adaptive end of utterance".
    assert!(wrong.len() <= 1, "{wrong:?}");
}
