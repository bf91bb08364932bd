//! The microphone path for real: ALSA's `file` plugin turns a raw recording into the default
//! capture device (see ../shared/notes/environment.md), `voxshop listen` captures it with cpal.

mod common;

use std::io::Write;
use std::process::Command;

#[test]
fn listen_hears_a_command_through_an_alsa_capture_device() {
    if common::skip_without_setup() {
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("voxshop-alsa-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    // Headerless S16_LE, 16 kHz mono: half a second of silence, the command, then silence.
    let speech = voxshop::audio::load_wav_16k(&root.join("samples/en/add_milk.wav")).unwrap();
    let raw = dir.join("capture.raw");
    let mut f = std::fs::File::create(&raw).unwrap();
    let pcm = std::iter::repeat_n(0.0, 8_000)
        .chain(speech.samples)
        .chain(std::iter::repeat_n(0.0, 16_000));
    for s in pcm {
        f.write_all(&((s * 32767.0) as i16).to_le_bytes()).unwrap();
    }
    let conf = dir.join("asound.conf");
    std::fs::write(
        &conf,
        format!(
            "</usr/share/alsa/alsa.conf>\npcm.!default {{ type file; slave.pcm \"null\"; file \"/dev/null\"; infile \"{}\"; format \"raw\" }}\n",
            raw.display()
        ),
    )
    .unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_voxshop"))
        .current_dir(root)
        .env("ALSA_CONFIG_PATH", &conf)
        .args([
            "listen",
            "--json",
            "--rate",
            "16000",
            "--channels",
            "1",
            "--format",
            "i16",
        ])
        // The file device keeps delivering silence after its end: stop on our own.
        .args(["--max-intents", "1", "--max-seconds", "30"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let events: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    assert_eq!(
        kinds,
        ["speech_start", "speech_end", "final_transcript", "intent"],
        "{stdout}"
    );
    let intent = &events[3];
    assert_eq!(intent["intent"], "add_to_list", "{stdout}");
    assert_eq!(intent["slots"]["item"], "milk", "{stdout}");
    assert_eq!(intent["slots"]["quantity"], 2, "{stdout}");
    // The command starts 0.5 s into the capture.
    let start = intent["start_ms"].as_u64().unwrap();
    assert!((300..=900).contains(&start), "start_ms {start}");
}
