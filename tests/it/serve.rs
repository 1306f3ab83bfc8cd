//! `busetting serve` over plain HTTP/1.1 (a TcpStream, no client library): the page loads, the
//! API answers with exactly what `recommend` gives, refuses what it must (and then writes
//! nothing), and a change on disk reaches an open page within a second.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::Sandbox;

/// A running `busetting serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    pub token: String,
    pub url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Server {
    /// Starts the server in `dir` with `--port 0` and reads its address from standard output.
    pub fn start(dir: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_busetting"))
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .args(["serve", "--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!("the server printed no address within two minutes");
            }
        };
        let url = line.trim().to_string();
        let rest = url
            .strip_prefix("http://127.0.0.1:")
            .unwrap_or_else(|| panic!("not the address: {url:?}"));
        let (port, token) = rest.split_once("/?token=").unwrap();
        assert_eq!(token.len(), 32, "{url}");
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()), "{url}");
        Server {
            port: port.parse().unwrap(),
            token: token.to_string(),
            url,
            child,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn try_wait(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().unwrap()
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Sends one request as written (headers without the request line and Host unless given).
    pub fn raw(&self, head: &str, body: &[u8]) -> Reply {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        let mut bytes = head.as_bytes().to_vec();
        bytes.extend_from_slice(body);
        stream.write_all(&bytes).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        parse(&raw)
    }

    /// A request with the given extra headers (each "Name: value").
    pub fn request(&self, method: &str, path: &str, extra: &[&str], body: Option<&str>) -> Reply {
        let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
        if !extra.iter().any(|h| h.to_ascii_lowercase().starts_with("host:")) {
            head.push_str(&format!("Host: {}\r\n", self.host()));
        }
        for h in extra {
            head.push_str(h);
            head.push_str("\r\n");
        }
        if let Some(b) = body {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                b.len()
            ));
        }
        head.push_str("\r\n");
        self.raw(&head, body.unwrap_or("").as_bytes())
    }

    fn token_header(&self) -> String {
        format!("X-Busetting-Token: {}", self.token)
    }

    /// GET with the token.
    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[&self.token_header()], None)
    }

    /// POST with the token and the page's own Origin.
    pub fn post(&self, path: &str, body: &str) -> Reply {
        let origin = format!("Origin: http://127.0.0.1:{}", self.port);
        self.request("POST", path, &[&self.token_header(), &origin], Some(body))
    }

    /// The settings the page shows first.
    pub fn settings(&self) -> Value {
        let state = self.get("/api/state");
        assert_eq!(state.status, 200, "{}", state.body);
        state.json()["settings"].clone()
    }
}

fn parse(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw).into_owned();
    let (head, rest) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    let mut lines = head.lines();
    let status: u16 = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked { dechunk(rest) } else { rest.to_string() };
    Reply { status, headers, body }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// An open /api/events stream, read event by event.
pub struct Events {
    reader: BufReader<TcpStream>,
    buffer: String,
}

impl Events {
    pub fn open(server: &Server, path: &str) -> Result<Events, Reply> {
        let stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut writer = stream.try_clone().unwrap();
        write!(
            writer,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            server.host()
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push_str(&line);
        }
        let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
        if status != 200 {
            return Err(Reply {
                status,
                headers: Vec::new(),
                body: head,
            });
        }
        assert!(head.to_ascii_lowercase().contains("text/event-stream"), "{head}");
        Ok(Events {
            reader,
            buffer: String::new(),
        })
    }

    /// The next event's name and data (keep-alive comments skipped).
    pub fn next(&mut self) -> (String, String) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut name = String::new();
                let mut data = Vec::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push(v.strip_prefix(' ').unwrap_or(v).to_string());
                    }
                }
                if !name.is_empty() || !data.is_empty() {
                    return (name, data.join("\n"));
                }
                continue;
            }
            // One chunk of the chunked body.
            let mut size = String::new();
            self.reader.read_line(&mut size).unwrap();
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or_else(|_| panic!("bad chunk size {size:?}"));
            assert!(n > 0, "the event stream ended");
            let mut chunk = vec![0u8; n + 2];
            self.reader.read_exact(&mut chunk).unwrap();
            self.buffer.push_str(&String::from_utf8_lossy(&chunk[..n]));
        }
    }
}

fn recommend_json(dir: &Path, criteria: &str) -> Value {
    let r = crate::common::run_in(
        dir,
        &["recommend", "--criteria", criteria, "--format", "json", "--no-write"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

/// Every file under `dir`, for "nothing was written".
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in fs_err::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn with_weights(settings: &Value, weights: Value) -> Value {
    let mut s = settings.clone();
    s["weights"] = weights;
    s
}

fn numbers(recommendation: &Value) -> Vec<(String, u64)> {
    recommendation["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["kommunenummer"].as_str().unwrap().to_string(),
                m["recommendation"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_page_and_its_files_load_without_the_token() {
    let s = Sandbox::new();
    let server = Server::start(s.dir.path(), &[]);
    let page = server.request("GET", "/", &[], None);
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    assert!(page.body.contains("id=\"ranked\"") && page.body.contains("/assets/page.js"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    let js = server.request("GET", "/assets/page.js", &[], None);
    assert_eq!(js.status, 200);
    assert!(js.header("content-type").unwrap().starts_with("text/javascript"));
    assert!(js.body.contains("X-Busetting-Token"));
    let css = server.request("GET", "/assets/page.css", &[], None);
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert_eq!(server.request("GET", "/nothing", &[], None).status, 404);
}

#[test]
fn the_files_own_settings_give_exactly_what_recommend_gives() {
    let s = Sandbox::new();
    let server = Server::start(s.dir.path(), &[]);
    let state = server.get("/api/state").json();
    assert_eq!(state["file"], "criteria/default.toml");
    assert_eq!(state["settings"], state["file_settings"]);
    assert_eq!(state["settings"]["total"], 1474);
    assert_eq!(state["settings"]["weights"]["labour"], 0.15);
    assert_eq!(state["criteria"].as_array().unwrap().len(), 5);
    assert_eq!(state["texts"]["title"], "busetting: arbeidsbenken");
    assert_eq!(state["save_name"], "default-workbench.toml");
    let folder = fs_err::canonicalize(s.path("criteria")).unwrap();
    assert_eq!(state["save_folder"], folder.display().to_string());
    let cli = recommend_json(s.dir.path(), "criteria/default.toml");
    assert_eq!(state["result"]["recommendation"], cli);

    let reply = server.post("/api/run", &state["settings"].to_string());
    assert_eq!(reply.status, 200, "{}", reply.body);
    let result = reply.json();
    assert_eq!(result["recommendation"], cli, "the page's numbers are not recommend's");
    assert!(result["server_ms"].as_f64().unwrap() >= 0.0);
    let map = result["map_svg"].as_str().unwrap();
    assert_eq!(
        map.matches("<path data-knr=\"").count(),
        43,
        "one shape per municipality"
    );
    assert!(map.contains("data-knr=\"4601\""));
    assert!(result["contributions_svg"].as_str().unwrap().starts_with("<svg"));

    let explained = server.post(
        "/api/explain",
        &{
            let mut b = state["settings"].clone();
            b["kommunenummer"] = json!("4602");
            b
        }
        .to_string(),
    );
    assert_eq!(explained.status, 200, "{}", explained.body);
    let cli = crate::common::run_in(s.dir.path(), &["explain", "4602"]);
    assert_eq!(explained.json()["text"].as_str().unwrap(), cli.stdout);
    assert!(explained.json()["sentence"].as_str().unwrap().starts_with("Kinn: 37"));
}

#[test]
fn changed_weights_are_what_recommend_gives_with_the_saved_file() {
    let s = Sandbox::new();
    let server = Server::start(s.dir.path(), &[]);
    let settings = server.settings();
    let before = numbers(&recommend_json(s.dir.path(), "criteria/default.toml"));
    let changed = with_weights(
        &settings,
        json!({"spread": 0.15, "population": 0.35, "labour": 0.25, "introduction": 0.1, "stock": 0.15}),
    );
    let reply = server.post("/api/run", &changed.to_string());
    assert_eq!(reply.status, 200, "{}", reply.body);
    let page = reply.json()["recommendation"].clone();
    assert_ne!(numbers(&page), before, "moving a weight changed nothing");

    let saved = server.post("/api/save", r#"{"path": "mine.toml", "overwrite": false}"#);
    assert_eq!(saved.status, 200, "{}", saved.body);
    let resolved = saved.json()["resolved"].as_str().unwrap().to_string();
    assert!(Path::new(&resolved).is_absolute(), "{resolved}");
    assert_eq!(
        fs_err::canonicalize(&resolved).unwrap(),
        fs_err::canonicalize(s.path("criteria/mine.toml")).unwrap()
    );
    let text = s.read("criteria/mine.toml");
    assert!(
        text.starts_with("# Saved from the planners' workbench (`busetting serve`) from criteria/default.toml; changed there: weight of spread 0.25 → 0.15; weight of labour 0.15 → 0.25.\n"),
        "{}",
        &text[..300]
    );
    // The original's comments and layout stay; only the two weights differ.
    let original = s.read("criteria/default.toml");
    let body = text.split_once("\n\n").unwrap().1;
    assert_eq!(
        body,
        original.replacen("weight = 0.25", "weight = 0.15", 1).replacen(
            "weight = 0.15\n\n# Results",
            "weight = 0.25\n\n# Results",
            1
        )
    );

    let check = crate::common::run_in(s.dir.path(), &["check", "--criteria", "criteria/mine.toml"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let mut cli = recommend_json(s.dir.path(), "criteria/mine.toml");
    assert_eq!(cli["criteria_file"], "criteria/mine.toml");
    // The only difference: which file the run names.
    cli["criteria_file"] = page["criteria_file"].clone();
    assert_eq!(page, cli);
}

#[test]
fn requests_without_the_token_or_from_elsewhere_are_refused_and_write_nothing() {
    let s = Sandbox::new();
    let server = Server::start(s.dir.path(), &[]);
    let before = files(s.dir.path());
    let token = format!("X-Busetting-Token: {}", server.token);
    let save = r#"{"path": "evil.toml", "overwrite": true}"#;
    let evil_host = format!("Host: evil.example:{}", server.port);
    let cases: Vec<(&str, &str, Vec<&str>, Option<&str>)> = vec![
        ("no token", "/api/save", vec![], Some(save)),
        (
            "wrong token",
            "/api/save",
            vec!["X-Busetting-Token: 00000000000000000000000000000000"],
            Some(save),
        ),
        (
            "foreign origin",
            "/api/save",
            vec![&token, "Origin: http://evil.example"],
            Some(save),
        ),
        ("foreign host", "/api/save", vec![&token, &evil_host], Some(save)),
        (
            "cross-site fetch",
            "/api/save",
            vec![&token, "Sec-Fetch-Site: cross-site"],
            Some(save),
        ),
        (
            "foreign origin",
            "/api/report",
            vec![&token, "Origin: http://evil.example"],
            Some("{}"),
        ),
        ("no token", "/api/run", vec![], Some("{}")),
    ];
    for (what, path, headers, body) in cases {
        let reply = server.request("POST", path, &headers, body);
        assert_eq!(reply.status, 403, "{what} {path}: {}", reply.body);
        assert!(
            reply.json()["error"].as_str().unwrap().starts_with("refused"),
            "{}",
            reply.body
        );
    }
    let query = format!("/api/save?token={}", server.token);
    assert_eq!(server.request("POST", &query, &[], Some(save)).status, 403);
    assert_eq!(server.request("GET", "/api/state", &[], None).status, 403);
    assert_eq!(server.request("GET", "/", &[&evil_host], None).status, 403);
    assert_eq!(Events::open(&server, "/api/events").err().map(|r| r.status), Some(403));
    assert_eq!(files(s.dir.path()), before, "a refused request wrote something");
    // The same request with the token and the page's own origin does write.
    assert_eq!(server.post("/api/save", save).status, 200);
    assert!(s.path("criteria/evil.toml").is_file());
}

#[test]
fn a_bad_body_is_400_naming_the_field_and_a_large_one_413() {
    let s = Sandbox::new();
    let server = Server::start(s.dir.path(), &[]);
    let settings = server.settings();
    let set = |field: &str, value: Value| {
        let mut b = settings.clone();
        b[field] = value;
        b.to_string()
    };
    let mut bad_weight = settings.clone();
    bad_weight["weights"]["labour"] = json!("much");
    let mut not_one = settings.clone();
    not_one["weights"]["labour"] = json!(0.5);
    let cases = [
        ("{\"weights\": ", "body"),
        ("[1, 2]", "body"),
        (&bad_weight.to_string() as &str, "weights.labour"),
        (&set("total", json!(0)), "total"),
        (&set("total", json!(10_000_001)), "total"),
        (&set("method", json!("coin-toss")), "method"),
        (&set("per_1000_cap", json!(-3)), "per_1000_cap"),
        (&set("minimum_if_asked", json!("ten")), "minimum_if_asked"),
        (&set("colour", json!("red")), "colour"),
        (&not_one.to_string(), "weights"),
        (&set("per_1000_cap", json!(0.01)), "total"),
    ];
    for (body, field) in cases {
        let reply = server.post("/api/run", body);
        assert_eq!(reply.status, 400, "{body}: {}", reply.body);
        let answer = reply.json();
        assert_eq!(answer["field"], field, "{body}: {}", reply.body);
        assert!(!answer["error"].as_str().unwrap().is_empty());
    }
    let weights = server.post("/api/run", &not_one.to_string()).json();
    assert!(weights["error"].as_str().unwrap().contains("add up to"), "{weights}");
    let mut unknown = settings.clone();
    unknown["kommunenummer"] = json!("9999");
    let reply = server.post("/api/explain", &unknown.to_string());
    assert_eq!(
        (reply.status, reply.json()["field"].clone()),
        (400, json!("kommunenummer"))
    );

    // Over 64 KiB: refused on its length, before the body is read.
    let head = format!(
        "POST /api/run HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nX-Busetting-Token: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        server.host(),
        server.token,
        70 * 1024
    );
    let reply = server.raw(&head, b"");
    assert_eq!(reply.status, 413, "{}", reply.body);
    // The last settings that ran are still the current ones: the page's numbers stand.
    assert_eq!(server.post("/api/run", &settings.to_string()).status, 200);
}

#[test]
fn save_asks_before_overwriting_and_writes_only_in_the_criteria_folder() {
    let s = Sandbox::new();
    let server = Server::start(s.dir.path(), &[]);
    let settings = server.settings();
    assert_eq!(server.post("/api/save", r#"{"path": "mine.toml"}"#).status, 200);
    let first = s.read("criteria/mine.toml");
    assert_eq!(
        server
            .post(
                "/api/run",
                &{
                    let mut b = settings.clone();
                    b["total"] = json!(1500);
                    b
                }
                .to_string()
            )
            .status,
        200
    );
    let again = server.post("/api/save", r#"{"path": "mine.toml", "overwrite": false}"#);
    assert_eq!(again.status, 409, "{}", again.body);
    let answer = again.json();
    assert_eq!(answer["exists"], true);
    assert!(answer["resolved"].as_str().unwrap().ends_with("mine.toml"));
    assert_eq!(s.read("criteria/mine.toml"), first, "overwritten without confirmation");
    let confirmed = server.post("/api/save", r#"{"path": "mine.toml", "overwrite": true}"#);
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert!(s.read("criteria/mine.toml").contains("total = 1500\n"));

    let before = files(s.dir.path());
    for path in [
        "../outside.toml",
        "/tmp/busetting-outside.toml",
        "sub/../../x.toml",
        "x.txt",
        "",
    ] {
        let body = json!({ "path": path, "overwrite": true }).to_string();
        let reply = server.post("/api/save", &body);
        assert_eq!(reply.status, 400, "{path}: {}", reply.body);
        assert_eq!(reply.json()["field"], "path");
    }
    assert_eq!(files(s.dir.path()), before);
    assert!(!Path::new("/tmp/busetting-outside.toml").exists());
    let outside = server.post("/api/save", r#"{"path": "../outside.toml"}"#).json();
    assert!(outside["error"].as_str().unwrap().contains("criteria"), "{outside}");
}

#[test]
fn a_report_is_made_from_a_file_on_disk() {
    let s = Sandbox::new();
    let server = Server::start(s.dir.path(), &["--out", "out"]);
    let settings = server.settings();
    let mut changed = settings.clone();
    changed["total"] = json!(1400);
    assert_eq!(server.post("/api/run", &changed.to_string()).status, 200);
    let refused = server.post("/api/report", "{}");
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(
        refused.json()["error"]
            .as_str()
            .unwrap()
            .contains("save the settings first")
    );
    assert!(!s.path("out").exists());

    assert_eq!(server.post("/api/save", r#"{"path": "t1400.toml"}"#).status, 200);
    let reply = server.post("/api/report", "{}");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["criteria"], "criteria/t1400.toml");
    let manifest = s.read("out/2027/manifest.json");
    assert!(manifest.contains("criteria/t1400.toml"), "{}", &manifest[..400]);
    let verify = crate::common::run_in(s.dir.path(), &["verify", "out/2027"]);
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
}

#[test]
fn sensitivity_and_backtest_answer_as_the_commands_do() {
    let s = Sandbox::new();
    let server = Server::start(s.dir.path(), &[]);
    let reply = server.post("/api/sensitivity", r#"{"draws": 300}"#);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let cli = crate::common::run_in(
        s.dir.path(),
        &["sensitivity", "--draws", "300", "--format", "json", "--no-write"],
    );
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    assert_eq!(reply.json(), serde_json::from_str::<Value>(&cli.stdout).unwrap());
    let progress = server.get("/api/progress").json();
    assert_eq!(
        (progress["done"].clone(), progress["total"].clone()),
        (json!(300), json!(300))
    );
    assert_eq!(
        server.post("/api/sensitivity", r#"{"draws": -1}"#).json()["field"],
        "draws"
    );

    let reply = server.post("/api/backtest", "{}");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let answer = reply.json();
    let rows = answer["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r["baselines"].as_object().unwrap().len() == 4),
        "{answer}"
    );
    assert!(answer["verdict"].as_str().unwrap().starts_with("Dom:"), "{answer}");
}

#[test]
fn an_edit_on_disk_reaches_an_open_page_within_a_second() {
    let s = Sandbox::new();
    let server = Server::start(s.dir.path(), &[]);
    let path = format!("/api/events?token={}", server.token);
    let mut events = Events::open(&server, &path).unwrap_or_else(|r| panic!("{r:?}"));

    let start = Instant::now();
    s.edit("criteria/default.toml", "total = 1474", "total = 1500");
    let (name, data) = events.next();
    let took = start.elapsed();
    assert_eq!(name, "changed");
    assert!(took < Duration::from_secs(1), "the change took {took:?} to arrive");
    let data: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(data["what"], "criteria");
    assert_eq!(data["file"], "criteria/default.toml");
    assert_eq!(data["settings"]["total"], 1500);
    assert_eq!(data["result"]["recommendation"]["total"], 1500);
    assert_eq!(
        data["result"]["recommendation"],
        recommend_json(s.dir.path(), "criteria/default.toml")
    );

    // An invalid edit: the diagnostic as `check` prints it, naming the file and the line.
    let text = s.read("criteria/default.toml");
    let line = text.lines().position(|l| l == "weight = 0.35").unwrap() + 1;
    let start = Instant::now();
    s.edit("criteria/default.toml", "weight = 0.35", "weight = \"a lot\"");
    let (name, data) = events.next();
    let took = start.elapsed();
    assert_eq!(name, "changed");
    assert!(took < Duration::from_secs(1), "the diagnostic took {took:?} to arrive");
    let data: Value = serde_json::from_str(&data).unwrap();
    let diagnostic = data["diagnostic"].as_str().unwrap();
    assert!(
        diagnostic.contains(&format!("criteria/default.toml:{line}:")),
        "{diagnostic}"
    );
    let check = crate::common::run_in(s.dir.path(), &["check"]);
    assert_eq!(check.code, 1);
    assert_eq!(diagnostic, check.stderr);
    // The last good numbers stay, and the page is told they are stale.
    let state = server.get("/api/state").json();
    assert_eq!(state["result"]["recommendation"]["total"], 1500);
    assert_eq!(state["diagnostic"], json!(diagnostic));

    // Put right again, and a data file changed: both arrive.
    s.edit("criteria/default.toml", "weight = \"a lot\"", "weight = 0.35");
    let (_, data) = events.next();
    let data: Value = serde_json::from_str(&data).unwrap();
    assert!(data["diagnostic"].is_null(), "{data}");
    s.edit(
        "data/norway-population.csv",
        "4601,Bergen,2020,283929",
        "4601,Bergen,2020,283930",
    );
    let (_, data) = events.next();
    let data: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(data["what"], "data", "{data}");
    assert!(
        data["file"].as_str().unwrap().ends_with("norway-population.csv"),
        "{data}"
    );
}

#[test]
#[cfg(unix)]
fn ctrl_c_stops_the_server_cleanly() {
    let s = Sandbox::new();
    let mut server = Server::start(s.dir.path(), &[]);
    // An open page's event stream does not keep it running.
    let path = format!("/api/events?token={}", server.token);
    let _events = Events::open(&server, &path).unwrap_or_else(|r| panic!("{r:?}"));
    let status = Command::new("kill")
        .args(["-INT", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    let exit = loop {
        if let Some(exit) = server.try_wait() {
            break exit;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(exit.code(), Some(0));
}

/// Ctrl-C the moment the address is printed: the handlers are in place by then. (They were
/// installed only when the server first waited for a signal, and about every second such
/// Ctrl-C killed the process instead.) bash sends the signal as soon as it reads the line, with
/// no process to start in between, eight times over.
#[test]
#[cfg(unix)]
fn ctrl_c_right_after_the_address_stops_the_server_cleanly() {
    let s = Sandbox::new();
    let script = r#"
        for round in 1 2 3 4 5 6 7 8; do
            coproc SERVER { exec "$0" serve --port 0 2>/dev/null; }
            pid=$SERVER_PID
            read -r line <&"${SERVER[0]}"
            kill -INT "$pid"
            wait "$pid"
            echo "round $round: exit $?"
        done
    "#;
    let out = Command::new("bash")
        .current_dir(s.dir.path())
        .args(["-c", script, env!("CARGO_BIN_EXE_busetting")])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(report.lines().count(), 8, "{report}");
    assert!(report.lines().all(|l| l.ends_with(": exit 0")), "{report}");
}

#[test]
fn a_file_with_categories_needs_one_named() {
    let s = Sandbox::new();
    let r = s.run(&["serve", "--port", "0", "--criteria", "criteria/categories.toml"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("adults-and-families")
            && r.stderr.contains("unaccompanied-minors")
            && r.stderr.contains("--category"),
        "{}",
        r.stderr
    );
    let server = Server::start(
        s.dir.path(),
        &[
            "--criteria",
            "criteria/categories.toml",
            "--category",
            "unaccompanied-minors",
        ],
    );
    let settings = server.settings();
    assert_eq!(settings["total"], 46);
    let reply = server.post("/api/run", &settings.to_string());
    assert_eq!(reply.status, 200, "{}", reply.body);
    let cli = crate::common::run_in(
        s.dir.path(),
        &[
            "recommend",
            "--criteria",
            "criteria/categories.toml",
            "--category",
            "unaccompanied-minors",
            "--format",
            "json",
            "--no-write",
        ],
    );
    assert_eq!(
        reply.json()["recommendation"],
        serde_json::from_str::<Value>(&cli.stdout).unwrap()
    );
}
