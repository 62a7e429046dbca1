//! Helpers for the moto integration tests: a moto server per test, a test
//! project in a temp dir, and archgen commands pointed at them.
#![allow(dead_code)]

use assert_cmd::Command;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

pub const REGION: &str = "ap-northeast-1";

/// A moto server on a free port, killed when dropped.
pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Moto {
    pub fn start() -> Moto {
        Moto::launch(&[tools_bin().join("moto_server")])
    }

    /// moto with archgen's plugin (tests/moto_plugin/archgen_moto.py):
    /// every resource type archgen emits is accepted (stubbed where moto
    /// has no model), outputs survive change sets, and termination
    /// protection works, so the examples deploy.
    pub fn start_with_stubs() -> Moto {
        let plugin =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/moto_plugin/archgen_moto.py");
        Moto::launch(&[tools_bin().join("python3"), plugin])
    }

    fn launch(command: &[PathBuf]) -> Moto {
        let (bin, args) = command.split_first().expect("a program to run");
        assert!(
            bin.exists(),
            "{} is missing: run scripts/test (it installs the test tools) or set ARCHGEN_TOOLS_BIN",
            bin.display()
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = std::process::Command::new(bin)
            .args(args)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while moto.request("GET", "/moto-api/", "").is_none() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not answer on port {port}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        moto
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A minimal HTTP/1.1 request; returns status line and body.
    pub fn request(&self, method: &str, path: &str, body: &str) -> Option<(String, String)> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )
        .ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        let (head, body) = out.split_once("\r\n\r\n")?;
        Some((head.lines().next()?.to_string(), body.to_string()))
    }

    pub fn create_bucket(&self, bucket: &str) {
        let body = format!(
            "<CreateBucketConfiguration><LocationConstraint>{REGION}</LocationConstraint></CreateBucketConfiguration>"
        );
        let (status, text) = self
            .request("PUT", &format!("/{bucket}"), &body)
            .expect("moto answers");
        assert!(status.contains(" 200"), "create bucket: {status} {text}");
    }

    pub fn list_objects(&self, bucket: &str) -> String {
        self.request("GET", &format!("/{bucket}?list-type=2"), "")
            .expect("moto answers")
            .1
    }

    /// archgen with the environment pointed at this moto.
    pub fn archgen(&self, project: &Path) -> Command {
        archgen_at(&self.endpoint(), project)
    }

    /// Runs archgen with `args` in `project` against this server.
    pub fn run(&self, project: &Path, args: &[&str]) -> std::process::Output {
        self.archgen(project)
            .args(args)
            .output()
            .expect("archgen runs")
    }
}

/// Where scripts/test installs the tools (or ARCHGEN_TOOLS_BIN); a missing
/// tool fails the test rather than skipping it.
pub fn tools_bin() -> PathBuf {
    std::env::var_os("ARCHGEN_TOOLS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/venv/bin"))
}

/// archgen in `project`, with test credentials and `endpoint` as
/// AWS_ENDPOINT_URL, and nothing else from the caller's environment.
pub fn archgen_at(endpoint: &str, project: &Path) -> Command {
    let mut cmd = Command::cargo_bin("archgen").expect("archgen binary");
    cmd.current_dir(project)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", project)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", REGION)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .timeout(Duration::from_secs(120));
    cmd
}

/// A local endpoint that answers every request with one canned HTTP
/// response, or (with None) accepts connections and never answers: the
/// failures moto cannot produce on demand.
pub struct Stub {
    pub port: u16,
}

impl Stub {
    pub fn start(response: Option<String>) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("bound").port();
        std::thread::spawn(move || {
            let mut silent = Vec::new();
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                match &response {
                    // Keep the connection open and say nothing.
                    None => silent.push(conn),
                    Some(text) => {
                        read_request(&mut conn);
                        let _ = conn.write_all(text.as_bytes());
                    }
                }
            }
        });
        Stub { port }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Reads one request (headers and Content-Length body) so the answer does
/// not race the client's write.
fn read_request(conn: &mut TcpStream) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let Ok(n) = conn.read(&mut chunk) else { return };
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some((head, _)) = text.split_once("\r\n\r\n") {
            let end = head.len();
            let length = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return;
            }
        }
    }
}

/// An HTTP response with `status` (e.g. "400 Bad Request") and `body`.
pub fn http_response(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// CloudFormation's error document (the query protocol's).
pub fn cfn_error(status: &str, code: &str, message: &str) -> String {
    http_response(
        status,
        "text/xml",
        &format!(
            "<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>0d4f4d2e-1c1a-4b1e-9a54-7f1f0c5b7e21</RequestId></ErrorResponse>"
        ),
    )
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A project with one network stack using only types moto models, in the
/// zones moto's `Fn::GetAZs ""` gives. `extra_tiers` lines go under `tiers:`.
pub fn project(extra_tiers: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write_stack(dir.path(), extra_tiers);
    dir
}

pub fn write_stack(dir: &Path, extra_tiers: &str) {
    std::fs::create_dir_all(dir.join("stacks")).expect("stacks dir");
    let yaml = format!(
        "app: demo
region: {REGION}
network:
  cidr: 10.0.0.0/16
  zones: 2
  tiers:
    public: {{ type: public, cidrs: [10.0.1.0/24, 10.0.2.0/24] }}
{extra_tiers}
  nat: none
  restrict_default_security_group: false
  flow_logs: {{ enabled: false }}
environments:
  staging: {{}}
"
    );
    std::fs::write(dir.join("stacks/main.yaml"), yaml).expect("write spec");
}

pub const STACK: &str = "demo-staging-main";

pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
