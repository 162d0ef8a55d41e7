//! Running the binary.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_tidings");

/// Runs `tidings ARGS --data DATA` to completion.
pub(crate) fn tidings(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("TIDINGS_DATABASE_URL")
        .output()
        .unwrap_or_else(|e| panic!("could not run {BIN}: {e}"))
}

/// Runs `tidings ARGS --data DATA` with `input` on standard input.
pub(crate) fn tidings_with_input(data: &Path, args: &[&str], input: &str) -> std::process::Output {
    let mut child = Command::new(BIN)
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("TIDINGS_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A `tidings` process serving a site; stopped with SIGTERM when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) url: String,
}

impl Server {
    /// Spawns `tidings ARGS` and waits for its "serving at" line.
    pub(crate) fn spawn(args: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args(args)
            .env_remove("TIDINGS_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("could not run {BIN}: {e}"));
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("serving at ").nth(1) {
                    let _ = tx.send(rest.split_whitespace().next().unwrap_or_default().to_string());
                }
            }
        });
        let started = Instant::now();
        let url = rx.recv_timeout(Duration::from_secs(120)).unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("tidings did not start serving within {:?}", started.elapsed())
        });
        Server { child, url: url.trim_end_matches('/').to_string() }
    }

    /// Its process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops it with SIGTERM and waits, as an operator's service manager would.
    pub(crate) fn stop(mut self) -> std::process::ExitStatus {
        terminate(&mut self.child)
    }
}

/// Sends SIGTERM, as an operator's service manager would, and waits up to 20 s for the exit.
fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("tidings did not stop within 20 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `tidings serve` on a free loopback port over `data`, allowed to fetch outlets on loopback
/// without waiting between requests.
pub(crate) fn serve_loopback(data: &Path) -> Server {
    let listen = format!("127.0.0.1:{}", tidings_testkit::free_port());
    let data = data.to_str().unwrap();
    Server::spawn(&["serve", "--listen", &listen, "--data", data, "--allow-private-networks", "--host-delay", "0"])
}

/// A `tidings` process that serves nothing (a worker); killed when dropped.
pub(crate) struct Worker {
    child: Child,
}

impl Worker {
    /// Spawns `tidings ARGS`, its log written to `log`.
    pub(crate) fn spawn(args: &[&str], log: &Path) -> Worker {
        let log = std::fs::File::create(log).unwrap_or_else(|e| panic!("could not write {}: {e}", log.display()));
        let child = Command::new(BIN)
            .args(args)
            .env_remove("TIDINGS_DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("could not run {BIN}: {e}"));
        Worker { child }
    }

    /// Stops it with SIGTERM and waits.
    pub(crate) fn stop(mut self) -> std::process::ExitStatus {
        terminate(&mut self.child)
    }

    /// Its process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills it with SIGKILL, as a crash or the out-of-memory killer would: it cleans nothing up.
    pub(crate) fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A data folder under `dir` that follows every demo outlet (imported from OPML, nothing
/// fetched yet).
pub(crate) fn following_demo(demo: &tidings_demo::DemoOutlets, dir: &Path) -> std::path::PathBuf {
    let outlines: String =
        demo.feed_urls().iter().map(|(name, feed)| format!("<outline text=\"{name}\" xmlUrl=\"{feed}\"/>\n")).collect();
    let opml = dir.join("subs.opml");
    std::fs::write(&opml, format!("<opml version=\"2.0\"><body>{outlines}</body></opml>")).unwrap();
    let data = dir.join("data");
    let imported = tidings(&data, &["import", opml.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    data
}
