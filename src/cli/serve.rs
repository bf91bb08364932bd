//! `voxshop serve --socket PATH`: recognition on the microphone (or a file) with JSON events
//! fanned out to every client of a Unix socket, and JSON commands read from them.
//!
//! Two threads: one runs recognition; one runs every client's socket I/O in a single `mio`
//! event loop (no thread per connection, so no client can exhaust threads). Each client has a
//! bounded queue: one that stops reading is dropped when it fills, so recognition never waits
//! and memory stays bounded. Hang-ups are noticed when they happen, not at the next event.
//! Protocol: README, "The daemon's protocol".

use super::args::ModelArgs;
use super::live::{stop_flag, stopped, Limits, MicArgs, Source, StreamArgs};
use super::render::event_json;
use anyhow::{bail, Context, Result};
use clap::Args;
use mio::net::{UnixListener, UnixStream};
use mio::{Events, Interest, Poll, Token, Waker};
use std::collections::{HashMap, VecDeque};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};
use voxshop::pipeline::{Recognizer, RecognizerConfig, Session};

/// Lines a client may lag behind before it is dropped.
const CLIENT_QUEUE: usize = 256;
/// A command line longer than this is no command: the client that sent it is closed.
const MAX_LINE_BYTES: usize = 64 * 1024;
/// Longest pause of `accept` after an error (descriptors exhausted): doubled from 10 ms.
const MAX_ACCEPT_BACKOFF: Duration = Duration::from_secs(2);

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Unix socket to create (mode 0600; removed on exit).
    #[arg(long, value_name = "PATH")]
    pub socket: PathBuf,
    /// Recognise this WAV file instead of the microphone (for tests and demos).
    #[arg(long, value_name = "FILE", conflicts_with = "MicArgs")]
    pub input: Option<PathBuf>,
    /// With --input: pace the file in real time.
    #[arg(long, requires = "input")]
    pub realtime: bool,
    /// With --input: wait for the first client before starting.
    #[arg(long, requires = "input")]
    pub wait_client: bool,
    /// Exit once the input is done or a --max-* limit is reached (otherwise wait for
    /// SIGINT/SIGTERM).
    #[arg(long)]
    pub exit_when_done: bool,
    /// Most clients at once; one more gets an error line and is closed.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_clients: u16,
    #[command(flatten)]
    pub mic: MicArgs,
    #[command(flatten)]
    pub stream: StreamArgs,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// State both threads read.
#[derive(Default)]
struct Shared {
    /// The speaker is talking: microphone audio is replaced by silence.
    muted: AtomicBool,
    clients: AtomicUsize,
    stop: Arc<AtomicBool>,
    /// SIGHUP arrived: reload the catalogue.
    hangup: Arc<AtomicBool>,
}

/// A client's command that needs the session (the recognition thread owns it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SessionCmd {
    CancelPending,
    Status,
    ReloadCatalog,
}

/// What the recognition thread sends to the clients.
enum Outgoing {
    /// An event line to every client.
    Broadcast(Arc<str>),
    /// A reply line to one client.
    Reply(Token, Arc<str>),
}

/// The recognition thread's end of the two channels.
struct Link {
    out: Sender<Outgoing>,
    commands: Receiver<(Token, SessionCmd)>,
    waker: Arc<Waker>,
}

impl Link {
    fn send(&self, o: Outgoing) {
        if self.out.send(o).is_ok() {
            let _ = self.waker.wake();
        }
    }
    fn broadcast(&self, line: String) {
        self.send(Outgoing::Broadcast(Arc::from(line + "\n")));
    }
}

/// Binds with a 0600 mode from the start (umask), replacing only a stale socket.
fn bind(path: &Path) -> Result<UnixListener> {
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.file_type().is_socket() {
            bail!(
                "{} exists and is not a socket; refusing to replace it",
                path.display()
            );
        }
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            bail!("{} is in use by a running server", path.display());
        }
        std::fs::remove_file(path).with_context(|| format!("removing stale {}", path.display()))?;
    }
    // Bound and listening under a private name, then renamed into place: the path appears only
    // once it accepts, so a client that waits for the file is never refused (bind(2) creates the
    // file before listen(2) makes it accept).
    let staging = staging_path(path);
    let _ = std::fs::remove_file(&staging);
    // SAFETY: umask only swaps the process file-creation mask; restored right after bind.
    let old = unsafe { libc::umask(0o177) };
    let listener = UnixListener::bind(&staging);
    unsafe { libc::umask(old) };
    let listener = listener.with_context(|| format!("binding {}", staging.display()))?;
    if let Err(e) = std::fs::rename(&staging, path) {
        let _ = std::fs::remove_file(&staging);
        return Err(e)
            .with_context(|| format!("moving {} to {}", staging.display(), path.display()));
    }
    Ok(listener)
}

/// A hidden name beside `path`, unique to this process, for `bind` to listen on first.
fn staging_path(path: &Path) -> std::path::PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!(".{name}.{}", std::process::id()))
}

pub fn run(args: ServeArgs, mut config: RecognizerConfig) -> Result<ExitCode> {
    args.model.apply(&mut config)?;
    args.stream.apply(&mut config);
    let rec = Recognizer::load(&config).context("loading models")?;
    let hangup = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGHUP, hangup.clone())
        .context("installing the SIGHUP handler")?;
    let shared = Arc::new(Shared {
        stop: stop_flag()?,
        hangup,
        ..Default::default()
    });
    let mut source = match &args.input {
        Some(p) => Source::file(p, args.realtime)?,
        None => Source::mic(&args.mic)?,
    };
    let listener = bind(&args.socket)?;
    let bound = socket_identity(&args.socket);
    let poll = Poll::new().context("creating the event loop")?;
    let waker = Arc::new(Waker::new(poll.registry(), WAKER).context("creating the event loop")?);
    let (out_tx, out_rx) = channel();
    let (cmd_tx, cmd_rx) = channel();
    let hub = Hub::new(
        poll,
        listener,
        usize::from(args.max_clients),
        shared.clone(),
        out_rx,
        cmd_tx,
    )?;
    let io = std::thread::spawn(move || hub.run());
    let link = Link {
        out: out_tx,
        commands: cmd_rx,
        waker: waker.clone(),
    };
    super::note(format_args!("serving events on {}", args.socket.display()));
    let result = serve_loop(&args, &rec, &mut source, &link, &shared);
    shared.stop.store(true, Ordering::Relaxed);
    let _ = waker.wake();
    let _ = io.join();
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
    link: &Link,
    shared: &Shared,
) -> Result<()> {
    let stop = &shared.stop;
    if args.input.is_some() && args.wait_client {
        while shared.clients.load(Ordering::Relaxed) == 0 && !stopped(stop) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let (rate, channels) = source.format();
    let mut session = rec.session();
    let mut limits = Limits::new(&args.stream, rate);
    while !stopped(stop) {
        answer_commands(&mut session, rec, link, shared);
        let Some(mut chunk) = source.next()? else {
            break;
        };
        if shared.muted.load(Ordering::Relaxed) {
            // Silence, not nothing: the stream's clock (and a confirmation's window) runs on
            // while the speaker talks.
            chunk.fill(0.0);
        }
        let events = session.push(&chunk, rate, channels)?;
        for e in &events {
            link.broadcast(event_json(e));
        }
        if limits.count(chunk.len() / channels as usize, &events) {
            break;
        }
    }
    for e in session.finish()? {
        link.broadcast(event_json(&e));
    }
    if args.exit_when_done {
        return Ok(());
    }
    while !stopped(stop) {
        answer_commands(&mut session, rec, link, shared);
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

/// Answers the commands that need the session; reloads the catalogue on SIGHUP.
fn answer_commands(session: &mut Session, rec: &Recognizer, link: &Link, shared: &Shared) {
    if shared.hangup.swap(false, Ordering::Relaxed) {
        match rec.reload_catalog() {
            Ok(n) => tracing::info!("SIGHUP: catalogue reloaded ({n:?} entries)"),
            Err(e) => tracing::error!("SIGHUP: {e}; the catalogue in use stays"),
        }
    }
    while let Ok((client, cmd)) = link.commands.try_recv() {
        let reply = match cmd {
            SessionCmd::ReloadCatalog => match rec.reload_catalog() {
                Ok(Some(n)) => serde_json::json!({
                    "reply": "reload_catalog", "ok": true, "entries": n,
                }),
                Ok(None) => serde_json::json!({
                    "ok": false, "error": "reload_catalog: serve was started without --catalog",
                }),
                Err(e) => serde_json::json!({
                    "ok": false, "error": format!("reload_catalog: {e}; the catalogue in use stays"),
                }),
            },
            SessionCmd::CancelPending => serde_json::json!({
                "reply": "cancel_pending", "ok": true, "cancelled": session.cancel_pending(),
            }),
            SessionCmd::Status => {
                let now = session.stream_ms();
                let pending = session.pending().filter(|p| p.expires_ms > now);
                serde_json::json!({
                    "reply": "status", "ok": true,
                    "muted": shared.muted.load(Ordering::Relaxed),
                    "stream_ms": now,
                    "pending": pending,
                    "clients": shared.clients.load(Ordering::Relaxed),
                    "catalog_entries": rec.catalog().map(|c| c.len()),
                })
            }
        };
        link.send(Outgoing::Reply(client, Arc::from(reply.to_string() + "\n")));
    }
}

const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);

/// One connected client.
struct Client {
    stream: UnixStream,
    /// Bytes of an unfinished command line.
    line: Vec<u8>,
    /// Lines to write, the first one `written` bytes in.
    queue: VecDeque<Arc<str>>,
    written: usize,
    /// Write what is queued, then close.
    closing: bool,
    dead: bool,
}

impl Client {
    fn push(&mut self, line: Arc<str>) {
        if self.queue.len() >= CLIENT_QUEUE {
            tracing::warn!("dropping a client that stopped reading");
            self.dead = true;
            return;
        }
        self.queue.push_back(line);
        self.flush();
    }

    fn flush(&mut self) {
        while let Some(front) = self.queue.front() {
            match self.stream.write(&front.as_bytes()[self.written..]) {
                Ok(n) => {
                    self.written += n;
                    if self.written == front.len() {
                        self.queue.pop_front();
                        self.written = 0;
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => {
                    self.dead = true;
                    return;
                }
            }
        }
        if self.closing {
            self.dead = true;
        }
    }
}

/// The socket side: accepts clients, reads their commands, writes events and replies.
struct Hub {
    poll: Poll,
    listener: UnixListener,
    max_clients: usize,
    clients: HashMap<Token, Client>,
    next_token: usize,
    shared: Arc<Shared>,
    outgoing: Receiver<Outgoing>,
    commands: Sender<(Token, SessionCmd)>,
    /// After an `accept` error: no accepting until then, and the pause it came from.
    accept_paused: Option<(Instant, Duration)>,
}

impl Hub {
    fn new(
        poll: Poll,
        mut listener: UnixListener,
        max_clients: usize,
        shared: Arc<Shared>,
        outgoing: Receiver<Outgoing>,
        commands: Sender<(Token, SessionCmd)>,
    ) -> Result<Self> {
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)
            .context("watching the socket")?;
        Ok(Self {
            poll,
            listener,
            max_clients,
            clients: HashMap::new(),
            next_token: 2,
            shared,
            outgoing,
            commands,
            accept_paused: None,
        })
    }

    fn run(mut self) {
        let mut events = Events::with_capacity(256);
        while !stopped(&self.shared.stop) {
            let timeout = match self.accept_paused {
                Some((until, _)) => until.saturating_duration_since(Instant::now()),
                None => Duration::from_millis(100),
            };
            if let Err(e) = self.poll.poll(&mut events, Some(timeout)) {
                if e.kind() != ErrorKind::Interrupted {
                    tracing::error!("event loop: {e}");
                    return;
                }
            }
            for event in events.iter() {
                match event.token() {
                    LISTENER => self.accept(),
                    WAKER => {}
                    token => {
                        if let Some(c) = self.clients.get_mut(&token) {
                            if event.is_writable() {
                                c.flush();
                            }
                        }
                        if event.is_readable() || event.is_read_closed() {
                            self.read(token);
                        }
                    }
                }
            }
            if self
                .accept_paused
                .is_some_and(|(until, _)| Instant::now() >= until)
            {
                self.accept();
            }
            self.deliver();
            self.drop_dead();
        }
        self.deliver();
        self.flush_before_exit(Duration::from_millis(500));
    }

    fn accept(&mut self) {
        if self
            .accept_paused
            .is_some_and(|(until, _)| Instant::now() < until)
        {
            return;
        }
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    let pause = self.accept_paused.take();
                    if pause.is_some() {
                        tracing::info!("accepting clients again");
                    }
                    self.admit(stream);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    // Out of descriptors or memory: pause instead of spinning on the error;
                    // the waiting connections are taken once the pause is over.
                    let pause = self
                        .accept_paused
                        .map_or(Duration::from_millis(10), |(_, p)| {
                            (p * 2).min(MAX_ACCEPT_BACKOFF)
                        });
                    tracing::warn!("accept: {e}; pausing {} ms", pause.as_millis());
                    self.accept_paused = Some((Instant::now() + pause, pause));
                    return;
                }
            }
        }
    }

    fn admit(&mut self, mut stream: UnixStream) {
        if self.clients.len() >= self.max_clients {
            // Clients that hung up since the last poll still hold their place: let them go.
            let tokens: Vec<Token> = self.clients.keys().copied().collect();
            for token in tokens {
                self.read(token);
            }
            self.drop_dead();
        }
        if self.clients.len() >= self.max_clients {
            let line = error_line(&format!(
                "too many clients (at most {}); try again later",
                self.max_clients
            ));
            let _ = stream.write(line.as_bytes());
            tracing::warn!("refused a client: {} connected", self.clients.len());
            return;
        }
        let token = Token(self.next_token);
        self.next_token += 1;
        if let Err(e) = self.poll.registry().register(
            &mut stream,
            token,
            Interest::READABLE | Interest::WRITABLE,
        ) {
            tracing::warn!("watching a client: {e}");
            return;
        }
        self.clients.insert(
            token,
            Client {
                stream,
                line: Vec::new(),
                queue: VecDeque::new(),
                written: 0,
                closing: false,
                dead: false,
            },
        );
        self.shared
            .clients
            .store(self.clients.len(), Ordering::Relaxed);
        tracing::info!("client connected ({} now)", self.clients.len());
    }

    /// Reads what a client sent: each complete line is a command.
    fn read(&mut self, token: Token) {
        let mut lines = Vec::new();
        let Some(c) = self.clients.get_mut(&token) else {
            return;
        };
        let mut buf = [0u8; 4096];
        loop {
            match c.stream.read(&mut buf) {
                Ok(0) => {
                    c.dead = true;
                    break;
                }
                Ok(n) => {
                    for &b in &buf[..n] {
                        if b == b'\n' {
                            lines.push(std::mem::take(&mut c.line));
                        } else if c.line.len() < MAX_LINE_BYTES {
                            c.line.push(b);
                        } else {
                            c.closing = true;
                        }
                    }
                    if c.closing {
                        break;
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => {
                    c.dead = true;
                    break;
                }
            }
        }
        let too_long = c.closing;
        for line in lines {
            let reply = self.command(token, &line);
            if let (Some(reply), Some(c)) = (reply, self.clients.get_mut(&token)) {
                c.push(reply);
            }
        }
        if too_long {
            if let Some(c) = self.clients.get_mut(&token) {
                c.line.clear();
                c.queue.clear();
                c.written = 0;
                c.push(error_line(&format!(
                    "command line longer than {MAX_LINE_BYTES} bytes; closing"
                )));
                c.closing = true;
                c.flush();
            }
        }
    }

    /// Runs one command line; the reply, unless the session answers it.
    fn command(&mut self, client: Token, line: &[u8]) -> Option<Arc<str>> {
        let text = String::from_utf8_lossy(line);
        if text.trim().is_empty() {
            return None;
        }
        let cmd = match parse_command(&text) {
            Ok(cmd) => cmd,
            Err(e) => return Some(error_line(&e)),
        };
        let muted = |on: bool| {
            self.shared.muted.store(on, Ordering::Relaxed);
            reply_line(cmd, serde_json::json!({ "muted": on }))
        };
        match cmd {
            "mute" => Some(muted(true)),
            "unmute" => Some(muted(false)),
            "cancel_pending" | "status" | "reload_catalog" => {
                let c = match cmd {
                    "status" => SessionCmd::Status,
                    "reload_catalog" => SessionCmd::ReloadCatalog,
                    _ => SessionCmd::CancelPending,
                };
                self.commands.send((client, c)).ok()?;
                None
            }
            _ => unreachable!("parse_command knows the commands"),
        }
    }

    /// Hands what recognition sent to the clients.
    fn deliver(&mut self) {
        while let Ok(o) = self.outgoing.try_recv() {
            match o {
                Outgoing::Broadcast(line) => {
                    for c in self.clients.values_mut().filter(|c| !c.closing) {
                        c.push(line.clone());
                    }
                }
                Outgoing::Reply(token, line) => {
                    if let Some(c) = self.clients.get_mut(&token) {
                        c.push(line);
                    }
                }
            }
        }
    }

    fn drop_dead(&mut self) {
        let before = self.clients.len();
        self.clients.retain(|_, c| !c.dead);
        if self.clients.len() != before {
            self.shared
                .clients
                .store(self.clients.len(), Ordering::Relaxed);
            tracing::info!("client gone ({} now)", self.clients.len());
        }
    }

    /// Gives queued lines a moment to reach their clients before the process exits.
    fn flush_before_exit(&mut self, within: Duration) {
        let deadline = Instant::now() + within;
        let mut events = Events::with_capacity(64);
        while Instant::now() < deadline {
            self.clients.retain(|_, c| {
                c.flush();
                !c.dead && !c.queue.is_empty()
            });
            if self.clients.is_empty() {
                return;
            }
            let _ = self.poll.poll(&mut events, Some(deadline - Instant::now()));
        }
    }
}

/// The known commands of `{"cmd": "..."}`; an error names what is wrong.
fn parse_command(text: &str) -> std::result::Result<&'static str, String> {
    const KNOWN: [&str; 5] = [
        "mute",
        "unmute",
        "cancel_pending",
        "reload_catalog",
        "status",
    ];
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not a JSON object: {e}"))?;
    let name = v
        .get("cmd")
        .and_then(|c| c.as_str())
        .ok_or("expected {\"cmd\": \"...\"}")?;
    KNOWN
        .into_iter()
        .find(|k| *k == name)
        .ok_or_else(|| format!("unknown command {name:?}; known: {}", KNOWN.join(", ")))
}

fn reply_line(cmd: &str, mut fields: serde_json::Value) -> Arc<str> {
    if let Some(o) = fields.as_object_mut() {
        o.insert("reply".into(), cmd.into());
        o.insert("ok".into(), true.into());
    }
    Arc::from(fields.to_string() + "\n")
}

fn error_line(message: &str) -> Arc<str> {
    Arc::from(serde_json::json!({ "ok": false, "error": message }).to_string() + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_known_by_name_and_errors_say_what_is_wrong() {
        assert_eq!(parse_command(r#"{"cmd": "mute"}"#), Ok("mute"));
        assert_eq!(parse_command(r#"{"cmd":"status","extra":1}"#), Ok("status"));
        let unknown = parse_command(r#"{"cmd": "dance"}"#).unwrap_err();
        assert!(unknown.contains("dance") && unknown.contains("cancel_pending"));
        assert!(parse_command("mute").unwrap_err().contains("JSON"));
        assert!(parse_command(r#"{"command": "mute"}"#)
            .unwrap_err()
            .contains("cmd"));
        let r = reply_line("mute", serde_json::json!({"muted": true}));
        let v: serde_json::Value = serde_json::from_str(&r).unwrap();
        assert_eq!(
            (v["reply"].as_str(), v["ok"].as_bool()),
            (Some("mute"), Some(true))
        );
    }
}
