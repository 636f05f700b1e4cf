//! Just enough of the Docker Engine API, spoken directly over the engine's socket, for what
//! must work without testcontainers: asking whether an engine answers (and speaks the API
//! version testcontainers needs), and removing planproof's containers by label from the
//! Ctrl-C handler, where no async runtime may be started. Starting containers and waiting for
//! them is testcontainers' business (`docker.rs`).
//!
//! The engine is the one testcontainers uses: `DOCKER_HOST` (`unix://` or `tcp://`), else
//! `/var/run/docker.sock`. Requests are HTTP/1.0 without a version prefix, which every engine
//! answers in its own version.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

/// The Engine API version testcontainers 0.27 (bollard 0.20) sends with every request.
pub const CLIENT_API_VERSION: &str = "1.52";

const TIMEOUT: Duration = Duration::from_secs(10);

/// Where the engine listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Unix(PathBuf),
    Tcp(String),
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Unix(path) => write!(f, "unix://{}", path.display()),
            Endpoint::Tcp(addr) => write!(f, "tcp://{addr}"),
        }
    }
}

/// Why no usable engine answers, in words for a one-line message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unusable {
    pub endpoint: String,
    pub reason: String,
}

impl Endpoint {
    /// The endpoint `DOCKER_HOST` names, else the default socket.
    pub fn from_env() -> Result<Endpoint, Unusable> {
        Self::parse(std::env::var("DOCKER_HOST").ok().filter(|h| !h.trim().is_empty()).as_deref())
    }

    fn parse(docker_host: Option<&str>) -> Result<Endpoint, Unusable> {
        match docker_host {
            None => Ok(Endpoint::Unix(PathBuf::from("/var/run/docker.sock"))),
            Some(host) => {
                if let Some(path) = host.strip_prefix("unix://") {
                    Ok(Endpoint::Unix(PathBuf::from(path)))
                } else if let Some(addr) = host.strip_prefix("tcp://").or_else(|| host.strip_prefix("http://")) {
                    Ok(Endpoint::Tcp(addr.trim_end_matches('/').to_string()))
                } else {
                    Err(Unusable {
                        endpoint: host.to_string(),
                        reason: "planproof reaches engines through `unix://` or `tcp://` addresses only".into(),
                    })
                }
            }
        }
    }

    /// Sends one request and returns the status code and body.
    pub fn request(&self, method: &str, path: &str) -> std::io::Result<(u16, String)> {
        let head = format!("{method} {path} HTTP/1.0\r\nHost: docker\r\nContent-Length: 0\r\n\r\n");
        let mut raw = Vec::new();
        match self {
            Endpoint::Unix(socket) => {
                let mut stream = UnixStream::connect(socket)?;
                stream.set_read_timeout(Some(TIMEOUT))?;
                stream.set_write_timeout(Some(TIMEOUT))?;
                stream.write_all(head.as_bytes())?;
                stream.read_to_end(&mut raw)?;
            }
            Endpoint::Tcp(addr) => {
                use std::net::ToSocketAddrs;
                let target = addr.to_socket_addrs()?.next().ok_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::NotFound, format!("`{addr}` resolves to nothing"))
                })?;
                let mut stream = std::net::TcpStream::connect_timeout(&target, TIMEOUT)?;
                stream.set_read_timeout(Some(TIMEOUT))?;
                stream.write_all(head.as_bytes())?;
                stream.read_to_end(&mut raw)?;
            }
        }
        parse_response(&raw)
    }

    /// Answers `Ok` when an engine answers here and accepts the API version testcontainers
    /// speaks.
    pub fn probe(&self) -> Result<(), Unusable> {
        let unusable = |reason: String| Unusable { endpoint: self.to_string(), reason };
        let (status, _) = self.request("GET", "/_ping").map_err(|e| unusable(e.to_string()))?;
        if status != 200 {
            return Err(unusable(format!("`GET /_ping` answered HTTP {status}")));
        }
        let (status, body) =
            self.request("GET", &format!("/v{CLIENT_API_VERSION}/_ping")).map_err(|e| unusable(e.to_string()))?;
        if status == 200 {
            return Ok(());
        }
        let engine_api = self
            .request("GET", "/version")
            .ok()
            .and_then(|(_, body)| serde_json::from_str::<serde_json::Value>(&body).ok())
            .and_then(|v| v.get("ApiVersion").and_then(|a| a.as_str()).map(str::to_string))
            .unwrap_or_else(|| "unknown".into());
        Err(unusable(format!(
            "the engine speaks API {engine_api}, older than the {CLIENT_API_VERSION} testcontainers needs \
             (expected Docker 29+ or Podman; harness/docker/start-engine.sh puts an adapter in front of an older engine): {}",
            message_of(&body)
        )))
    }

    /// IDs of the containers (running or not) that carry `label` (`key` or `key=value`).
    pub fn containers_labelled(&self, label: &str) -> std::io::Result<Vec<String>> {
        Ok(self.labelled_containers(label)?.into_iter().map(|c| c.id).collect())
    }

    /// The containers (running or not) that carry `label`, with their names, states and labels.
    pub fn labelled_containers(&self, label: &str) -> std::io::Result<Vec<Labelled>> {
        let filters = format!("{{\"label\":[{}]}}", serde_json::Value::String(label.to_string()));
        let (status, body) =
            self.request("GET", &format!("/containers/json?all=1&filters={}", percent_encode(&filters)))?;
        if status != 200 {
            return Err(std::io::Error::other(format!(
                "listing containers answered HTTP {status}: {}",
                message_of(&body)
            )));
        }
        let list: serde_json::Value = serde_json::from_str(&body).map_err(std::io::Error::other)?;
        Ok(list.as_array().into_iter().flatten().filter_map(Labelled::from_json).collect())
    }

    /// Removes a container and its anonymous volumes, running or not. A container that is
    /// already gone is not an error.
    pub fn remove_container(&self, id: &str) -> std::io::Result<()> {
        let (status, body) = self.request("DELETE", &format!("/containers/{}?force=1&v=1", percent_encode(id)))?;
        match status {
            200..=299 | 404 => Ok(()),
            // 409: removal already in progress (testcontainers' own drop racing this one).
            409 => Ok(()),
            _ => Err(std::io::Error::other(format!(
                "removing container `{id}` answered HTTP {status}: {}",
                message_of(&body)
            ))),
        }
    }

    /// Removes every container that carries `label`; returns how many there were.
    pub fn remove_labelled(&self, label: &str) -> std::io::Result<usize> {
        let ids = self.containers_labelled(label)?;
        for id in &ids {
            self.remove_container(id)?;
        }
        Ok(ids.len())
    }

    /// Whether an image `name:tag` is on the engine.
    pub fn has_image(&self, reference: &str) -> bool {
        matches!(self.request("GET", &format!("/images/{}/json", percent_encode(reference))), Ok((200, _)))
    }
}

/// A container as `GET /containers/json` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    pub id: String,
    /// Its name without the leading `/`, else its id.
    pub name: String,
    /// `created`, `running`, `exited`…
    pub state: String,
    pub labels: std::collections::BTreeMap<String, String>,
}

impl Labelled {
    fn from_json(c: &serde_json::Value) -> Option<Labelled> {
        let id = c.get("Id")?.as_str()?.to_string();
        let name = c
            .get("Names")
            .and_then(|n| n.as_array())
            .and_then(|n| n.first())
            .and_then(|n| n.as_str())
            .map_or_else(|| id.clone(), |n| n.trim_start_matches('/').to_string());
        let state = c.get("State").and_then(|s| s.as_str()).unwrap_or("unknown").to_string();
        let labels = c
            .get("Labels")
            .and_then(|l| l.as_object())
            .map(|l| l.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
            .unwrap_or_default();
        Some(Labelled { id, name, state, labels })
    }
}

/// The `message` of an engine's JSON error body, else the body itself.
fn message_of(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_string))
        .unwrap_or_else(|| body.trim().chars().take(200).collect())
}

fn parse_response(raw: &[u8]) -> std::io::Result<(u16, String)> {
    let text = String::from_utf8_lossy(raw);
    let bad = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not an HTTP response: `{}`", text.chars().take(60).collect::<String>()),
        )
    };
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(bad)?;
    let status = head
        .lines()
        .next()
        .filter(|l| l.starts_with("HTTP/"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(bad)?;
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    Ok((status, if chunked { dechunk(body) } else { body.to_string() }))
}

/// The body of a chunked response (an engine may answer HTTP/1.0 that way behind a proxy).
fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16) else { break };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].strip_prefix("\r\n").unwrap_or(&rest[size..]);
    }
    out
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::default(None, Ok(Endpoint::Unix("/var/run/docker.sock".into())))]
    #[case::podman_socket(Some("unix:///run/user/1000/podman/podman.sock"), Ok(Endpoint::Unix("/run/user/1000/podman/podman.sock".into())))]
    #[case::tcp(Some("tcp://127.0.0.1:2375"), Ok(Endpoint::Tcp("127.0.0.1:2375".into())))]
    fn docker_host_names_the_endpoint(#[case] host: Option<&str>, #[case] expected: Result<Endpoint, ()>) {
        assert_eq!(Endpoint::parse(host).map_err(|_| ()), expected);
    }

    #[test]
    fn ssh_docker_host_is_refused_with_a_reason() {
        let err = Endpoint::parse(Some("ssh://me@build-box")).unwrap_err();
        assert_eq!(err.endpoint, "ssh://me@build-box");
        assert!(err.reason.contains("`unix://` or `tcp://`"), "{}", err.reason);
    }

    #[test]
    fn reads_status_and_body() {
        let raw = b"HTTP/1.0 400 Bad Request\r\nContent-Type: application/json\r\n\r\n{\"message\":\"client version 1.52 is too new. Maximum supported API version is 1.41\"}\n";
        let (status, body) = parse_response(raw).unwrap();
        assert_eq!(status, 400);
        assert_eq!(message_of(&body), "client version 1.52 is too new. Maximum supported API version is 1.41");
    }

    #[test]
    fn reads_chunked_bodies() {
        let raw =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n[{\"I\r\n5\r\nd\":1}\r\n1\r\n]\r\n0\r\n\r\n";
        assert_eq!(parse_response(raw).unwrap(), (200, "[{\"Id\":1}]".to_string()));
    }

    #[test]
    fn rejects_what_is_not_http() {
        assert!(parse_response(b"SSH-2.0-OpenSSH\r\n").is_err());
    }

    #[test]
    fn reads_a_listed_container_with_its_labels() {
        let listed: serde_json::Value = serde_json::from_str(
            r#"{"Id":"abc","Names":["/planproof-pg17-1"],"State":"created","Labels":{"planproof":"1","planproof.pid":"42"}}"#,
        )
        .unwrap();
        let c = Labelled::from_json(&listed).unwrap();
        assert_eq!((c.id.as_str(), c.name.as_str(), c.state.as_str()), ("abc", "planproof-pg17-1", "created"));
        assert_eq!(c.labels.get("planproof.pid").map(String::as_str), Some("42"));
    }

    #[test]
    fn label_filters_are_url_encoded() {
        assert_eq!(
            percent_encode("{\"label\":[\"planproof.run=1 2\"]}"),
            "%7B%22label%22:%5B%22planproof.run%3D1%202%22%5D%7D"
        );
    }
}
