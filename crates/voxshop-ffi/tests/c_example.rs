//! The C example (examples/c/transcribe.c) built against include/voxshop.h and libvoxshop.so,
//! and run: errors as codes and messages without the weights, a spoken command end to end with
//! them (through the callback and by polling).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where libvoxshop.so is for this build's profile, built first: `cargo test` builds the
/// library's tests but not its cdylib. The whole workspace is built, as `cargo build` would,
/// so that nothing is compiled again with other features; it is a no-op when up to date.
fn library_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(build_library).clone()
}

fn build_library() -> PathBuf {
    let mut build = Command::new(env!("CARGO"));
    build.current_dir(repo_root()).arg("build");
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "building libvoxshop.so failed");
    let exe = std::env::current_exe().expect("the test knows its own path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test executable is in <target>/<profile>/deps");
    assert!(
        dir.join("libvoxshop.so").exists(),
        "libvoxshop.so is not in {}",
        dir.display()
    );
    dir.to_path_buf()
}

/// Compiles the example once per test into a fresh temporary folder.
fn build_example() -> PathBuf {
    let root = repo_root();
    let lib = library_dir();
    let out = std::env::temp_dir().join(format!("voxshop-c-example-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let exe =
        out.join(format!("transcribe-{:?}", std::thread::current().id()).replace(['(', ')'], ""));
    let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-O2", "-I"])
        .arg(root.join("crates/voxshop-ffi/include"))
        .arg(root.join("examples/c/transcribe.c"))
        .arg("-L")
        .arg(&lib)
        .arg("-lvoxshop")
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .arg("-o")
        .arg(&exe)
        .status()
        .expect("a C compiler (cc; CC overrides) is installed");
    assert!(status.success(), "examples/c/transcribe.c does not compile");
    exe
}

fn run(exe: &Path, args: &[&str], models: Option<&str>) -> Output {
    let mut cmd = Command::new(exe);
    cmd.current_dir(repo_root()).args(args);
    if let Some(dir) = models {
        cmd.env("VOXSHOP_MODELS", dir);
    }
    cmd.output().unwrap()
}

#[test]
fn errors_come_back_as_codes_and_messages() {
    let exe = build_example();
    let no_models = run(&exe, &["samples/en/add_milk.wav"], Some("/nonexistent"));
    let stderr = String::from_utf8_lossy(&no_models.stderr);
    assert_eq!(no_models.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("vx_recognizer_load failed (3)") && stderr.contains("scripts/setup"),
        "missing weights are VX_ERR_MODEL with the command that makes them: {stderr}"
    );

    let settings = std::env::temp_dir().join(format!("voxshop-c-bad-{}.toml", std::process::id()));
    std::fs::write(&settings, "threads = 0\n").unwrap();
    let bad = run(
        &exe,
        &["samples/en/add_milk.wav", settings.to_str().unwrap()],
        None,
    );
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("vx_recognizer_load failed (2)") && stderr.contains("threads = 0"),
        "a bad setting is VX_ERR_CONFIG naming the key: {stderr}"
    );
    std::fs::remove_file(settings).ok();
}

/// Whether the converted tiny.en model and the trained intent model are there; without them
/// the test says what makes them and passes, unless VOXSHOP_REQUIRE_SETUP is set (scripts/test,
/// CI), where it fails.
fn have_models() -> bool {
    let needed = [
        "models/tiny.en/model.gguf",
        "models/intent/intent.safetensors",
    ];
    let Some(missing) = needed.iter().find(|f| !repo_root().join(f).exists()) else {
        return true;
    };
    let why = format!("{missing} is missing; run `scripts/setup`");
    assert!(
        std::env::var_os("VOXSHOP_REQUIRE_SETUP").is_none(),
        "VOXSHOP_REQUIRE_SETUP is set: {why}"
    );
    eprintln!("skipped: {why}");
    false
}

#[test]
fn a_spoken_command_comes_out_as_json_events_through_callback_and_poll() {
    if !have_models() {
        return;
    }
    let exe = build_example();
    for mode in [
        &["samples/en/add_milk.wav"][..],
        &["--poll", "samples/en/add_milk.wav"],
    ] {
        let out = run(&exe, mode, None);
        assert!(
            out.status.success(),
            "{mode:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let events: Vec<serde_json::Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is one JSON event"))
            .collect();
        let kinds: Vec<&str> = events
            .iter()
            .map(|e| e["event"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            ["speech_start", "speech_end", "final_transcript", "intent"],
            "{mode:?}"
        );
        let intent = &events[3];
        assert_eq!(intent["intent"], "add_to_list", "{intent}");
        assert_eq!(intent["slots"]["item"], "milk", "{intent}");
        assert_eq!(intent["slots"]["quantity"], 2, "{intent}");
    }
}
