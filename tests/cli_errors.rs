//! The binary on bad input: clear message, non-zero exit, no panic, other files still done.

mod common;

use std::process::Command;

fn voxshop() -> Command {
    Command::new(env!("CARGO_BIN_EXE_voxshop"))
}

/// Runs `cmd`, which must fail with exit status 1 (an error, not a usage error): its stderr.
fn fails(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    err
}

fn tmp_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("voxshop-cli-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn missing_model_names_the_command_that_makes_it() {
    let empty = tmp_dir().join("no-models");
    std::fs::create_dir_all(&empty).unwrap();
    let err = fails(
        voxshop()
            .args(["transcribe", "--models-dir"])
            .arg(&empty)
            .arg("samples/silence.wav"),
    );
    assert!(err.contains("scripts/setup --model tiny.en"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn corrupt_model_is_reported_not_loaded() {
    let dir = tmp_dir().join("corrupt-models");
    let model_dir = dir.join("tiny.en");
    std::fs::create_dir_all(&model_dir).unwrap();
    std::fs::write(model_dir.join("model.gguf"), b"GGUF but not really").unwrap();
    std::fs::write(model_dir.join("tokenizer.json"), b"{}").unwrap();
    let err = fails(
        voxshop()
            .args(["transcribe", "--models-dir"])
            .arg(&dir)
            .arg("samples/silence.wav"),
    );
    assert!(
        err.contains("corrupt") && err.contains("scripts/setup"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2_with_help() {
    let out = voxshop().args(["transcribe"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // Typed values and flags that do not go together are usage errors naming what is valid.
    for (args, says) in [
        (&["transcribe", "--model", "huge", "x.wav"][..], "tiny.en"),
        (&["listen", "--lang", "de"], "fr"),
        (&["setup", "--decoder-quant", "q4"], "q8_0"),
        (&["--bias", "loud", "classify", "x"], "trie"),
        (&["--threads", "0", "classify", "x"], "1..=256"),
        (
            &[
                "serve", "--socket", "s", "--input", "x.wav", "--device", "hw:0",
            ],
            "--device",
        ),
        (&["serve", "--socket", "s", "--realtime"], "--input"),
        (&["listen", "--max-seconds", "0"], "positive"),
    ] {
        let out = voxshop().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(says),
            "{args:?} should mention {says:?}: {err}"
        );
    }
    let out = voxshop().arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("transcribe"));
}

#[test]
fn config_file_is_read_and_checked() {
    let dir = tmp_dir().join("config");
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "modle = \"base\"\n").unwrap();
    let err = fails(
        voxshop()
            .arg("--config")
            .arg(&bad)
            .args(["transcribe", "samples/silence.wav"]),
    );
    assert!(err.contains("bad.toml") && err.contains("modle"), "{err}");

    // A valid file is applied: its models_dir is where the model is looked for.
    let good = dir.join("good.toml");
    let empty = dir.join("empty-models");
    std::fs::write(
        &good,
        format!(
            "model = \"base\"\nmodels_dir = {:?}\nmin_ctx = 500\n[session.vad]\nhangover_ms = 250\n",
            empty.display().to_string()
        ),
    )
    .unwrap();
    let err = fails(
        voxshop()
            .arg("--config")
            .arg(&good)
            .args(["transcribe", "samples/silence.wav"]),
    );
    assert!(
        err.contains("empty-models/base/model.gguf") && err.contains("scripts/setup --model base"),
        "{err}"
    );
}

/// Settings that the endpointer or the model cannot honour are refused with the file, the
/// key and its range, before any model is loaded (issue 14); none is silently clamped.
#[test]
fn config_values_out_of_range_are_refused_by_name() {
    let dir = tmp_dir().join("config-ranges");
    std::fs::create_dir_all(&dir).unwrap();
    for (n, (body, expect)) in [
        ("[session.vad]\nhangover = 250\n", "hangover"),
        ("[session]\nspeculat = true\n", "speculat"),
        ("[session.vad]\nhangover_ms = 0\n", "vad.hangover_ms = 0"),
        (
            "[session.vad]\nmax_utterance_ms = 0\n",
            "vad.max_utterance_ms = 0",
        ),
        (
            "[session.vad]\nmax_utterance_ms = 120000\n",
            "vad.max_utterance_ms = 120000",
        ),
        ("[session.vad]\nthreshold = nan\n", "vad.threshold = NaN"),
        (
            "[session.vad]\npreroll_ms = 4294967295\n",
            "vad.preroll_ms = 4294967295",
        ),
        ("language = \"fr\"\n", "multilingual"),
        ("min_ctx = 0\n", "min_ctx = 0"),
        ("margin_ctx = 99999\n", "margin_ctx = 99999"),
        (
            "[session]\nconfirm_window_ms = 0\n",
            "confirm_window_ms = 0",
        ),
        (
            "[session]\nincomplete_hangover_ms = 100\n",
            "incomplete_hangover_ms = 100",
        ),
        (
            "[session]\ncomplete_end_ms = 400\n",
            "complete_end_ms = 400",
        ),
        ("[session]\npause_kept_ms = 9000\n", "pause_kept_ms = 9000"),
        ("bias_min_logprob = 3.0\n", "bias_min_logprob = 3"),
    ]
    .into_iter()
    .enumerate()
    {
        let f = dir.join(format!("c{n}.toml"));
        std::fs::write(&f, body).unwrap();
        let err = fails(
            voxshop()
                .arg("--config")
                .arg(&f)
                .args(["transcribe", "samples/silence.wav"]),
        );
        assert!(
            err.contains(&format!("c{n}.toml")) && err.contains(expect),
            "{body}: {err}"
        );
    }
    // A file without end is not read to its end.
    let err = fails(voxshop().args(["--config", "/dev/zero", "transcribe", "samples/silence.wav"]));
    assert!(err.contains("not a settings file"), "{err}");
}

/// One bad line of a batch is reported and skipped; the lines after it are still classified
/// (issue 14). A line too long to be an utterance is not held whole.
#[test]
fn classify_skips_bad_lines_and_goes_on() {
    if common::skip_without_setup() {
        return;
    }
    use std::io::Write;
    let mut input = b"buy milk\n\xff\xfe not text\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', 10 << 20));
    input.extend(b"\nplay some jazz\nadd 18446744073709551616 eggs\n");
    let mut child = voxshop()
        .args(["classify", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("line 2: not UTF-8") && err.contains("line 3: longer than"),
        "{err}"
    );
    let intents: Vec<&str> = lines
        .iter()
        .map(|o| o["intent"].as_str().unwrap())
        .collect();
    assert_eq!(intents, ["buy", "out_of_scope", "add_to_list"], "{lines:?}");
    // An absurd quantity is left out, not passed on.
    assert!(lines[2]["slots"].get("quantity").is_none(), "{lines:?}");
}

/// `classify -` reads its lines from standard input, as `transcribe -` reads a WAV.
#[test]
fn classify_dash_reads_standard_input() {
    if common::skip_without_setup() {
        return;
    }
    use std::io::Write;
    let mut child = voxshop()
        .args(["classify", "--json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"add milk to my list\nplay some jazz\n")
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let intents: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["intent"].to_string())
        .collect();
    assert_eq!(intents, ["\"add_to_list\"", "\"out_of_scope\""]);
}

#[test]
fn closed_stdout_ends_quietly() {
    if common::skip_without_setup() {
        return;
    }
    // Many lines for a reader that is gone before the first is written, as `| head -0`.
    let mut child = voxshop()
        .arg("classify")
        .args(std::iter::repeat_n("add milk to my list", 2000))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
}

/// `transcribe -` reads standard input (a pipe has no length, its header a streaming size),
/// a second at a time: 20 minutes of 48 kHz stereo float through it stay within the model's
/// memory (they took 618 MB when files were decoded whole; issue 14).
#[test]
fn standard_input_is_streamed_in_bounded_memory() {
    if common::skip_without_setup() {
        return;
    }
    use std::io::Write;
    let mut child = voxshop()
        .args(["transcribe", "--json", "-"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (rate, channels) = (48_000u32, 2u16);
    let mut header = Vec::new();
    header.extend(b"RIFF\xff\xff\xff\xffWAVEfmt ");
    header.extend(16u32.to_le_bytes());
    header.extend(3u16.to_le_bytes()); // IEEE float
    header.extend(channels.to_le_bytes());
    header.extend(rate.to_le_bytes());
    header.extend((rate * 8).to_le_bytes());
    header.extend(8u16.to_le_bytes());
    header.extend(32u16.to_le_bytes());
    header.extend(b"data\xff\xff\xff\xff");
    let feeder = std::thread::spawn(move || {
        stdin.write_all(&header).unwrap();
        let second = vec![0u8; rate as usize * 8];
        for _ in 0..20 * 60 {
            stdin.write_all(&second).unwrap();
        }
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "silence gives no utterance");
    // SAFETY: getrusage fills the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) },
        0
    );
    let peak_mb = usage.ru_maxrss / 1024;
    assert!(
        peak_mb < 350,
        "peak {peak_mb} MB for 20 minutes through stdin"
    );
}

/// With standard error closed, a failing file is reported nowhere but nothing panics
/// (`transcribe bad.wav good.wav 2>&1 | head -1`; issue 14).
#[test]
fn a_closed_stderr_does_not_panic() {
    if common::skip_without_setup() {
        return;
    }
    let out = voxshop()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "transcribe",
            "/nonexistent/bad.wav",
            "samples/en/add_milk.wav",
        ])
        .stderr(std::process::Stdio::from(
            std::fs::File::open("/dev/full").unwrap(),
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "one file failed");
    assert!(String::from_utf8_lossy(&out.stdout).contains("milk"));
}

/// `--catalog`: misheard names are written as the household writes them; a bad catalogue is
/// refused with its file, line and key (issue 12).
#[test]
fn a_catalogue_spells_what_was_misheard_and_a_bad_one_is_refused() {
    if common::skip_without_setup() {
        return;
    }
    let dir = tmp_dir();
    let good = dir.join("household.toml");
    std::fs::write(
        &good,
        "items = [\"oat milk\", \"batteries\"]\nbrands = [\"duracell\", \"colgate\"]\n",
    )
    .unwrap();
    let out = voxshop()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("--catalog")
        .arg(&good)
        .args(["classify", "--json"])
        .args(["add two packs of durasoul batteries to my list"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["slots"]["brand"], "duracell", "{v}");
    assert_eq!(v["slots"]["item"], "batteries");

    let bad = dir.join("bad-household.toml");
    std::fs::write(&bad, "items = [\"oat milk\"]\nbrand = [\"duracell\"]\n").unwrap();
    let err = fails(
        voxshop()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("--catalog")
            .arg(&bad)
            .args(["classify", "buy milk"]),
    );
    assert!(
        err.contains("bad-household.toml") && err.contains("line 2") && err.contains("brand"),
        "{err}"
    );
}
