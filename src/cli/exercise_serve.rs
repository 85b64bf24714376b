//! `reprise exercise serve`: the exercise as a local web dashboard.
//!
//! One process holds the [`Session`] for its whole life. Observers and
//! players open a read-only page kept current by server-sent events; the
//! facilitator's console changes the session over HTTP with the token
//! printed at start. A change is answered only after the session has
//! written it to the journal and fsynced it, as in the terminal; when the
//! journal cannot be written the server answers 500 and stops, since the
//! exercise must not go on without its record.
//!
//! The session is synchronous: each change runs on a blocking thread under
//! a mutex, and the view it leaves is published on a `watch` channel that
//! every event stream and `GET /api/state` read. Async serves only what is
//! really concurrent: many browsers holding a connection open.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rand::TryRng;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio_stream::wrappers::WatchStream;
use tokio_stream::{Stream, StreamExt};

use super::exercise::{self, Prepared};
use super::{CliError, Global, Io, Opening, exit};
use crate::exercise::Verb;
use crate::exercise::command::Change;
use crate::exercise::request;
use crate::exercise::session::{Ack, Error, Session};
use crate::i18n::Lang;

/// The largest request body accepted (a decision is one line of text).
const BODY_LIMIT: usize = 16 * 1024;
/// How often an idle event stream gets a comment, so proxies and browsers
/// keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long connections get to finish once the server is asked to stop.
const GRACE: Duration = Duration::from_secs(3);
/// The most completions sent for one line.
const MAX_COMPLETIONS: usize = 500;

/// The one page both audiences get: observers without the console,
/// facilitators with it.
const PAGE_HTML: &str = include_str!("../web/page.html");
const CONSOLE_HTML: &str = include_str!("../web/console.html");
const APP_JS: &str = include_str!("../web/app.js");
const STYLE_CSS: &str = include_str!("../web/style.css");

/// `exercise serve`: loads the exercise, binds, opens (or resumes) the
/// journal, prints the addresses and the facilitator's token, and serves
/// until Ctrl-C or a journal failure.
pub fn run(
    global: &Global,
    path: &Path,
    listen: SocketAddr,
    opening: &Opening,
    io: &mut Io,
) -> Result<i32, CliError> {
    let prepared = exercise::load(path, io)?;
    // The session borrows the exercise for as long as the process serves.
    let prepared: &'static Prepared = Box::leak(Box::new(prepared));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let token = match new_token() {
        Ok(t) => t,
        Err(e) => {
            writeln!(
                io.err,
                "error: no randomness from the system for the token: {e}"
            )?;
            return Ok(exit::BAD_INPUT);
        }
    };
    // Bind before the journal is created, so that a busy port leaves no
    // empty journal behind.
    let listener = match runtime.block_on(tokio::net::TcpListener::bind(listen)) {
        Ok(l) => l,
        Err(e) => {
            writeln!(io.err, "error: cannot listen on {listen}: {e}")?;
            return Ok(exit::BAD_INPUT);
        }
    };
    let addr = listener.local_addr()?;
    let session = exercise::open(prepared, opening, io)?;
    let lang = Lang::from(global.lang);
    let shared = Arc::new(Shared::new(prepared, session, token, lang, addr));
    if !addr.ip().is_loopback() {
        writeln!(
            io.err,
            "warning: listening on {addr}, which is not a loopback address: ANYONE WHO CAN REACH \
             THIS MACHINE CAN WATCH THE EXERCISE (the token still protects every change)"
        )?;
    }
    writeln!(io.out, "listening on http://{addr}")?;
    writeln!(io.out, "observers: http://{addr}/")?;
    writeln!(
        io.out,
        "facilitator: http://{addr}/facilitator#token={}",
        shared.token
    )?;
    io.out.flush()?;

    let app = router(shared.clone());
    runtime.block_on(serve(listener, app, shared.clone()))?;
    runtime.shutdown_timeout(GRACE);

    let (journal_path, _) = opening.path(path);
    let fatal = shared
        .fatal
        .lock()
        .map(|f| f.clone())
        .unwrap_or_else(|p| p.into_inner().clone());
    match fatal {
        Some(m) => {
            writeln!(
                io.err,
                "error: {m}; the server stopped. Fix the cause, then resume with `reprise exercise serve {} --resume {}`",
                path.display(),
                journal_path.display()
            )?;
            Ok(exit::BAD_INPUT)
        }
        None => {
            writeln!(
                io.err,
                "stopped; resume with `reprise exercise serve {} --resume {}`",
                path.display(),
                journal_path.display()
            )?;
            Ok(exit::OK)
        }
    }
}

/// 128 bits from the operating system, in hex.
fn new_token() -> Result<String, rand::rngs::SysError> {
    let mut bytes = [0u8; 16];
    rand::rngs::SysRng.try_fill_bytes(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Serves until the views channel closes (Ctrl-C, SIGTERM or a fatal
/// error), then gives open connections a moment to finish.
async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shared: Arc<Shared>,
) -> std::io::Result<()> {
    let on_signal = shared.clone();
    tokio::spawn(async move {
        stop_signal().await;
        on_signal.stop(None);
    });
    let mut stopping = shared.views.subscribe();
    let mut stopped = shared.views.subscribe();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = stopping.wait_for(Option::is_none).await;
    });
    tokio::select! {
        r = server => r,
        // Connections that do not end by themselves (a client sending a
        // request very slowly) do not hold the process.
        _ = async move {
            let _ = stopped.wait_for(Option::is_none).await;
            tokio::time::sleep(GRACE).await;
        } => Ok(()),
    }
}

/// Ctrl-C, or SIGTERM from a service manager. A signal that cannot be
/// listened to never fires (rather than stopping the server at once).
async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// What every request handler shares.
struct Shared {
    prepared: &'static Prepared,
    session: Mutex<Session<'static>>,
    token: String,
    /// The view after the last change, as JSON; `None` once the server is
    /// stopping (event streams end then).
    views: watch::Sender<Option<Arc<str>>>,
    /// Why the server stopped by itself.
    fatal: Mutex<Option<String>>,
    index: Bytes,
    facilitator: Bytes,
    /// The dependency map and the exercise's description never change.
    map: Bytes,
    about: Bytes,
    /// On loopback, the only names a browser may use for this server: a
    /// page elsewhere whose name is made to point at 127.0.0.1 (DNS
    /// rebinding) cannot read the exercise.
    hosts: Option<Vec<String>>,
}

impl Shared {
    fn new(
        prepared: &'static Prepared,
        session: Session<'static>,
        token: String,
        lang: Lang,
        addr: SocketAddr,
    ) -> Shared {
        let lang_key = lang.code();
        let view = to_json(&session.view());
        let map = to_json(&session.map());
        let e = &prepared.exercise;
        let about = to_json(&About {
            title: &e.title,
            lang: lang_key,
            roles: e
                .roles
                .iter()
                .map(|r| RoleAbout {
                    id: &r.id,
                    name: &r.name,
                    kind: r.kind.as_str(),
                })
                .collect(),
            objectives: e
                .objectives
                .iter()
                .map(|o| ObjectiveAbout {
                    id: &o.id,
                    text: &o.text,
                })
                .collect(),
            actions: Verb::ALL.iter().map(|a| a.syntax()).collect(),
        });
        let page = |role: &str, title: &str, console: &str| {
            let html = PAGE_HTML
                .replace("{{lang}}", lang_key)
                .replace("{{role}}", role)
                .replace("{{title}}", title)
                .replace("{{console}}", console);
            Bytes::from(html)
        };
        let port = addr.port();
        let hosts = addr.ip().is_loopback().then(|| {
            vec![
                addr.to_string(),
                format!("localhost:{port}"),
                format!("127.0.0.1:{port}"),
                format!("[::1]:{port}"),
            ]
        });
        Shared {
            prepared,
            hosts,
            session: Mutex::new(session),
            token,
            views: watch::Sender::new(Some(view.into())),
            fatal: Mutex::new(None),
            index: page("observer", "reprise", ""),
            facilitator: page("facilitator", "reprise — facilitator", CONSOLE_HTML),
            map: Bytes::from(map),
            about: Bytes::from(about),
        }
    }

    /// Ends every event stream and the server; `fatal` says why when it is
    /// not the operator's wish.
    fn stop(&self, fatal: Option<String>) {
        if let Some(m) = fatal {
            let mut f = self.fatal.lock().unwrap_or_else(|p| p.into_inner());
            f.get_or_insert(m);
        }
        self.views.send_replace(None);
    }

    fn failed(&self) -> Option<String> {
        self.fatal.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Applies a change and publishes the view it leaves. Runs on a
    /// blocking thread: the session writes and fsyncs the journal.
    fn apply(&self, change: Change) -> Result<Ack, Error> {
        let Ok(mut session) = self.session.lock() else {
            return Err(Error::Journal(std::io::Error::other(
                "an earlier change failed part-way",
            )));
        };
        if let Some(m) = self.failed() {
            return Err(Error::Journal(std::io::Error::other(m)));
        }
        let ack = session.apply(change, std::time::SystemTime::now())?;
        let view: Arc<str> = to_json(&session.view()).into();
        // Published under the lock, so views go out in the order of the
        // changes; never after the stop, which must stay the last word.
        self.views.send_if_modified(|v| match v {
            Some(_) => {
                *v = Some(view);
                true
            }
            None => false,
        });
        Ok(ack)
    }
}

/// Serializes one of our own types: only strings, numbers, booleans and
/// lists, which always serialize.
fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("views serialize to JSON")
}

#[derive(Serialize)]
struct About<'a> {
    title: &'a str,
    lang: &'static str,
    roles: Vec<RoleAbout<'a>>,
    objectives: Vec<ObjectiveAbout<'a>>,
    /// The decisions' syntax, for the console's help.
    actions: Vec<&'static str>,
}

#[derive(Serialize)]
struct RoleAbout<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct ObjectiveAbout<'a> {
    id: &'a str,
    text: &'a str,
}

fn router(shared: Arc<Shared>) -> Router {
    let changes = Router::new()
        .route("/api/clock", post(clock))
        .route("/api/decision", post(decision))
        // The token is checked before the body is read.
        .route_layer(middleware::from_fn_with_state(shared.clone(), authorize))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    Router::new()
        .route("/", get(index))
        .route("/facilitator", get(facilitator))
        .route("/app.js", get(app_js))
        .route("/style.css", get(style_css))
        .route("/api/state", get(state))
        .route("/api/map", get(map))
        .route("/api/exercise", get(about))
        .route("/api/complete", get(complete))
        .route("/api/events", get(events))
        .merge(changes)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), check_host))
        .layer(middleware::map_response(secure_headers))
        .with_state(shared)
}

/// Headers every answer carries: nothing from elsewhere may load, nothing
/// may frame the pages, no address leaks in a referrer.
async fn secure_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Refuses requests addressed to another name than this server's.
async fn check_host(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    if let (Some(hosts), Some(host)) = (&shared.hosts, request.headers().get(header::HOST))
        && !hosts
            .iter()
            .any(|h| h.as_bytes().eq_ignore_ascii_case(host.as_bytes()))
    {
        return error(
            StatusCode::MISDIRECTED_REQUEST,
            "this server answers only to its own address",
        );
    }
    next.run(request).await
}

/// Lets a request through only with `Authorization: Bearer TOKEN`.
async fn authorize(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(t) if same(t.as_bytes(), shared.token.as_bytes()) => next.run(request).await,
        _ => {
            let mut r = error(
                StatusCode::UNAUTHORIZED,
                "this needs the facilitator's token: open the facilitator address printed by `reprise exercise serve`",
            );
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            r
        }
    }
}

/// Compares in a time that does not depend on where the first difference
/// is (the length is no secret: every token has 32 characters).
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

fn error(status: StatusCode, message: &str) -> Response {
    #[derive(Serialize)]
    struct Body<'a> {
        error: &'a str,
    }
    json(status, to_json(&Body { error: message }))
}

fn json(status: StatusCode, body: impl Into<axum::body::Body>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.into(),
    )
        .into_response()
}

fn asset(content_type: &'static str, body: impl Into<axum::body::Body>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body.into(),
    )
        .into_response()
}

async fn index(State(shared): State<Arc<Shared>>) -> Response {
    asset("text/html; charset=utf-8", shared.index.clone())
}

async fn facilitator(State(shared): State<Arc<Shared>>) -> Response {
    asset("text/html; charset=utf-8", shared.facilitator.clone())
}

async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

async fn style_css() -> Response {
    asset("text/css; charset=utf-8", STYLE_CSS)
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "no such page")
}

fn stopping() -> Response {
    error(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping")
}

async fn state(State(shared): State<Arc<Shared>>) -> Response {
    let view = shared.views.borrow().clone();
    match view {
        Some(v) => json(StatusCode::OK, v.to_string()),
        None => stopping(),
    }
}

async fn map(State(shared): State<Arc<Shared>>) -> Response {
    json(StatusCode::OK, shared.map.clone())
}

async fn about(State(shared): State<Arc<Shared>>) -> Response {
    json(StatusCode::OK, shared.about.clone())
}

/// The view at connection, then after every change; ends when the server
/// stops.
async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = WatchStream::new(shared.views.subscribe())
        .map_while(|view| view)
        .map(|view| Ok(Event::default().data(&*view)));
    Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}

#[derive(Deserialize)]
struct CompleteQuery {
    #[serde(default)]
    line: String,
}

/// Completions of a decision typed so far, as whole lines (for the
/// console's `<datalist>`): the terminal's completion, decisions only.
async fn complete(State(shared): State<Arc<Shared>>, Query(q): Query<CompleteQuery>) -> Response {
    json(
        StatusCode::OK,
        to_json(&completions(shared.prepared, &q.line)),
    )
}

fn completions(prepared: &Prepared, line: &str) -> Vec<String> {
    let line = line.trim_start();
    let (start, words) = exercise::complete(prepared, line);
    let head = &line[..start];
    let first = !head.split_whitespace().any(|w| !w.starts_with('@'));
    words
        .into_iter()
        // The clock's commands have their own buttons.
        .filter(|w| !first || Verb::from_word(w).is_some())
        .take(MAX_COMPLETIONS)
        .map(|w| format!("{head}{w}"))
        .collect()
}

/// A request body; a body too large (413) or unreadable is answered with
/// its reason.
fn read_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, Response> {
    body.map_err(|r| {
        let status = r.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            error(
                status,
                &format!("the request is larger than {} KiB", BODY_LIMIT / 1024),
            )
        } else {
            error(status, &r.body_text())
        }
    })
}

async fn clock(State(shared): State<Arc<Shared>>, body: Result<Bytes, BytesRejection>) -> Response {
    let change = read_body(body)
        .and_then(|b| request::clock(&b).map_err(|m| error(StatusCode::BAD_REQUEST, &m)));
    match change {
        Ok(c) => change_session(shared, c).await,
        Err(r) => r,
    }
}

async fn decision(
    State(shared): State<Arc<Shared>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let change = read_body(body)
        .and_then(|b| request::decision(&b).map_err(|m| error(StatusCode::BAD_REQUEST, &m)));
    match change {
        Ok(c) => change_session(shared, c).await,
        Err(r) => r,
    }
}

/// Runs a change and answers once it is durable.
async fn change_session(shared: Arc<Shared>, change: Change) -> Response {
    if shared.failed().is_some() || shared.views.borrow().is_none() {
        return stopping();
    }
    tracing::info!(?change, "change asked");
    let worker = shared.clone();
    let result = tokio::task::spawn_blocking(move || worker.apply(change)).await;
    match result {
        Ok(Ok(ack)) => {
            #[derive(Serialize)]
            struct Done {
                seq: u64,
                injects: Vec<String>,
            }
            json(
                StatusCode::OK,
                to_json(&Done {
                    seq: ack.seq,
                    injects: ack.injects,
                }),
            )
        }
        Ok(Err(Error::Refused(r))) => error(StatusCode::BAD_REQUEST, &r.to_string()),
        Ok(Err(e @ Error::Journal(_))) => {
            let m = e.to_string();
            shared.stop(Some(m.clone()));
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("{m}; this change was not recorded, and the server stops"),
            )
        }
        Err(panic) => {
            let m = format!("the session failed: {panic}");
            shared.stop(Some(m.clone()));
            error(StatusCode::INTERNAL_SERVER_ERROR, &m)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"abcd", b"abcd"));
        assert!(!same(b"abcd", b"abce"));
        assert!(!same(b"abcd", b"abc"));
        assert!(!same(b"", b"a"));
    }

    #[test]
    fn tokens_are_128_bits_of_hex() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
