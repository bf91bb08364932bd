//! The daemon: events to every client of a 0600 Unix socket, silent and vanished clients do
//! not disturb the others, SIGTERM shuts down cleanly and removes the socket.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

#[test]
fn serve_streams_events_to_clients_and_shuts_down_on_sigterm() {
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

/// On exit the daemon removes its socket only if it is still the one it bound: a socket made
/// at the same path since (another server's) is left alone (issue 14).
#[test]
fn serve_leaves_a_socket_it_did_not_bind() {
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

/// `serve` on `sock` replaying `input` once a client is there; returns when the socket exists.
fn start_serve(sock: &std::path::Path, input: &str) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_voxshop"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["serve", "--socket"])
        .arg(sock)
        .args(["--input", input, "--wait-client"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
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
