//! Operating the database: migrate, an online backup while the site runs, readiness.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use tidings_demo::DemoOutlets;
use tidings_testkit::{free_port, http};

use crate::support::{BIN, Server, Worker, stdout, tidings};

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_taken_while_serving_opens_with_everything_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let migrated = tidings(&data, &["migrate"]);
    assert!(stdout(&migrated).contains("schema version 14"), "{}", stdout(&migrated));
    // OPML import follows an outlet without fetching it.
    let opml = dir.path().join("one.opml");
    std::fs::write(
        &opml,
        "<opml version=\"2.0\"><body><outline text=\"Example News\" xmlUrl=\"https://feeds.example/news.xml\"/></body></opml>",
    )
    .unwrap();
    let imported = tidings(&data, &["import", opml.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));

    let port = free_port();
    let server = Server::spawn(&["serve", "--listen", &format!("127.0.0.1:{port}"), "--data", data.to_str().unwrap()]);
    let ready = http().get(format!("{}/readyz", server.url)).send().await.unwrap();
    assert_eq!(ready.status(), 200);

    let copy = dir.path().join("backup.db");
    let backup = tidings(&data, &["backup", copy.to_str().unwrap()]);
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    let again = tidings(&data, &["backup", copy.to_str().unwrap()]);
    assert!(!again.status.success(), "a backup never overwrites a file");
    server.stop();

    // The copy is a working data folder of its own.
    let restored = dir.path().join("restored");
    std::fs::create_dir_all(&restored).unwrap();
    std::fs::copy(&copy, restored.join("tidings.db")).unwrap();
    let list = stdout(&tidings(&restored, &["outlets"]));
    assert!(list.contains("Example News"), "{list}");
}

#[test]
fn settings_come_from_a_file_and_variables_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let from_file = dir.path().join("from-file");
    let config = dir.path().join("tidings.toml");
    std::fs::write(&config, format!("data = {:?}\nhost_delay = 2.5\n", from_file.to_str().unwrap())).unwrap();
    let run = |args: &[&str], env: &[(&str, &std::path::Path)]| {
        let mut command = std::process::Command::new(BIN);
        command.args(args).env_remove("TIDINGS_DATABASE_URL").env_remove("TIDINGS_DATA");
        for (k, v) in env {
            command.env(k, v);
        }
        command.output().unwrap()
    };
    let migrated = run(&["--config", config.to_str().unwrap(), "migrate"], &[]);
    assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
    assert!(from_file.join("tidings.db").exists(), "the file's data folder was not used");

    let from_env = dir.path().join("from-env");
    let by_env = run(&["migrate"], &[("TIDINGS_CONFIG", &config), ("TIDINGS_DATA", &from_env)]);
    assert!(by_env.status.success(), "{}", String::from_utf8_lossy(&by_env.stderr));
    assert!(from_env.join("tidings.db").exists(), "TIDINGS_DATA did not override the file");

    std::fs::write(&config, "data = \"x\"\nhost_dely = 2\n").unwrap();
    let typo = run(&["--config", config.to_str().unwrap(), "migrate"], &[]);
    assert_eq!(typo.status.code(), Some(2));
    let err = String::from_utf8_lossy(&typo.stderr);
    assert!(err.contains("host_dely") && err.contains("not an option"), "{err}");
}

/// `psql URL -c SQL`, its output trimmed.
fn psql(url: &str, sql: &str) -> String {
    let out = std::process::Command::new("psql").args([url, "-Atqc", sql]).output().unwrap();
    assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
    stdout(&out).trim().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn three_workers_and_two_web_nodes_share_one_postgres_database_and_a_killed_workers_job_finishes_elsewhere() {
    let Some((admin, url)) = fresh_postgres("workers") else { return };
    let demo = DemoOutlets::start(Timestamp::now()).await.unwrap();
    // Answers take a while, as a distant server's do: requests sent without waiting for the
    // host's turn would overlap.
    demo.set_latency(Duration::from_millis(20));
    let dir = tempfile::tempdir().unwrap();
    let mut outlines = String::new();
    for (name, feed) in demo.feed_urls() {
        outlines.push_str(&format!("<outline text=\"{name}\" xmlUrl=\"{feed}\"/>\n"));
    }
    let opml = dir.path().join("subs.opml");
    std::fs::write(&opml, format!("<opml version=\"2.0\"><body>{outlines}</body></opml>")).unwrap();
    let data = dir.path().join("data");
    let imported = tidings(&data, &["import", opml.to_str().unwrap(), "--database", &url]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));

    let log = |n: usize| dir.path().join(format!("worker{n}.log"));
    let mut workers: Vec<Worker> = (0..3)
        .map(|n| {
            Worker::spawn(
                &[
                    "worker",
                    "--database",
                    &url,
                    "--data",
                    dir.path().join(format!("worker{n}")).to_str().unwrap(),
                    "--allow-private-networks",
                    "--host-delay",
                    "0",
                    // A killed worker's feeds come back at the others' next round, which gives
                    // back the leases of this machine's processes that are gone. The budget is
                    // generous: a feed that runs out of it leaves its other entries for five
                    // minutes, longer than this test waits, and on a busy CI machine a 10-s one
                    // ran out.
                    "--feed-budget",
                    "60",
                ],
                &log(n),
            )
        })
        .collect();
    let webs: Vec<Server> = (0..2)
        .map(|n| {
            Server::spawn(&[
                "web",
                "--listen",
                &format!("127.0.0.1:{}", free_port()),
                "--database",
                &url,
                "--data",
                dir.path().join(format!("web{n}")).to_str().unwrap(),
            ])
        })
        .collect();

    // kill -9 the first worker seen holding a feed, mid-job.
    let started = Instant::now();
    let victim = loop {
        let holders = psql(&url, "SELECT split_part(lease_holder, '@', 1) FROM feeds WHERE lease_holder IS NOT NULL");
        if let Some(n) = workers.iter().position(|w| holders.lines().any(|h| h == w.pid().to_string())) {
            break n;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no worker took a feed in 60 s");
        std::thread::sleep(Duration::from_millis(5));
    };
    let victim = workers.remove(victim);
    let pid = victim.pid();
    victim.kill();
    // Its feeds, and how many of their articles were stored when it died.
    let held = format!("SELECT id FROM feeds WHERE lease_holder LIKE '{pid}@%'");
    let at_kill = psql(
        &url,
        &format!(
            "SELECT COALESCE(string_agg(id::text, ','), ''), \
             (SELECT COUNT(*) FROM articles WHERE feed_id IN ({held})) FROM ({held}) h"
        ),
    );
    let (orphaned_ids, stored_then) = at_kill.split_once('|').unwrap();
    let (orphaned_ids, stored_then) = (orphaned_ids.to_string(), stored_then.parse::<usize>().unwrap());
    assert!(!orphaned_ids.is_empty(), "the worker was killed after its job, not during it");

    let expected = demo.catalog.articles.len();
    let placed = "SELECT COUNT(*) FROM articles WHERE placed_seq IS NOT NULL";
    while psql(&url, placed) != expected.to_string() {
        if started.elapsed() > Duration::from_secs(180) {
            let logs: Vec<String> = (0..3)
                .map(|n| {
                    let text = std::fs::read_to_string(log(n)).unwrap_or_default();
                    let tail: Vec<&str> = text.lines().rev().take(40).collect();
                    format!("worker {n}:\n{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"))
                })
                .collect();
            panic!(
                "the other workers did not finish the killed one's job in 180 s ({} placed of {} stored; feeds leased: {})\n{}",
                psql(&url, placed),
                psql(&url, "SELECT COUNT(*) FROM articles"),
                psql(&url, "SELECT COUNT(*) FROM feeds WHERE lease_holder IS NOT NULL"),
                logs.join("\n")
            );
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    assert_eq!(psql(&url, "SELECT COUNT(*) FROM articles"), expected.to_string(), "an article was stored twice");
    assert_eq!(demo.max_in_flight(), 1, "two requests to one host were under way at once");
    // The killed worker may have fetched pages of its feeds' articles that it had not stored
    // yet (a batch is stored when it is full, a second old, or the feed's end), which another
    // worker fetched again; no other page is fetched twice.
    let pages = demo.requests_served().1;
    let of_its_feeds: usize =
        psql(&url, &format!("SELECT COUNT(*) FROM articles WHERE feed_id IN ({orphaned_ids})")).parse().unwrap();
    let unstored = of_its_feeds - stored_then;
    assert!(
        pages <= expected + unstored,
        "{pages} article pages fetched for {expected} articles ({unstored} of the killed worker's feeds were unstored)"
    );

    // Every story tells one event, and no article is left out of the decisions.
    let event_of = |url: &str| {
        let slug = url.rsplit('/').next().unwrap();
        demo.catalog.articles.iter().find(|a| a.slug == slug).map(|a| a.event.clone()).unwrap()
    };
    let mut events: std::collections::HashMap<String, std::collections::BTreeSet<String>> = Default::default();
    for row in psql(&url, "SELECT story_id, url FROM articles WHERE story_id IS NOT NULL").lines() {
        let (story, article) = row.split_once('|').unwrap();
        events.entry(story.to_string()).or_default().insert(event_of(article));
    }
    assert!(events.len() >= 6, "the articles were hardly grouped: {events:?}");
    assert!(events.values().all(|e| e.len() == 1), "a story mixes events: {events:?}");
    assert_eq!(
        psql(
            &url,
            "SELECT COUNT(*) FROM stories WHERE id NOT IN (SELECT story_id FROM articles WHERE story_id IS NOT NULL)"
        ),
        "0"
    );

    for web in &webs {
        let front = http().get(format!("{}/", web.url)).send().await.unwrap().text().await.unwrap();
        assert!(front.contains("Top stories"), "a web node does not show what the workers stored");
        assert_eq!(http().get(format!("{}/readyz", web.url)).send().await.unwrap().status(), 200);
    }
    for worker in workers {
        assert!(worker.stop().success(), "a worker did not stop cleanly on SIGTERM");
    }
    for web in webs {
        assert!(web.stop().success(), "a web node did not stop cleanly on SIGTERM");
    }
    drop_postgres(&admin, &url);
}

/// A new empty PostgreSQL database's URL (dropped by [`drop_postgres`]), when the tests have a server.
pub(crate) fn fresh_postgres(purpose: &str) -> Option<(String, String)> {
    let Ok(admin) = std::env::var("TIDINGS_TEST_POSTGRES_URL") else {
        eprintln!("TIDINGS_TEST_POSTGRES_URL is not set: the PostgreSQL part of the {purpose} test did not run");
        return None;
    };
    let db = format!("tidings_{purpose}_{}", std::process::id());
    psql(&admin, &format!("DROP DATABASE IF EXISTS {db}"));
    psql(&admin, &format!("CREATE DATABASE {db}"));
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_path(&format!("/{db}"));
    Some((admin, url.to_string()))
}

pub(crate) fn drop_postgres(admin: &str, url: &str) {
    let db = url.rsplit('/').next().unwrap();
    psql(admin, &format!("DROP DATABASE {db} WITH (FORCE)"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_moves_everything_from_sqlite_to_postgres_and_back_unchanged() {
    let demo = DemoOutlets::start(Timestamp::now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for (_, feed) in demo.feed_urls() {
        let added = tidings(&data, &["add", &feed, "--allow-private-networks"]);
        assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    }
    let fetched = tidings(&data, &["fetch", "--once", "--allow-private-networks", "--host-delay", "0"]);
    assert!(stdout(&fetched).contains("60 new articles"), "{}", stdout(&fetched));
    let mut user = std::process::Command::new(BIN)
        .args(["user", "add", "editor", "--admin", "--password-stdin", "--data", data.to_str().unwrap()])
        .env_remove("TIDINGS_DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut user.stdin.take().unwrap(), b"correct horse battery\n").unwrap();
    assert!(user.wait().unwrap().success());

    let first = dir.path().join("first.jsonl");
    let exported = tidings(&data, &["export", "--output", first.to_str().unwrap()]);
    assert!(exported.status.success(), "{}", String::from_utf8_lossy(&exported.stderr));
    let err = String::from_utf8_lossy(&exported.stderr);
    assert!(err.contains("articles 60") && err.contains("users 1"), "{err}");
    let again = tidings(&data, &["export", "--output", first.to_str().unwrap()]);
    assert!(!again.status.success(), "an export never overwrites a file");

    // Into an empty database: PostgreSQL when the tests have it, else another SQLite file.
    let pg = fresh_postgres("export");
    let target = dir.path().join("target");
    let mut to = vec!["--data", target.to_str().unwrap()];
    if let Some((_, url)) = &pg {
        to.extend(["--database", url.as_str()]);
    }
    let run = |args: &[&str]| {
        std::process::Command::new(BIN).args(args).args(&to).env_remove("TIDINGS_DATABASE_URL").output().unwrap()
    };
    let imported = run(&["import", first.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let twice = run(&["import", first.to_str().unwrap()]);
    assert!(!twice.status.success(), "an import into a database that holds data is refused");
    assert!(String::from_utf8_lossy(&twice.stderr).contains("new, empty database"));

    // The same rows come back out, and the copy keeps working: new rows get new ids.
    let second = dir.path().join("second.jsonl");
    assert!(run(&["export", "--output", second.to_str().unwrap()]).status.success());
    let lines = |path: &std::path::Path| {
        let mut lines: Vec<String> = std::fs::read_to_string(path).unwrap().lines().map(str::to_string).collect();
        lines.sort();
        lines
    };
    assert_eq!(lines(&first), lines(&second), "the copy does not hold the same rows");
    let list = stdout(&run(&["outlets"]));
    assert!(list.contains("Meridian Wire") && list.lines().filter(|l| l.contains(" ok ")).count() == 6, "{list}");
    let mut user = std::process::Command::new(BIN)
        .args(["user", "add", "reader", "--password-stdin"])
        .args(&to)
        .env_remove("TIDINGS_DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut user.stdin.take().unwrap(), b"another long password\n").unwrap();
    let added = user.wait_with_output().unwrap();
    assert!(added.status.success(), "a new account after the import: {}", String::from_utf8_lossy(&added.stderr));
    let users = stdout(&run(&["user", "list"]));
    assert!(users.contains("editor") && users.contains("reader"), "{users}");
    if let Some((admin, url)) = pg {
        drop_postgres(&admin, &url);
    }
}
