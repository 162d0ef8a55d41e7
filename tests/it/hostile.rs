//! The hostile corpus through the real binary: `feed parse` and `extract` on each case, and a
//! real `serve` following hostile outlets beside a good one. No panic, bounded memory and time,
//! every outlet's problem in words, and the site answering throughout.

use std::io::{Read, Write};
use std::process::Command;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tidings_demo::DemoOutlets;
use tidings_testkit::{HostileOutlets, free_port, hostile_feeds, http, nested_page};

use crate::support::{BIN, Server, stdout, tidings};

/// Peak memory allowed for one hostile input.
const MAX_RSS_KIB: u64 = 256 * 1024;

/// Runs `tidings ARGS` and returns (success, stdout + stderr, peak resident KiB, wall time),
/// reading the child's peak memory through Python's `resource` (getrusage of children).
fn measured(args: &[&str]) -> (bool, String, u64, Duration) {
    let script = "import resource, subprocess, sys\n\
                  p = subprocess.run(sys.argv[1:], capture_output=True)\n\
                  sys.stdout.buffer.write(p.stdout + p.stderr)\n\
                  sys.stdout.write('\\nRSS_KIB %d EXIT %d\\n' % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode))";
    let start = Instant::now();
    let out = Command::new("python3").arg("-c").arg(script).arg(BIN).args(args).output().unwrap();
    let elapsed = start.elapsed();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let tail = text.lines().last().unwrap_or_default().to_string();
    let mut words = tail.split_whitespace();
    let rss: u64 = words.nth(1).and_then(|w| w.parse().ok()).unwrap_or(u64::MAX);
    let code: i32 = words.nth(1).and_then(|w| w.parse().ok()).unwrap_or(-1);
    (code == 0, text, rss, elapsed)
}

#[test]
fn hostile_feeds_parse_in_bounded_memory_and_time_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in hostile_feeds() {
        let path = dir.path().join(format!("{name}.xml"));
        std::fs::write(&path, bytes).unwrap();
        let (ok, out, rss, took) = measured(&["feed", "parse", path.to_str().unwrap()]);
        assert!(!out.contains("panicked"), "{name}: {out}");
        assert!(ok, "{name} is a feed with problems, not an error: {out}");
        assert!(rss < MAX_RSS_KIB, "{name}: peak memory {rss} KiB");
        assert!(took < Duration::from_secs(30), "{name}: took {took:?}");
    }
}

#[test]
fn a_deeply_nested_page_is_refused_in_words_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.html");
    std::fs::write(&path, nested_page()).unwrap();
    let (ok, out, rss, took) = measured(&["extract", path.to_str().unwrap()]);
    assert!(!out.contains("panicked"), "{out}");
    assert!(!ok && out.contains("nested"), "{out}");
    assert!(rss < MAX_RSS_KIB, "peak memory {rss} KiB");
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

/// Peak resident memory of a running process, from /proc.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_follows_hostile_outlets_and_keeps_answering() {
    let hostile = HostileOutlets::start().await.unwrap();
    let demo = DemoOutlets::start(Timestamp::now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut outlines = String::new();
    for (name, url) in hostile.feed_urls() {
        outlines.push_str(&format!("<outline text=\"{name}\" xmlUrl=\"{url}\"/>\n"));
    }
    let (good_name, good_url) = demo.feed_urls().remove(0);
    outlines.push_str(&format!("<outline text=\"{good_name}\" xmlUrl=\"{good_url}\"/>\n"));
    let opml = dir.path().join("subs.opml");
    std::fs::write(&opml, format!("<opml version=\"2.0\"><body>{outlines}</body></opml>")).unwrap();
    let imported = tidings(&data, &["import", opml.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));

    let port = free_port().to_string();
    let started = Instant::now();
    let server = Server::spawn(&[
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data",
        data.to_str().unwrap(),
        "--allow-private-networks",
        "--host-delay",
        "0",
        "--fetch-timeout",
        "5",
        "--feed-budget",
        "8",
    ]);
    let client = http();

    // A client that sends half its headers and then nothing is let go, and does not block others.
    let mut slow = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();

    // The site answers while the round runs, and the round ends: the good outlet's articles appear.
    let mut slowest = Duration::ZERO;
    let mut good_in = None;
    while started.elapsed() < Duration::from_secs(60) {
        let asked = Instant::now();
        let health = client.get(format!("{}/healthz", server.url)).send().await.unwrap();
        assert_eq!(health.status(), 200);
        let front = client.get(format!("{}/", server.url)).send().await.unwrap().text().await.unwrap();
        slowest = slowest.max(asked.elapsed());
        if front.contains("/articles/") && good_in.is_none() {
            good_in = Some(started.elapsed());
        }
        let outlets = stdout(&tidings(&data, &["outlets"]));
        if good_in.is_some() && outlets.lines().filter(|l| l.contains("never")).count() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(good_in.is_some(), "the good outlet's articles never appeared");
    assert!(slowest < Duration::from_secs(2), "the site took {slowest:?} to answer during the round");

    // Every hostile outlet got an answer in words, none stopped the others.
    let outlets = stdout(&tidings(&data, &["outlets"]));
    assert!(!outlets.contains("never"), "some outlets were never fetched:\n{outlets}");
    let line = |name: &str| outlets.lines().find(|l| l.contains(name)).unwrap_or_default().to_string();
    assert!(line("dripping").contains("failing"), "{outlets}");
    assert!(line(&good_name).contains(" ok "), "{outlets}");
    assert!(line("nul-guid").contains(" ok "), "one bad entry must not fail the feed:\n{outlets}");

    // The javascript: site link never reaches a page: every page type, every link followed.
    let mut pages = vec!["/".to_string(), "/outlets".to_string()];
    let mut seen = std::collections::HashSet::new();
    while let Some(path) = pages.pop() {
        if !seen.insert(path.clone()) || seen.len() > 400 {
            continue;
        }
        let page = client.get(format!("{}{path}", server.url)).send().await.unwrap();
        assert_eq!(page.status(), 200, "{path}");
        let html = page.text().await.unwrap();
        assert!(!html.contains("javascript:"), "{path} renders a javascript: link");
        for kind in ["/outlets/", "/articles/", "/stories/"] {
            let marker = format!("href=\"{kind}");
            let links = html.split(&marker).skip(1).filter_map(|s| s.split('"').next());
            pages.extend(links.map(|id| format!("{kind}{id}")));
        }
    }
    assert!(seen.iter().any(|p| p.starts_with("/articles/")), "no article page was reached: {seen:?}");

    // The half-sent request was closed by the server by now.
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = Vec::new();
    let closed = slow.read_to_end(&mut buf);
    assert!(closed.is_ok(), "the connection sending partial headers is still open: {closed:?}");

    let rss = peak_rss_kib(server.pid());
    assert!(rss < MAX_RSS_KIB, "serve peaked at {rss} KiB");
    let status = server.stop();
    assert!(status.success(), "{status}");
}
