//! The daemon: events to every client of a 0600 Unix socket, silent and vanished clients do
//! not disturb the others, SIGTERM shuts down cleanly and removes the socket.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

#[test]
fn serve_streams_events_to_clients_and_shuts_down_on_sigterm() {
    if common::skip_without_setup() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("voxshop-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("events.sock");
    let mut child = start_serve(&sock, "samples/en/donate_red_cross.wav");
    let mode = std::fs::metadata(&sock).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    // One client that listens, one that never reads, one that leaves at once. The listener
    // connects first: `--wait-client` starts the stream at the first client, and a listener
    // that came later could miss the first event.
    let reader = UnixStream::connect(&sock).unwrap();
    let _silent = UnixStream::connect(&sock).unwrap();
    drop(UnixStream::connect(&sock).unwrap());
    reader
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut lines = BufReader::new(reader).lines();
    let mut kinds = Vec::new();
    let intent = loop {
        let line = lines
            .next()
            .expect("stream ended before the intent")
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        kinds.push(v["event"].as_str().unwrap().to_string());
        if v["event"] == "intent" {
            break v;
        }
    };
    assert_eq!(
        kinds,
        ["speech_start", "speech_end", "final_transcript", "intent"]
    );
    assert_eq!(intent["intent"], "donate");
    assert_eq!(intent["requires_confirmation"], true);
    assert_eq!(intent["slots"]["currency"], "USD");

    let status = terminate(&mut child);
    assert!(status.success(), "{status:?}");
    assert!(!sock.exists(), "socket left behind");
}

#[test]
fn serve_refuses_to_replace_a_regular_file() {
    if common::skip_without_setup() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("voxshop-serve2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("not-a-socket");
    std::fs::write(&path, b"keep me").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_voxshop"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["serve", "--socket"])
        .arg(&path)
        .args(["--input", "samples/silence.wav", "--exit-when-done"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a socket"));
    assert_eq!(std::fs::read(&path).unwrap(), b"keep me");
}

/// `serve` honours the limits it shows: `--max-seconds` ends a real-time stream early, and
/// `--exit-when-done` then exits; `--max-intents 1` stops after the first command.
#[test]
fn serve_stops_at_its_limits() {
    if common::skip_without_setup() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("voxshop-serve-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("events.sock");
    // samples/en/add_milk.wav lasts 2.8 s in real time; half a second of it has no command.
    let t0 = Instant::now();
    let out = serve_command(&sock)
        .args(["--input", "samples/en/add_milk.wav", "--realtime"])
        .args(["--max-seconds", "0.5", "--exit-when-done"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        t0.elapsed() < Duration::from_millis(2000),
        "--max-seconds 0.5 took {:?}",
        t0.elapsed()
    );
    // Two utterances in one file, a second of silence apart: the first command ends the stream.
    let two = dir.join("two_utterances.wav");
    let mut samples = Vec::new();
    for wav in ["samples/en/add_milk.wav", "samples/en/read_list.wav"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(wav);
        samples.extend(voxshop::audio::load_wav_16k(&path).unwrap().samples);
        samples.extend(std::iter::repeat_n(0.0f32, 16_000));
    }
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(&two, spec).unwrap();
    samples.iter().for_each(|&x| w.write_sample(x).unwrap());
    w.finalize().unwrap();
    let mut cmd = serve_command(&sock);
    cmd.arg("--input").arg(&two).arg("--wait-client").args([
        "--max-intents",
        "1",
        "--exit-when-done",
    ]);
    let mut child = spawn_serve(cmd, &sock);
    let events = BufReader::new(UnixStream::connect(&sock).unwrap());
    let intents: Vec<String> = events
        .lines()
        .map_while(Result::ok)
        .filter(|l| l.contains("\"event\":\"intent\""))
        .collect();
    assert!(child.wait().unwrap().success());
    assert_eq!(intents.len(), 1, "{intents:?}");
}

/// On exit the daemon removes its socket only if it is still the one it bound: a socket made
/// at the same path since (another server's) is left alone (issue 14).
#[test]
fn serve_leaves_a_socket_it_did_not_bind() {
    if common::skip_without_setup() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("voxshop-serve-other-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("events.sock");
    let mut child = start_serve(&sock, "samples/silence.wav");
    // Another server takes the path over.
    std::fs::remove_file(&sock).unwrap();
    let other = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    terminate(&mut child);
    assert!(sock.exists(), "the other server's socket was removed");
    drop(other);
    std::fs::remove_file(&sock).unwrap();
}

/// A client that connects the moment the socket file appears is accepted: the path shows up only
/// once the server listens, and no staging name is left beside it.
#[test]
fn the_socket_accepts_as_soon_as_it_appears() {
    if common::skip_without_setup() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("voxshop-serve-ready-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("events.sock");
    for _ in 0..8 {
        let mut cmd = serve_command(&sock);
        cmd.args(["--input", "samples/silence.wav", "--wait-client"]);
        let mut child = cmd.spawn().unwrap();
        let t0 = Instant::now();
        while !sock.exists() {
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "socket never appeared"
            );
            std::hint::spin_loop();
        }
        let connected = UnixStream::connect(&sock);
        let status = terminate(&mut child);
        assert!(connected.is_ok(), "refused at first sight: {connected:?}");
        assert!(status.success(), "{status:?}");
    }
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// `serve` on `sock` replaying `input` once a client is there; returns when the socket exists.
fn start_serve(sock: &std::path::Path, input: &str) -> Child {
    let mut cmd = serve_command(sock);
    cmd.args(["--input", input, "--wait-client"]);
    spawn_serve(cmd, sock)
}

/// `voxshop serve --socket SOCK` from the repository root, stderr silenced: add the test's
/// arguments, then `spawn_serve`.
fn serve_command(sock: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_voxshop"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["serve", "--socket"])
        .arg(sock)
        .stderr(Stdio::null());
    cmd
}

/// Spawns a `serve_command`; returns when its socket exists.
fn spawn_serve(mut cmd: Command, sock: &std::path::Path) -> Child {
    let child = cmd.spawn().unwrap();
    let t0 = Instant::now();
    while !sock.exists() {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "socket never appeared"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

/// SIGTERM, then the exit status (within 10 s).
fn terminate(child: &mut Child) -> ExitStatus {
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let t0 = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "no shutdown after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A client that sends commands and reads replies (event lines skipped).
struct Client {
    stream: UnixStream,
    lines: std::io::Lines<BufReader<UnixStream>>,
}

impl Client {
    fn connect(sock: &std::path::Path) -> Self {
        let stream = UnixStream::connect(sock).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let lines = BufReader::new(stream.try_clone().unwrap()).lines();
        Self { stream, lines }
    }

    fn send(&mut self, line: &str) {
        use std::io::Write;
        self.stream.write_all(line.as_bytes()).unwrap();
        self.stream.write_all(b"\n").unwrap();
    }

    /// The next line that is not an event; `None` when the server closed the connection.
    fn reply(&mut self) -> Option<serde_json::Value> {
        for line in self.lines.by_ref() {
            let v: serde_json::Value = serde_json::from_str(&line.ok()?).unwrap();
            if v.get("event").is_none() {
                return Some(v);
            }
        }
        None
    }

    fn ask(&mut self, line: &str) -> serde_json::Value {
        self.send(line);
        self.reply().expect("a reply")
    }
}

/// Issue 13's two-way daemon: commands answered one line each, bad ones with an error line,
/// never a crash; a line over 64 KiB closes that client only; the pending purchase can be
/// cancelled from outside.
#[test]
fn serve_answers_commands_from_its_clients() {
    if common::skip_without_setup() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("voxshop-serve-cmd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("events.sock");
    let mut child = start_serve(&sock, "samples/en/buy_paper_towels.wav");
    let mut a = Client::connect(&sock);
    // The whole file is heard at once: wait for the buy, whose action stays pending for 8 s.
    let mut lines = BufReader::new(a.stream.try_clone().unwrap()).lines();
    let buy = loop {
        let v: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
        if v["event"] == "intent" {
            break v;
        }
    };
    drop(lines);
    let id = buy["action_id"]
        .as_str()
        .expect("the buy is pending")
        .to_string();

    let status = a.ask(r#"{"cmd": "status"}"#);
    assert_eq!(status["ok"], true, "{status}");
    assert_eq!(status["pending"]["action_id"], id.as_str());
    assert_eq!(status["muted"], false);
    assert_eq!(status["clients"], 1);

    assert_eq!(a.ask(r#"{"cmd": "mute"}"#)["muted"], true);
    assert_eq!(a.ask(r#"{"cmd": "status"}"#)["muted"], true);
    assert_eq!(a.ask(r#"{"cmd": "unmute"}"#)["muted"], false);

    let cancelled = a.ask(r#"{"cmd": "cancel_pending"}"#);
    assert_eq!(cancelled["cancelled"], id.as_str());
    assert!(a.ask(r#"{"cmd": "status"}"#)["pending"].is_null());
    assert!(a.ask(r#"{"cmd": "cancel_pending"}"#)["cancelled"].is_null());

    for bad in [
        "mute",
        r#"{"cmd": "dance"}"#,
        r#"{"command": "status"}"#,
        "[1, 2",
    ] {
        let e = a.ask(bad);
        assert_eq!(e["ok"], false, "{bad}: {e}");
        assert!(e["error"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(a.ask(r#"{"cmd": "reload_catalog"}"#)["ok"], false);

    // A client that sends 70 KiB without a newline is closed; the others are served.
    let mut b = Client::connect(&sock);
    {
        use std::io::Write;
        let _ = b.stream.write_all(&vec![b'x'; 70 * 1024]);
    }
    let last = b.reply();
    assert!(
        last.as_ref().is_some_and(|v| v["ok"] == false),
        "an error line first: {last:?}"
    );
    assert!(b.reply().is_none(), "then closed");
    assert_eq!(a.ask(r#"{"cmd": "status"}"#)["clients"], 1);

    assert!(terminate(&mut child).success());
}

/// Issue 14: connect-and-close in a loop neither grows threads nor stops the daemon, extra
/// clients over the limit are told and closed, and a hang-up is noticed without an event.
#[test]
fn serve_stays_up_under_connection_churn_and_limits_its_clients() {
    if common::skip_without_setup() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("voxshop-serve-churn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("events.sock");
    let mut cmd = serve_command(&sock);
    cmd.args(["--max-clients", "3", "--input", "samples/silence.wav"]);
    let mut child = spawn_serve(cmd, &sock);
    for _ in 0..3000 {
        drop(UnixStream::connect(&sock).unwrap());
    }
    let mut a = Client::connect(&sock);
    let mut status = a.ask(r#"{"cmd": "status"}"#);
    // The churn's last hang-ups may still be on their way.
    for _ in 0..50 {
        if status["clients"] == 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
        status = a.ask(r#"{"cmd": "status"}"#);
    }
    assert_eq!(status["clients"], 1, "{status}");
    let threads = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix("Threads:")
                .map(|n| n.trim().parse::<usize>().unwrap())
        })
        .unwrap();
    assert!(threads < 16, "{threads} threads after 3000 connections");

    let _b = Client::connect(&sock);
    let _c = Client::connect(&sock);
    let mut extra = Client::connect(&sock);
    let refused = extra.reply().expect("an error line");
    assert_eq!(refused["ok"], false);
    assert!(refused["error"]
        .as_str()
        .unwrap()
        .contains("too many clients"));
    assert!(extra.reply().is_none());
    assert_eq!(a.ask(r#"{"cmd": "status"}"#)["clients"], 3);

    assert!(terminate(&mut child).success());
    assert!(!sock.exists());
}

/// `mute`: the speaker talks, the microphone's audio is replaced by silence (no speech is
/// heard), while the stream's clock runs on.
#[test]
fn muted_audio_is_heard_as_silence() {
    if common::skip_without_setup() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("voxshop-serve-mute-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("events.sock");
    let mut cmd = serve_command(&sock);
    cmd.args(["--input", "samples/en/buy_paper_towels.wav", "--realtime"])
        .args(["--wait-client", "--exit-when-done"]);
    let mut child = spawn_serve(cmd, &sock);
    let mut a = Client::connect(&sock);
    assert_eq!(a.ask(r#"{"cmd": "mute"}"#)["muted"], true);
    let mut events = Vec::new();
    for line in a.lines.by_ref() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        events.extend(v["event"].as_str().map(String::from));
    }
    assert!(events.is_empty(), "heard while muted: {events:?}");
    assert!(child.wait().unwrap().success());
}

/// Out of descriptors, `accept` fails: the daemon pauses accepting instead of spinning, and
/// takes clients again once descriptors are free (issue 14).
#[test]
fn accept_errors_back_off_instead_of_spinning() {
    if common::skip_without_setup() {
        return;
    }
    use std::os::unix::process::CommandExt;
    let dir = std::env::temp_dir().join(format!("voxshop-serve-fds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("events.sock");
    let mut cmd = serve_command(&sock);
    cmd.args(["--max-clients", "1000", "--input", "samples/silence.wav"]);
    // SAFETY: setrlimit only changes this child's own descriptor limit before exec.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: 64,
                rlim_max: 64,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = spawn_serve(cmd, &sock);
    std::thread::sleep(Duration::from_millis(300));
    let held: Vec<UnixStream> = (0..120)
        .filter_map(|_| UnixStream::connect(&sock).ok())
        .collect();
    assert!(held.len() >= 60, "{} connections", held.len());
    let cpu = || -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", child.id())).unwrap();
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap()
            .split_whitespace()
            .collect();
        fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
    };
    let before = cpu();
    std::thread::sleep(Duration::from_secs(2));
    let ticks = cpu() - before;
    assert!(
        ticks < 50,
        "{ticks} clock ticks of CPU in 2 s while out of descriptors"
    );
    drop(held);
    let mut a = Client::connect(&sock);
    assert_eq!(a.ask(r#"{"cmd": "status"}"#)["ok"], true);
    assert!(terminate(&mut child).success());
}

/// A CI-sized soak over a live daemon (issue 14): while spoken commands play in real time,
/// clients join and leave in a loop, one floods commands and junk, one never reads. The
/// well-behaved client gets every intent `transcribe` finds in the same audio, and the
/// daemon's memory and threads stay flat. `VOXSHOP_SOAK_REPEAT=N` plays the audio N times
/// (N = 200 is about an hour).
#[test]
fn soak_serve_with_churn_floods_and_slow_readers() {
    if common::skip_without_setup() {
        return;
    }
    use std::io::Write;
    let repeat: usize = std::env::var("VOXSHOP_SOAK_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let dir = std::env::temp_dir().join(format!("voxshop-soak-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let audio = dir.join("soak.wav");
    {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 16_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&audio, spec).unwrap();
        for _ in 0..repeat {
            for name in [
                "add_milk",
                "buy_paper_towels",
                "confirm_yes",
                "two_commands",
                "read_list",
            ] {
                let pcm =
                    voxshop::audio::load_wav_16k(&root.join(format!("samples/en/{name}.wav")))
                        .unwrap();
                for s in pcm.samples.iter().chain(&vec![0.0; 16_000]) {
                    w.write_sample((s * 32767.0) as i16).unwrap();
                }
            }
        }
        w.finalize().unwrap();
    }
    let expected = Command::new(env!("CARGO_BIN_EXE_voxshop"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["transcribe", "--json"])
        .arg(&audio)
        .output()
        .unwrap();
    let expected = String::from_utf8(expected.stdout).unwrap().lines().count();
    assert!(expected >= 5 * repeat, "{expected} intents in the audio");

    let sock = dir.join("events.sock");
    let mut cmd = serve_command(&sock);
    cmd.arg("--input")
        .arg(&audio)
        .args(["--realtime", "--wait-client", "--exit-when-done"]);
    let mut child = spawn_serve(cmd, &sock);
    let pid = child.id();
    let proc_status = move |field: &str| -> Option<u64> {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()?
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
    };
    let good = UnixStream::connect(&sock).unwrap();
    good.set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let reader = std::thread::spawn(move || {
        BufReader::new(good)
            .lines()
            .map_while(Result::ok)
            .filter(|l| l.contains(r#""event":"intent""#))
            .count()
    });
    let _never_reads = UnixStream::connect(&sock).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let churn = {
        let (sock, stop) = (sock.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(s) = UnixStream::connect(&sock) {
                    drop(s);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    let flood = {
        let (sock, stop) = (sock.clone(), stop.clone());
        std::thread::spawn(move || {
            let Ok(mut s) = UnixStream::connect(&sock) else {
                return;
            };
            let mut sink = s.try_clone().unwrap();
            std::thread::spawn(move || std::io::copy(&mut sink, &mut std::io::sink()));
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = s.write_all(b"{\"cmd\": \"status\"}\nnot json\n{\"cmd\": \"dance\"}\n");
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    std::thread::sleep(Duration::from_secs(3));
    let (rss0, threads0) = (proc_status("VmRSS:"), proc_status("Threads:"));
    let mut rss_max = rss0.unwrap_or(0);
    let mut threads_max = threads0.unwrap_or(0);
    while child.try_wait().unwrap().is_none() {
        rss_max = rss_max.max(proc_status("VmRSS:").unwrap_or(0));
        threads_max = threads_max.max(proc_status("Threads:").unwrap_or(0));
        std::thread::sleep(Duration::from_millis(200));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    churn.join().unwrap();
    flood.join().unwrap();
    assert_eq!(reader.join().unwrap(), expected, "intents lost on the way");
    let (rss0, threads0) = (rss0.unwrap(), threads0.unwrap());
    assert!(
        rss_max < rss0 + 20 * 1024,
        "RSS grew from {rss0} kB to {rss_max} kB"
    );
    assert!(
        threads_max <= threads0 + 2,
        "threads {threads0} -> {threads_max}"
    );
}

/// The daemon's catalogue is replaced on a live recogniser: `reload_catalog` or SIGHUP; a
/// broken file leaves the one in use (issue 12).
#[test]
fn serve_reloads_its_catalogue_on_command_and_on_sighup() {
    if common::skip_without_setup() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("voxshop-serve-cat-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("events.sock");
    let catalog = dir.join("household.toml");
    std::fs::write(&catalog, "brands = [\"duracell\"]\n").unwrap();
    let mut cmd = serve_command(&sock);
    cmd.arg("--catalog")
        .arg(&catalog)
        .args(["--input", "samples/silence.wav"]);
    let mut child = spawn_serve(cmd, &sock);
    let mut a = Client::connect(&sock);
    assert_eq!(a.ask(r#"{"cmd": "status"}"#)["catalog_entries"], 1);
    std::fs::write(&catalog, "brands = [\"duracell\", \"colgate\"]\n").unwrap();
    let r = a.ask(r#"{"cmd": "reload_catalog"}"#);
    assert_eq!(
        (r["ok"].as_bool(), r["entries"].as_u64()),
        (Some(true), Some(2)),
        "{r}"
    );
    std::fs::write(
        &catalog,
        "brands = [\"duracell\", \"colgate\", \"oxfam\"]\n",
    )
    .unwrap();
    unsafe { libc::kill(child.id() as i32, libc::SIGHUP) };
    let mut entries = serde_json::Value::Null;
    for _ in 0..50 {
        entries = a.ask(r#"{"cmd": "status"}"#)["catalog_entries"].clone();
        if entries == 3 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(entries, 3, "SIGHUP reloads");
    std::fs::write(&catalog, "brands = duracell\n").unwrap();
    let r = a.ask(r#"{"cmd": "reload_catalog"}"#);
    assert_eq!(r["ok"], false, "{r}");
    assert_eq!(
        a.ask(r#"{"cmd": "status"}"#)["catalog_entries"],
        3,
        "the old one stays"
    );
    assert!(terminate(&mut child).success());
}
