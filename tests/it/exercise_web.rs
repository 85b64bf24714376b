//! `exercise serve`: the web dashboard, through the real binary. Over plain
//! HTTP: the token guards every change (and nothing moves without it),
//! bodies are capped, refusals come back with their message, every change
//! is in the journal and reaches every observer's event stream, a resumed
//! server shows the same state, and Ctrl-C stops it cleanly. In a real
//! browser (headless Chromium driven over the DevTools protocol): the
//! observer view follows the clock live, a change without the token is
//! refused, the facilitator's console works, and no page logs an error.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{fixtures, run, scenarios};

/// How long anything may take before the test gives up on it.
const DEADLINE: Duration = Duration::from_secs(20);

/// A child process killed when the test ends, passed or failed.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Everything a child wrote on a stream, gathered by a thread, for the
/// failure messages; and its lines as they come.
fn gather(stream: impl Read + Send + 'static) -> (Arc<Mutex<String>>, Receiver<String>) {
    let text = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = channel();
    let all = text.clone();
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            all.lock().unwrap().push_str(&format!("{line}\n"));
            let _ = tx.send(line);
        }
    });
    (text, rx)
}

/// `reprise exercise serve` on the ransomware exercise.
struct Server {
    child: Killed,
    addr: String,
    token: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(journal_flag: &str, journal: &Path) -> Server {
        Server::start_on("rancongiciel-vpn.yaml", journal_flag, journal)
    }

    fn start_on(name: &str, journal_flag: &str, journal: &Path) -> Server {
        let exercise = scenarios().join("exercises").join(name);
        let mut child = Command::new(env!("CARGO_BIN_EXE_reprise"))
            .arg("exercise")
            .arg("serve")
            .arg(&exercise)
            .args(["--listen", "127.0.0.1:0", journal_flag])
            .arg(journal)
            .current_dir(fixtures())
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("reprise starts");
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let child = Killed(child);
        let (_, lines) = gather(stdout);
        let (stderr, _) = gather(stderr);
        let mut printed = Vec::new();
        while printed.len() < 3 {
            match lines.recv_timeout(DEADLINE) {
                Ok(l) => printed.push(l),
                Err(_) => panic!(
                    "the server printed {printed:?} then nothing; stderr:\n{}",
                    stderr.lock().unwrap()
                ),
            }
        }
        let addr = printed[0]
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("first line: {}", printed[0]))
            .to_string();
        assert_eq!(printed[1], format!("observers: http://{addr}/"));
        let token = printed[2]
            .strip_prefix(&format!("facilitator: http://{addr}/facilitator#token="))
            .unwrap_or_else(|| panic!("third line: {}", printed[2]))
            .to_string();
        assert_eq!(token.len(), 32, "128 bits in hex");
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
        Server {
            child,
            addr,
            token,
            stderr,
        }
    }

    fn request(&self, method: &str, path: &str, token: Option<&str>, body: &[u8]) -> Reply {
        http(&self.addr, method, path, token, body)
    }

    fn state(&self) -> Value {
        let r = self.request("GET", "/api/state", None, b"");
        assert_eq!(r.status, 200, "{}", r.body);
        serde_json::from_str(&r.body).expect("the state is JSON")
    }

    /// POST JSON with the facilitator's token.
    fn post(&self, path: &str, body: &Value) -> Reply {
        let body = body.to_string();
        self.request("POST", path, Some(&self.token), body.as_bytes())
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("the server accepts connections");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// A minimal HTTP/1.1 client: one request per connection.
fn http(addr: &str, method: &str, path: &str, token: Option<&str>, body: &[u8]) -> Reply {
    let stream = connect(addr);
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    head.push_str("\r\n");
    let mut request = head.into_bytes();
    request.extend_from_slice(body);
    exchange(stream, &request, &format!("{method} {path}"))
}

/// Sends a request as it is, reads the whole answer.
fn exchange(mut stream: TcpStream, request: &[u8], what: &str) -> Reply {
    // A server refusing a large body may answer before reading all of it.
    let _ = stream.write_all(request);
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            // A reset after the answer arrived still leaves the answer.
            Err(e) if !raw.is_empty() => {
                let _ = e;
                break;
            }
            Err(e) => panic!("{what}: {e}"),
        }
    }
    let text = String::from_utf8(raw).expect("UTF-8 answer");
    let (headers, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("{what}: no header end in {text:?}"));
    let status = headers
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{what}: status line {headers:?}"));
    let chunked = headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        let mut rest = body.as_bytes();
        String::from_utf8(dechunk(&mut rest)).expect("UTF-8 body")
    } else {
        body.to_string()
    };
    Reply {
        status,
        headers: headers.to_string(),
        body,
    }
}

/// The complete chunks at the start of `rest` (consumed), joined.
fn dechunk(rest: &mut &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&rest[..end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
            .expect("chunk size");
        if rest.len() < end + 2 + size + 2 {
            break;
        }
        out.extend_from_slice(&rest[end + 2..end + 2 + size]);
        *rest = &rest[end + 2 + size + 2..];
        if size == 0 {
            break;
        }
    }
    out
}

/// An observer's event stream, read by hand: the chunked HTTP body, then
/// the server-sent events in it.
struct Observer {
    stream: TcpStream,
    raw: Vec<u8>,
    /// Event text not yet split into events.
    text: Vec<u8>,
}

impl Observer {
    fn connect(addr: &str) -> Observer {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        write!(
            stream,
            "GET /api/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut o = Observer {
            stream,
            raw: Vec::new(),
            text: Vec::new(),
        };
        // The headers.
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(end) = o.raw.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&o.raw[..end]).to_ascii_lowercase();
                assert!(head.starts_with("http/1.1 200"), "{head}");
                assert!(head.contains("content-type: text/event-stream"), "{head}");
                assert!(head.contains("transfer-encoding: chunked"), "{head}");
                o.raw.drain(..end + 4);
                return o;
            }
            assert!(Instant::now() < deadline, "no event stream headers");
            assert!(o.fill(), "the event stream closed before its headers");
        }
    }

    /// Reads what is there; false at the end of the stream.
    fn fill(&mut self) -> bool {
        let mut buf = [0u8; 64 * 1024];
        match self.stream.read(&mut buf) {
            Ok(0) => false,
            Ok(n) => {
                self.raw.extend_from_slice(&buf[..n]);
                true
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                true
            }
            Err(_) => false,
        }
    }

    /// The next event's data (keep-alive comments skipped); `None` when the
    /// stream ends.
    fn next(&mut self) -> Option<Value> {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let mut rest = &self.raw[..];
            let events = dechunk(&mut rest);
            let used = self.raw.len() - rest.len();
            self.raw.drain(..used);
            self.text.extend_from_slice(&events);
            while let Some(end) = self.text.windows(2).position(|w| w == b"\n\n") {
                let event: Vec<u8> = self.text.drain(..end + 2).collect();
                let event = String::from_utf8(event).expect("UTF-8 events");
                let data: Vec<&str> = event
                    .lines()
                    .filter_map(|l| l.strip_prefix("data: "))
                    .collect();
                if !data.is_empty() {
                    return Some(serde_json::from_str(&data.join("\n")).expect("events are JSON"));
                }
            }
            assert!(Instant::now() < deadline, "no event in {DEADLINE:?}");
            if !self.fill() {
                return None;
            }
        }
    }
}

fn clock(v: &Value) -> u64 {
    v["clock"]["t"].as_u64().expect("clock.t")
}

fn journal_types(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("journal lines are JSON");
            v["type"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn serve_guards_changes_with_the_token_and_streams_them_to_every_observer() {
    let tmp = tempfile::tempdir().unwrap();
    let journal = tmp.path().join("j.jsonl");
    let server = Server::start("--journal", &journal);
    let start = server.state();
    assert_eq!(clock(&start), 5 * 86_400, "the exercise opens at 5d");
    assert_eq!(start["injects"].as_array().unwrap().len(), 1);
    let written = journal_types(&journal);
    assert_eq!(written, ["header", "inject"]);

    // A second server on the same address: refused, and no journal left.
    let other = tmp.path().join("other.jsonl");
    let exercise = scenarios().join("exercises/rancongiciel-vpn.yaml");
    let (code, _, stderr) = run(&[
        "exercise",
        "serve",
        exercise.to_str().unwrap(),
        "--listen",
        &server.addr,
        "--journal",
        other.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot listen on"), "{stderr}");
    assert!(!other.exists());

    // Many observers at once, each with the view at connection.
    let mut observers: Vec<Observer> = (0..40).map(|_| Observer::connect(&server.addr)).collect();
    for o in &mut observers {
        let first = o.next().expect("the view at connection");
        assert_eq!(first, start);
    }

    // No token, a wrong one, a token of the wrong length: 401, nothing moves.
    let next = json!({"action": "next"}).to_string();
    let wrong = "0".repeat(32);
    for token in [None, Some(wrong.as_str()), Some("abc"), Some("")] {
        let r = server.request("POST", "/api/clock", token, next.as_bytes());
        assert_eq!(r.status, 401, "{token:?}: {}", r.body);
        assert!(
            r.headers
                .to_ascii_lowercase()
                .contains("www-authenticate: bearer")
        );
        let r = server.request(
            "POST",
            "/api/decision",
            token,
            json!({"command": "crisis 2"}).to_string().as_bytes(),
        );
        assert_eq!(r.status, 401, "{}", r.body);
    }
    // Without the token, not even a large body is read.
    let big = vec![b' '; 64 * 1024];
    assert_eq!(server.request("POST", "/api/clock", None, &big).status, 401);
    assert_eq!(server.state(), start, "nothing changed without the token");
    assert_eq!(journal_types(&journal), written, "nothing was written");

    // With the token the clock moves, the answer comes once it is written,
    // and every observer sees it.
    let r = server.post("/api/clock", &json!({"action": "next"}));
    assert_eq!(r.status, 200, "{}", r.body);
    let ack: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(ack["injects"], json!(["i02"]));
    let moved = server.state();
    assert_eq!(clock(&moved), 5 * 86_400 + 15 * 60);
    assert_eq!(
        journal_types(&journal),
        ["header", "inject", "clock", "inject"],
        "written before the answer"
    );
    assert_eq!(ack["seq"], 3);
    for o in &mut observers {
        let v = o.next().expect("an event after the change");
        assert_eq!(clock(&v), clock(&moved));
    }

    // A body over the limit: 413, nothing moves.
    let mut huge = br#"{"command": "note "#.to_vec();
    huge.extend(std::iter::repeat_n(b'x', 20 * 1024));
    huge.extend_from_slice(br#""}"#);
    let r = server.request("POST", "/api/decision", Some(&server.token), &huge);
    assert_eq!(r.status, 413, "{}", r.body);

    // Refusals: 400 with the session's message, nothing written.
    let before = journal_types(&journal);
    for (path, body, message) in [
        (
            "/api/decision",
            json!({"command": "restore nothing"}),
            "unknown service `nothing`",
        ),
        (
            "/api/decision",
            json!({"command": "crisis 2", "by": "nobody"}),
            "unknown role `nobody`",
        ),
        (
            "/api/clock",
            json!({"action": "goto", "t": "5d"}),
            "the clock only moves forward",
        ),
        ("/api/clock", json!({"action": "resume"}), "not paused"),
        ("/api/clock", json!({"action": "goto"}), "needs `t`"),
        ("/api/clock", json!({"action": "jump"}), "unknown variant"),
        // A step too large to add to the clock (it used to overflow).
        (
            "/api/clock",
            json!({"action": "step", "step": u64::MAX}),
            "more than a hundred years",
        ),
        (
            "/api/clock",
            json!({"action": "goto", "t": u64::MAX}),
            "more than a hundred years",
        ),
        ("/api/decision", json!({"command": "  "}), "empty"),
    ] {
        let r = server.post(path, &body);
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        let answer: Value = serde_json::from_str(&r.body).expect("errors are JSON");
        let error = answer["error"].as_str().unwrap();
        assert!(error.contains(message), "{body}: {error}");
    }
    let r = server.request("POST", "/api/decision", Some(&server.token), b"not json");
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(server.state(), moved);
    assert_eq!(journal_types(&journal), before, "refusals are not written");

    // A decision, with who took it.
    let r = server.post(
        "/api/decision",
        &json!({"command": "crisis 2", "by": "dgs"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let decided = server.state();
    assert_eq!(decided["crisis"], 2);
    assert_eq!(decided["decisions"][0]["command"], "crisis 2");
    assert_eq!(decided["decisions"][0]["by"], "dgs");
    let r = server.post("/api/clock", &json!({"action": "goto", "t": "T+5d2h"}));
    assert_eq!(r.status, 200, "{}", r.body);
    let r = server.post("/api/clock", &json!({"action": "pause"}));
    assert_eq!(r.status, 200, "{}", r.body);
    let r = server.post("/api/clock", &json!({"action": "step"}));
    assert_eq!(r.status, 400, "paused: {}", r.body);
    let last = server.state();
    assert_eq!(clock(&last), 5 * 86_400 + 2 * 3_600);
    assert_eq!(last["paused"], true);
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(
        text.contains(r#""type":"decision""#)
            && text.contains(r#""by":"dgs""#)
            && text.contains(r#""command":"crisis 2""#),
        "{text}"
    );
    assert_eq!(
        journal_types(&journal).last().map(String::as_str),
        Some("pause")
    );
    for o in &mut observers {
        // Skip to the last view sent; a slow observer may get only it.
        let mut v = o.next().unwrap();
        while v != last {
            v = o.next().expect("the last view");
        }
    }

    // The rest of the site.
    for (path, status, kind) in [
        ("/", 200, "text/html"),
        ("/facilitator", 200, "text/html"),
        ("/app.js", 200, "text/javascript"),
        ("/style.css", 200, "text/css"),
        ("/api/map", 200, "application/json"),
        ("/api/exercise", 200, "application/json"),
        (
            "/api/complete?line=restore%20ad%20",
            200,
            "application/json",
        ),
        ("/nowhere", 404, "application/json"),
    ] {
        let r = server.request("GET", path, None, b"");
        assert_eq!(r.status, status, "{path}");
        let headers = r.headers.to_ascii_lowercase();
        assert!(
            headers.contains(&format!("content-type: {kind}")),
            "{path}: {headers}"
        );
        assert!(
            headers.contains("content-security-policy: default-src 'self'"),
            "{path}"
        );
    }
    // A page elsewhere whose name points here (DNS rebinding) reads nothing.
    let port = server.addr.rsplit(':').next().unwrap();
    let r = exchange(
        connect(&server.addr),
        format!(
            "GET /api/state HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
        "rebinding",
    );
    assert_eq!(r.status, 421, "{}", r.body);
    let r = exchange(
        connect(&server.addr),
        format!("GET /api/state HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
        "localhost",
    );
    assert_eq!(r.status, 200);
    let page = server.request("GET", "/", None, b"").body;
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "nothing from elsewhere"
    );
    let map: Value =
        serde_json::from_str(&server.request("GET", "/api/map", None, b"").body).unwrap();
    assert_eq!(
        map["nodes"].as_array().unwrap().len(),
        last["services"].as_array().unwrap().len()
    );
    let completions: Value = serde_json::from_str(
        &server
            .request("GET", "/api/complete?line=restore%20ad%20", None, b"")
            .body,
    )
    .unwrap();
    assert_eq!(completions, json!(["restore ad with"]));

    // Ctrl-C: the streams end and the server exits 0.
    let Server {
        mut child, addr, ..
    } = server;
    stop(&mut child.0);
    let status = wait(&mut child.0);
    assert_eq!(status.code(), Some(0));
    for o in &mut observers {
        while o.next().is_some() {}
    }
    assert!(TcpStream::connect(&addr).is_err(), "no longer listening");

    // Resumed from the journal: the same state.
    let resumed = Server::start("--resume", &journal);
    let again = resumed.state();
    assert_eq!(clock(&again), clock(&last));
    assert_eq!(again["crisis"], 2);
    assert_eq!(again["paused"], true);
    assert_eq!(again["decisions"], last["decisions"]);
    assert_eq!(again["injects"], last["injects"]);
    assert!(
        resumed.stderr().contains("(resumed)"),
        "{}",
        resumed.stderr()
    );
}

/// Asks the server to stop as Ctrl-C does.
fn stop(child: &mut Child) {
    // The shell's own `kill`: minimal systems may lack the program.
    let ok = Command::new("sh")
        .args(["-c", &format!("kill -INT {}", child.id())])
        .status()
        .expect("sh runs");
    assert!(ok.success());
}

fn wait(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        thread::sleep(Duration::from_millis(20));
    }
}

/// Headless Chromium, driven over the DevTools protocol.
struct Browser {
    _child: Killed,
    _profile: tempfile::TempDir,
    ws: tungstenite::WebSocket<TcpStream>,
    next_id: u64,
    /// Events received while waiting for answers.
    events: Vec<Value>,
    stderr: Arc<Mutex<String>>,
}

impl Browser {
    fn launch() -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new("chromium")
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("Chromium is installed (scripts/test.sh installs the chromium package)");
        let stderr: ChildStderr = child.stderr.take().unwrap();
        let child = Killed(child);
        let (all, lines) = gather(stderr);
        let deadline = Instant::now() + DEADLINE;
        let url = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(l) => {
                    if let (true, Some(i)) = (l.contains("DevTools listening on"), l.find("ws://"))
                    {
                        break l[i..].trim().to_string();
                    }
                }
                Err(_) => panic!(
                    "Chromium did not say where DevTools listens:\n{}",
                    all.lock().unwrap()
                ),
            }
        };
        let host = url
            .strip_prefix("ws://")
            .and_then(|r| r.split('/').next())
            .unwrap();
        let stream = TcpStream::connect(host).unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        let (ws, _) = tungstenite::client(url.as_str(), stream).expect("DevTools handshake");
        // Short reads from now on, so that waiting loops see their deadline.
        ws.get_ref()
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        Browser {
            _child: child,
            _profile: profile,
            ws,
            next_id: 0,
            events: Vec::new(),
            stderr: all,
        }
    }

    /// Sends a command (to a page when `session` is given) and waits for
    /// its answer, keeping the events that come meanwhile.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            message["sessionId"] = json!(s);
        }
        self.ws
            .send(tungstenite::Message::text(message.to_string()))
            .expect("DevTools accepts the command");
        let deadline = Instant::now() + DEADLINE;
        loop {
            assert!(
                Instant::now() < deadline,
                "no answer to {method} in {DEADLINE:?}; Chromium said:\n{}",
                self.stderr.lock().unwrap()
            );
            let m = match self.ws.read() {
                Ok(m) => m,
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue;
                }
                Err(e) => panic!("DevTools connection: {e}"),
            };
            let Ok(text) = m.to_text() else { continue };
            let Ok(v) = serde_json::from_str::<Value>(text) else {
                continue;
            };
            if v["id"] == json!(id) {
                if !v["error"].is_null() {
                    panic!("{method}: {}", v["error"]);
                }
                return v["result"].clone();
            }
            if v.get("method").is_some() {
                self.events.push(v);
            }
        }
    }

    /// Opens a new tab on `url`; returns its session.
    fn open(&mut self, url: &str) -> String {
        let target = self.call(None, "Target.createTarget", json!({"url": "about:blank"}));
        let target = target["targetId"].as_str().unwrap().to_string();
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        );
        let session = attached["sessionId"].as_str().unwrap().to_string();
        self.call(Some(&session), "Runtime.enable", json!({}));
        self.call(Some(&session), "Log.enable", json!({}));
        self.call(Some(&session), "Page.enable", json!({}));
        self.call(Some(&session), "Page.navigate", json!({"url": url}));
        session
    }

    fn eval(&mut self, session: &str, expression: &str) -> Value {
        let r = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("`{expression}` threw: {e}");
        }
        r["result"]["value"].clone()
    }

    /// Evaluates `expression` until `ok` holds for its value.
    fn wait_for(&mut self, session: &str, expression: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let v = self.eval(session, expression);
            if ok(&v) {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "`{expression}` is still {v} after {DEADLINE:?}"
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Uncaught exceptions, console errors and the browser's own errors so
    /// far, in any page.
    fn errors(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| {
                e["method"] == "Runtime.exceptionThrown"
                    || (e["method"] == "Runtime.consoleAPICalled"
                        && matches!(e["params"]["type"].as_str(), Some("error" | "assert")))
                    // The browser's own errors (a blocked script or style);
                    // refused requests are the test's doing.
                    || (e["method"] == "Log.entryAdded"
                        && e["params"]["entry"]["level"] == "error"
                        && e["params"]["entry"]["source"] != "network")
            })
            .map(|e| e["params"].to_string())
            .collect()
    }
}

const CLOCK: &str = "document.getElementById('clock')?.textContent ?? null";

#[test]
fn browser_follows_the_clock_live_and_is_refused_changes_without_the_token() {
    let tmp = tempfile::tempdir().unwrap();
    let journal = tmp.path().join("j.jsonl");
    let server = Server::start("--journal", &journal);
    let start = server.state();
    let label = start["clock"]["label"].as_str().unwrap().to_string();
    assert_eq!(label, "T+5d");

    let mut browser = Browser::launch();
    let page = browser.open(&format!("http://{}/", server.addr));
    browser.wait_for(&page, CLOCK, |v| v == &json!(label));
    // The map is drawn and coloured, the feed and board are filled.
    let services = start["services"].as_array().unwrap().len();
    browser.wait_for(
        &page,
        "document.querySelectorAll('#map svg g.node').length",
        |v| v == &json!(services),
    );
    browser.wait_for(
        &page,
        "document.querySelectorAll('#map g.node.down').length > 0",
        |v| v == &json!(true),
    );
    assert_eq!(
        browser.eval(&page, "document.querySelectorAll('#feed li.inject').length"),
        json!(1)
    );
    assert!(
        browser
            .eval(
                &page,
                "document.querySelectorAll('#processes tbody tr').length"
            )
            .as_u64()
            .unwrap()
            > 0
    );
    assert_eq!(
        browser.eval(&page, "document.getElementById('console')"),
        Value::Null,
        "no console for observers"
    );

    // The facilitator advances the clock: the page follows without reload.
    browser.eval(&page, "window.notReloaded = true");
    let r = server.post("/api/clock", &json!({"action": "next"}));
    assert_eq!(r.status, 200, "{}", r.body);
    let moved = server.state();
    let new_label = moved["clock"]["label"].as_str().unwrap().to_string();
    assert_ne!(new_label, label);
    browser.wait_for(&page, CLOCK, |v| v == &json!(new_label));
    assert_eq!(browser.eval(&page, "window.notReloaded"), json!(true));
    assert_eq!(
        browser.eval(&page, "document.querySelectorAll('#feed li.inject').length"),
        json!(2)
    );

    // From the observer's page, a change without the token is refused.
    let status = browser.eval(
        &page,
        "fetch('/api/decision', {method: 'POST', body: JSON.stringify({command: 'crisis 2'})}).then(r => r.status)",
    );
    assert_eq!(status, json!(401));
    let status = browser.eval(
        &page,
        "fetch('/api/clock', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({action: 'next'})}).then(r => r.status)",
    );
    assert_eq!(status, json!(401));
    assert_eq!(server.state(), moved, "nothing changed");

    // The facilitator's console: the token from the address, the buttons,
    // a refusal shown, a decision taken.
    let console = browser.open(&format!(
        "http://{}/facilitator#token={}",
        server.addr, server.token
    ));
    browser.wait_for(&console, CLOCK, |v| v == &json!(new_label));
    assert_eq!(
        browser.eval(&console, "location.hash"),
        json!(""),
        "the token leaves the address bar"
    );
    browser.wait_for(
        &console,
        "document.querySelectorAll('#by option').length > 1",
        |v| v == &json!(true),
    );
    browser.eval(
        &console,
        "document.querySelector('[data-action=next]').click()",
    );
    let after_click = browser.wait_for(&console, CLOCK, |v| v != &json!(new_label));
    browser.wait_for(&page, CLOCK, |v| v == &after_click);
    assert_eq!(server.state()["clock"]["label"], after_click);
    browser.eval(
        &console,
        "document.getElementById('command').value = 'restore nothing'; \
         document.querySelector('#decision-form button[type=submit]').click()",
    );
    browser.wait_for(
        &console,
        "document.getElementById('message').textContent",
        |v| {
            v.as_str()
                .is_some_and(|m| m.contains("unknown service `nothing`"))
        },
    );
    browser.eval(
        &console,
        "document.getElementById('by').value = 'dgs'; \
         document.getElementById('command').value = 'crisis 2'; \
         document.querySelector('#decision-form button[type=submit]').click()",
    );
    browser.wait_for(
        &console,
        "document.getElementById('message').className",
        |v| v == &json!("message ok"),
    );
    assert_eq!(
        browser.eval(&console, "document.getElementById('command').value"),
        json!(""),
        "the field is cleared for the next decision"
    );
    browser.wait_for(
        &page,
        "document.querySelector('#decisions code')?.textContent ?? null",
        |v| v == &json!("crisis 2"),
    );
    let decided = server.state();
    assert_eq!(decided["crisis"], 2);
    assert_eq!(decided["decisions"][0]["by"], "dgs");
    // Completions for the decision field.
    browser.eval(
        &console,
        "document.getElementById('command').value = 'restore ad '; \
         document.getElementById('command').dispatchEvent(new Event('input'))",
    );
    browser.wait_for(
        &console,
        "[...document.querySelectorAll('#completions option')].map(o => o.value).join()",
        |v| v == &json!("restore ad with"),
    );

    let errors = browser.errors();
    assert!(errors.is_empty(), "errors in the pages: {errors:#?}");
}

#[test]
fn the_fire_exercise_is_served_too() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("fire.jsonl");
    let server = Server::start_on("incendie-dc-a.yaml", "--journal", &journal);
    let map = server.request("GET", "/api/map", None, b"");
    assert_eq!(map.status, 200, "{}", map.body);
    let map: Value = serde_json::from_str(&map.body).unwrap();
    assert!(map["nodes"].as_array().unwrap().len() > 100);
    let r = server.post(
        "/api/decision",
        &serde_json::json!({"command": "failover ad", "by": "dsi"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = server.post("/api/clock", &serde_json::json!({"action": "step"}));
    assert_eq!(r.status, 200, "{}", r.body);
    let v = server.state();
    assert_eq!(clock(&v), 3600);
    let ad = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "ad")
        .unwrap();
    assert!(ad["damage"].is_null(), "failed over within the hour: {ad}");
    assert_eq!(v["decisions"][0]["by"], "dsi");
    assert!(journal_types(&journal).contains(&"decision".to_string()));
}
