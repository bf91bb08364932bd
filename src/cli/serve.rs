//! `voxshop serve --socket PATH`: recognition on the microphone (or a file) with JSON events
//! fanned out to every client of a Unix socket.
//!
//! Each client has its own writer thread and a bounded queue; a client that stops reading is
//! disconnected when its queue fills, so recognition never waits and memory stays bounded.

use super::live::{event_json, stop_flag, stopped, InputArgs, Source};
use crate::pipeline::{Recognizer, RecognizerConfig};
use crate::stt::ModelKind;
use anyhow::{bail, Context, Result};
use clap::Args;
use std::io::Write;
use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Lines a client may lag behind before it is dropped.
const CLIENT_QUEUE: usize = 256;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Unix socket to create (mode 0600; removed on exit).
    #[arg(long, value_name = "PATH")]
    pub socket: PathBuf,
    /// Recognise this WAV file instead of the microphone (for tests and demos).
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// With --input: pace the file in real time.
    #[arg(long)]
    pub realtime: bool,
    /// With --input: wait for the first client before starting.
    #[arg(long)]
    pub wait_client: bool,
    /// With --input: exit once the file is done (otherwise wait for SIGINT/SIGTERM).
    #[arg(long)]
    pub exit_when_done: bool,
    #[command(flatten)]
    pub mic: InputArgs,
    /// Whisper model: tiny.en or base. [default: tiny.en]
    #[arg(long)]
    pub model: Option<String>,
}

type Clients = Arc<Mutex<Vec<SyncSender<Arc<str>>>>>;

/// Binds with a 0600 mode from the start (umask), replacing only a stale socket.
fn bind(path: &Path) -> Result<UnixListener> {
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.file_type().is_socket() {
            bail!(
                "{} exists and is not a socket; refusing to replace it",
                path.display()
            );
        }
        if UnixStream::connect(path).is_ok() {
            bail!("{} is in use by a running server", path.display());
        }
        std::fs::remove_file(path).with_context(|| format!("removing stale {}", path.display()))?;
    }
    // SAFETY: umask only swaps the process file-creation mask; restored right after bind.
    let old = unsafe { libc::umask(0o177) };
    let listener = UnixListener::bind(path);
    unsafe { libc::umask(old) };
    let listener = listener.with_context(|| format!("binding {}", path.display()))?;
    Ok(listener)
}

fn writer(mut stream: UnixStream, rx: Receiver<Arc<str>>) {
    for line in rx {
        if stream.write_all(line.as_bytes()).is_err() || stream.write_all(b"\n").is_err() {
            return;
        }
    }
}

fn accept_loop(listener: UnixListener, clients: Clients, stop: Arc<std::sync::atomic::AtomicBool>) {
    if listener.set_nonblocking(true).is_err() {
        return;
    }
    while !stopped(&stop) {
        match listener.accept() {
            Ok((stream, _)) => {
                let _ = stream.set_nonblocking(false);
                // A reader that stalls the socket buffer must not stall its writer forever.
                let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
                let (tx, rx) = sync_channel(CLIENT_QUEUE);
                std::thread::spawn(move || writer(stream, rx));
                if let Ok(mut c) = clients.lock() {
                    c.push(tx);
                    tracing::info!("client connected ({} now)", c.len());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => tracing::warn!("accept: {e}"),
        }
    }
}

fn broadcast(clients: &Clients, line: &str) {
    let line: Arc<str> = Arc::from(line);
    if let Ok(mut c) = clients.lock() {
        c.retain(|tx| match tx.try_send(line.clone()) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                tracing::warn!("dropping a client that stopped reading");
                false
            }
            Err(TrySendError::Disconnected(_)) => false,
        });
    }
}

fn client_count(clients: &Clients) -> usize {
    clients.lock().map(|c| c.len()).unwrap_or(0)
}

pub fn run(args: ServeArgs, mut config: RecognizerConfig) -> Result<ExitCode> {
    if let Some(m) = &args.model {
        config.model = m.parse::<ModelKind>()?;
    }
    let rec = Recognizer::load(&config).context("loading models")?;
    let stop = stop_flag()?;
    let mut source = match &args.input {
        Some(p) => Source::file(p, args.realtime)?,
        None => Source::mic(&args.mic)?,
    };
    let listener = bind(&args.socket)?;
    let bound = socket_identity(&args.socket);
    let clients: Clients = Arc::new(Mutex::new(Vec::new()));
    let acceptor = {
        let (clients, stop) = (clients.clone(), stop.clone());
        std::thread::spawn(move || accept_loop(listener, clients, stop))
    };
    eprintln!("serving events on {}", args.socket.display());
    let result = serve_loop(&args, &rec, &mut source, &clients, &stop);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = acceptor.join();
    // Dropping the senders lets each writer flush its queue and close.
    if let Ok(mut c) = clients.lock() {
        c.clear();
    }
    // Only the socket this process bound: another server may have replaced it since.
    if bound.is_some() && socket_identity(&args.socket) == bound {
        let _ = std::fs::remove_file(&args.socket);
    }
    result.map(|_| ExitCode::SUCCESS)
}

/// (device, inode) of what is at `path` now, without following a link.
fn socket_identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path)
        .ok()
        .map(|m| (m.dev(), m.ino()))
}

fn serve_loop(
    args: &ServeArgs,
    rec: &Recognizer,
    source: &mut Source,
    clients: &Clients,
    stop: &std::sync::atomic::AtomicBool,
) -> Result<()> {
    if args.input.is_some() && args.wait_client {
        while client_count(clients) == 0 && !stopped(stop) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let (rate, channels) = source.format();
    let mut session = rec.session();
    while !stopped(stop) {
        match source.next()? {
            Some(chunk) => {
                for e in session.push(&chunk, rate, channels)? {
                    broadcast(clients, &event_json(&e));
                }
            }
            None => {
                for e in session.finish()? {
                    broadcast(clients, &event_json(&e));
                }
                if args.exit_when_done {
                    // Give writers a moment to flush to connected clients.
                    std::thread::sleep(Duration::from_millis(200));
                    return Ok(());
                }
                while !stopped(stop) {
                    std::thread::sleep(Duration::from_millis(50));
                }
                return Ok(());
            }
        }
    }
    for e in session.finish()? {
        broadcast(clients, &event_json(&e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_that_stops_reading_is_dropped_without_blocking() {
        let clients: Clients = Arc::new(Mutex::new(Vec::new()));
        let (slow_tx, _slow_rx) = sync_channel(CLIENT_QUEUE);
        let (fast_tx, fast_rx) = sync_channel(CLIENT_QUEUE);
        clients.lock().unwrap().extend([slow_tx, fast_tx]);
        let reader = std::thread::spawn(move || fast_rx.iter().count());
        let t0 = std::time::Instant::now();
        for i in 0..10 * CLIENT_QUEUE {
            broadcast(&clients, &format!("{{\"n\":{i}}}"));
            if i % 64 == 0 {
                // Give the reading client a chance to keep up, as a real one does.
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        assert!(t0.elapsed() < Duration::from_secs(5));
        // Only the reading client is left; the silent one's queue stayed bounded.
        assert_eq!(client_count(&clients), 1);
        clients.lock().unwrap().clear();
        assert_eq!(reader.join().unwrap(), 10 * CLIENT_QUEUE);
    }
}
