//! Reader apps against a running `tidings serve` on loopback: the Google Reader API through
//! Miniflux's Python client (`google-reader`) and the Fever API through `freshrss-api`, both
//! from PyPI in the venv `scripts/install-test-deps.sh` makes, plus the web page showing what
//! the apps did (`tests/it/reader_clients.py` holds the checks); then Schemathesis checks the
//! REST API against its OpenAPI document.

use std::path::{Path, PathBuf};
use std::process::Command;

use jiff::{SignedDuration, Timestamp};
use tidings_core::ExtractionStatus;
use tidings_store::{NewArticle, NewOutlet, Store};
use tidings_testkit::free_port;

use crate::support::{Server, stdout, tidings_with_input};

/// More than one page of 1,000 item ids.
const BULK: usize = 1_200;

fn article(outlet: &tidings_store::OutletHealth, n: usize, title: &str, at: Timestamp) -> NewArticle {
    NewArticle {
        outlet_id: outlet.outlet.id,
        feed_id: Some(outlet.feed.id),
        guid: Some(format!("{}-{n}", outlet.outlet.id)),
        url: format!("https://{}.example/news/{n}", outlet.outlet.name.to_lowercase().replace(' ', "-")),
        canonical_url: format!("https://{}.example/news/{n}", outlet.outlet.id),
        title: title.to_string(),
        authors: vec!["Ada Byrne".to_string()],
        published_at: Some(at),
        updated_at: None,
        fetched_at: at,
        content_html: format!("<p>{title}: the full report.</p>"),
        content_text: format!("{title}: the full report."),
        excerpt: title.to_string(),
        lang: Some("en".to_string()),
        extraction: ExtractionStatus::FeedOnly,
        extraction_note: None,
        copy_print: None,
        lead_image: None,
    }
}

/// Two outlets, `BULK` articles of one, one of the other, and a story both covered.
async fn fill(data: &Path) {
    let store = Store::connect(&format!("sqlite://{}", data.join("tidings.db").display())).await.unwrap();
    let now = Timestamp::now();
    let outlet = |name: &str| NewOutlet {
        name: name.to_string(),
        site_url: Some(format!("https://{}.example/", name.to_lowercase().replace(' ', "-"))),
        category: Some("Bulk".to_string()).filter(|_| name == "Bulk Wire"),
        full_text: false,
    };
    let bulk = store.add_outlet(&outlet("Bulk Wire"), "https://bulk-wire.invalid/feed.xml", now).await.unwrap();
    let harbour =
        store.add_outlet(&outlet("Harbour Post"), "https://harbour-post.invalid/feed.xml", now).await.unwrap();
    let start = now - SignedDuration::from_hours(30);
    let first = store.insert_article(&article(&bulk, 0, "Harbour bridge reopens", start)).await.unwrap().unwrap();
    for n in 1..BULK {
        let at = start + SignedDuration::from_secs(n as i64);
        store.insert_article(&article(&bulk, n, &format!("Bulletin number {n}"), at)).await.unwrap();
    }
    let later = start + SignedDuration::from_hours(2);
    let other = store.insert_article(&article(&harbour, 0, "Bridge open again after repairs", later)).await.unwrap();
    store.attach_story(first, other.unwrap(), now).await.unwrap();
    store.close().await;
}

/// The venv's Python, made by `scripts/install-test-deps.sh` beside the build.
fn venv_python() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().to_path_buf();
    let python = target.join("test-venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/install-test-deps.sh (with the same CARGO_TARGET_DIR) to install the reader API clients",
        python.display()
    );
    python
}

#[tokio::test(flavor = "multi_thread")]
async fn reader_apps_log_in_page_through_read_star_and_mark_all_as_read() {
    let python = venv_python();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let password = "correct horse battery";
    let made = tidings_with_input(data, &["user", "add", "kim", "--password-stdin"], &format!("{password}\n"));
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    fill(data).await;
    let fever = tidings_with_input(data, &["token", "fever", "kim", "--password-stdin"], &format!("{password}\n"));
    assert!(fever.status.success(), "{}", String::from_utf8_lossy(&fever.stderr));
    let wrong = tidings_with_input(data, &["token", "fever", "kim", "--password-stdin"], "not it\n");
    assert!(!wrong.status.success(), "Fever is turned on with the account's password only");

    let listen = format!("127.0.0.1:{}", free_port());
    let data_arg = data.to_string_lossy().into_owned();
    let server = Server::spawn(&["serve", "--listen", &listen, "--data", &data_arg]);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/reader_clients.py");
    let run = Command::new(&python)
        .arg(&script)
        .args([server.url.as_str(), "kim", password, &BULK.to_string()])
        .output()
        .unwrap();
    println!("{}", stdout(&run));
    assert!(
        run.status.success(),
        "the reader clients failed:\n{}\n{}",
        stdout(&run),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout(&run).contains(" passed, 0 failed"));

    // The REST API against its own OpenAPI document: no 5xx, every answer as documented.
    let made = tidings_with_input(data, &["token", "add", "kim", "--name", "schemathesis"], "");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let token = stdout(&made).trim().to_string();
    let st = python.with_file_name("st");
    let checks = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance";
    let api = format!("{}/api/v1", server.url);
    let run = Command::new(&st)
        .args(["run", &format!("{api}/openapi.json"), "--url", &api, "--checks", checks, "--max-examples", "10"])
        .args(["--seed", "1", "-H", &format!("Authorization: Bearer {token}")])
        .output()
        .unwrap();
    assert!(run.status.success(), "schemathesis found problems:\n{}", stdout(&run));
    server.stop();
}

/// A program the newsboat test needs, or `None` (with a loud message) on a machine where
/// nobody can install it; as root, a missing one fails the test.
fn installed(program: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|dir| dir.join(program)).find(|p| p.is_file()));
    if found.is_none() {
        let root = Command::new("id").arg("-u").output().is_ok_and(|o| stdout(&o).trim() == "0");
        assert!(!root, "{program} is missing: run scripts/install-test-deps.sh, which installs Debian's");
        eprintln!(
            "\n\n*** SKIPPED: {program} is not installed and this user cannot install it; the newsboat \
             reader test did not run (scripts/install-test-deps.sh as root installs it) ***\n\n"
        );
    }
    found
}

/// What newsboat's cache holds: `(feed title, article title, guid, unread)` of every article.
fn newsboat_cache(python: &Path, cache: &Path) -> Vec<(String, String, String, bool)> {
    let script = "import json, sqlite3, sys\n\
                  db = sqlite3.connect(sys.argv[1])\n\
                  rows = db.execute('SELECT f.title, i.title, i.guid, i.unread FROM rss_item i \
                  JOIN rss_feed f ON f.rssurl = i.feedurl ORDER BY i.title').fetchall()\n\
                  print(json.dumps(rows))";
    let out = Command::new(python).arg("-c").arg(script).arg(cache).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<(String, String, String, i64)> = serde_json::from_str(&stdout(&out)).unwrap();
    rows.into_iter().map(|(feed, title, guid, unread)| (feed, title, guid, unread == 1)).collect()
}

/// The article a long item id names.
fn article_of(guid: &str) -> i64 {
    let hex = guid.strip_prefix("tag:google.com,2005:reader/item/").unwrap_or_else(|| panic!("{guid} is no item id"));
    i64::from_str_radix(hex, 16).unwrap()
}

/// What a tmux pane shows, once it shows `wanted` (within 30 s).
fn pane_showing(socket: &str, wanted: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let pane = Command::new("tmux").args(["-L", socket, "capture-pane", "-p", "-t", "newsboat"]).output().unwrap();
        let shown = stdout(&pane);
        if shown.contains(wanted) {
            return shown;
        }
        assert!(started.elapsed().as_secs() < 30, "newsboat never showed {wanted:?}; it shows:\n{shown}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// A tmux server of the test's own; stopped with whatever runs in it when dropped.
struct Tmux {
    socket: String,
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).output();
    }
}

fn keys(socket: &str, key: &str) {
    let sent = Command::new("tmux").args(["-L", socket, "send-keys", "-t", "newsboat", key]).status().unwrap();
    assert!(sent.success());
}

/// Two outlets for newsboat: Bulk Wire with three articles, Harbour Post with two, one of
/// which the reader has already read on the site.
async fn fill_for_newsboat(data: &Path, reader: &str) {
    let store = Store::connect(&format!("sqlite://{}", data.join("tidings.db").display())).await.unwrap();
    let now = Timestamp::now();
    let outlet = |name: &str| NewOutlet {
        name: name.to_string(),
        site_url: Some(format!("https://{}.example/", name.to_lowercase().replace(' ', "-"))),
        category: None,
        full_text: false,
    };
    let bulk = store.add_outlet(&outlet("Bulk Wire"), "https://bulk-wire.invalid/feed.xml", now).await.unwrap();
    let harbour =
        store.add_outlet(&outlet("Harbour Post"), "https://harbour-post.invalid/feed.xml", now).await.unwrap();
    let start = now - SignedDuration::from_hours(3);
    for (n, title) in
        ["Ferry timetable changes", "Council <votes> on \"budget\" & parks", "Library reopens"].into_iter().enumerate()
    {
        let at = start + SignedDuration::from_mins(n as i64);
        store.insert_article(&article(&bulk, n, title, at)).await.unwrap();
    }
    store.insert_article(&article(&harbour, 0, "Bridge open again after repairs", start)).await.unwrap();
    let read = store.insert_article(&article(&harbour, 1, "Harbour fair draws crowds", start)).await.unwrap();
    let user = store.user_by_name(reader).await.unwrap().unwrap();
    store.set_read(user.id, &[read.unwrap()], true, now).await.unwrap();
    store.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn newsboat_logs_in_downloads_the_outlets_and_its_read_mark_shows_on_the_site() {
    let (Some(newsboat), Some(_)) = (installed("newsboat"), installed("tmux")) else { return };
    let python = venv_python();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let password = "correct horse \"battery\"";
    let made = tidings_with_input(&data, &["user", "add", "kim", "--password-stdin"], &format!("{password}\n"));
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    fill_for_newsboat(&data, "kim").await;
    let listen = format!("127.0.0.1:{}", free_port());
    let server = Server::spawn(&["serve", "--listen", &listen, "--data", data.to_str().unwrap()]);

    // newsboat's Google Reader source as its manual sets it up, pointed at Tidings.
    let home = dir.path().join("newsboat");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join("urls"), "").unwrap();
    std::fs::write(home.join("password"), password).unwrap();
    let config = format!(
        "urls-source \"feedhq\"\nfeedhq-url \"{}/api/greader.php\"\nfeedhq-login \"kim\"\n\
         feedhq-passwordfile \"{}\"\nfeedhq-show-special-feeds no\n",
        server.url,
        home.join("password").display()
    );
    std::fs::write(home.join("config"), config).unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(&newsboat)
            .args(["-u", "urls", "-C", "config", "-c", "cache.db"])
            .args(args)
            .current_dir(&home)
            .env("HOME", &home)
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "newsboat {args:?} failed:\n{}{}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        );
        stdout(&out)
    };

    // It logs in, lists the outlets and downloads their articles with the reader's state.
    run(&["-x", "reload"]);
    assert_eq!(run(&["-x", "print-unread"]).trim(), "4 unread articles", "the article read on the site stays read");
    let cache = newsboat_cache(&python, &home.join("cache.db"));
    let seen: Vec<(&str, &str, bool)> = cache.iter().map(|(f, t, _, u)| (f.as_str(), t.as_str(), *u)).collect();
    assert_eq!(
        seen,
        [
            ("Harbour Post", "Bridge open again after repairs", true),
            ("Bulk Wire", "Council <votes> on \"budget\" & parks", true),
            ("Bulk Wire", "Ferry timetable changes", true),
            ("Harbour Post", "Harbour fair draws crowds", false),
            ("Bulk Wire", "Library reopens", true),
        ]
    );

    // In its terminal interface: the first outlet, its first article opened (which marks it
    // read), then out again.
    let socket = format!("tidings-newsboat-{}", std::process::id());
    let _tmux = Tmux { socket: socket.clone() };
    let started = Command::new("tmux")
        .args(["-L", &socket, "new-session", "-d", "-s", "newsboat", "-x", "200", "-y", "50", "-c"])
        .arg(&home)
        .arg("-e")
        .arg(format!("HOME={}", home.display()))
        .arg(format!("{} -u urls -C config -c cache.db", newsboat.display()))
        .status()
        .unwrap();
    assert!(started.success());
    pane_showing(&socket, "Your feeds");
    keys(&socket, "Enter");
    pane_showing(&socket, "Articles in feed");
    keys(&socket, "Enter");
    let shown = pane_showing(&socket, "Article '");
    let opened = shown.split("Article '").nth(1).and_then(|s| s.split("' (").next()).unwrap().to_string();
    for _ in 0..3 {
        keys(&socket, "q");
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    let gone = std::time::Instant::now();
    while Command::new("tmux").args(["-L", &socket, "has-session", "-t", "newsboat"]).output().unwrap().status.success()
    {
        assert!(gone.elapsed().as_secs() < 20, "newsboat did not quit");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }

    // The article opened in newsboat shows as read on the site, and the others as they were.
    let cache = newsboat_cache(&python, &home.join("cache.db"));
    let id_of = |title: &str| article_of(&cache.iter().find(|(_, t, _, _)| t == title).unwrap().2);
    assert!(!cache.iter().find(|(_, t, _, _)| *t == opened).unwrap().3, "newsboat keeps {opened:?} read");
    let client = tidings_testkit::http_no_redirects();
    let cookie = crate::accounts::log_in(&client, &server.url, "kim", password).await;
    let page = |id: i64| {
        let request = client.get(format!("{}/articles/{id}", server.url)).header("cookie", cookie.clone());
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    assert!(page(id_of(&opened)).await.contains("<span class=\"state\">Read</span>"), "{opened:?} read on the site");
    let other = ["Library reopens", "Ferry timetable changes"].into_iter().find(|t| *t != opened).unwrap();
    assert!(page(id_of(other)).await.contains("<span class=\"state\">Unread</span>"), "{other:?} still unread");
    assert!(page(id_of("Harbour fair draws crowds")).await.contains("<span class=\"state\">Read</span>"));
    server.stop();
}
