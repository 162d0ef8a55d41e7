//! Crash safety: the ingesting process is killed with SIGKILL at random moments, 200 times,
//! and restarted each time against local outlet servers. After each kill, every article the
//! engine reported stored is there exactly once, nothing stored before is gone, no story is
//! half-written and SQLite's `integrity_check` passes; the run ends with every article stored.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::Path as UrlPath;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::operations::{drop_postgres, fresh_postgres};
use crate::support::{BIN, tidings};

/// Kills per backend.
const KILLS: usize = 200;
/// Outlets, each with one feed of [`ITEMS`] articles.
const OUTLETS: usize = 10;
/// Articles per feed; article `k` of every outlet tells event `k`.
const ITEMS: usize = 30;

/// A small deterministic generator, so that a failing run can be repeated.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The invented name of event `k`: a town no other event shares.
fn town(k: usize) -> String {
    const A: [&str; 5] = ["Bran", "Cal", "Dun", "Fen", "Mor"];
    const B: [&str; 6] = ["wick", "ford", "holm", "stead", "mere", "combe"];
    format!("{}{}", A[k % 5], B[(k / 5) % 6])
}

async fn feed(UrlPath(outlet): UrlPath<usize>) -> impl IntoResponse {
    let items: String = (0..ITEMS)
        .map(|k| {
            format!(
                "<item><title>{} council votes on the {} ferry</title><link>/a/{outlet}/{k}</link><guid>o{outlet}-{k}</guid>\
                 <pubDate>Mon, 30 Nov 2026 {:02}:{:02}:00 GMT</pubDate></item>",
                town(k),
                town(k),
                k % 24,
                outlet
            )
        })
        .collect();
    (
        [(header::CONTENT_TYPE, "application/rss+xml")],
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Outlet {outlet}</title>\
             <link>/</link>{items}</channel></rss>"
        ),
    )
}

async fn page(UrlPath((outlet, k)): UrlPath<(usize, usize)>) -> impl IntoResponse {
    // Slow enough that kills land in the middle of the work.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let name = town(k);
    // Each outlet tells the event in its own words (so that no report is a republished copy of
    // another, which would be stored as a credit, not an article): every `{a|b|…}` takes the
    // alternative the outlet, the paragraph and the place pick.
    let paragraph = |n: usize| {
        let text = format!(
            "{{Members|Councillors|Elected members|Officials}} of the {name} council {{met|gathered|sat|convened}} \
             {{on the evening of|on the night of|for|ahead of}} the vote to {{settle|decide|determine|rule on}} the \
             {{future|fate|days}} of the {name} ferry, which {{has carried|has taken|has ferried|has moved}} \
             {{passengers|travellers|commuters|people}} {{across|over}} the estuary for {} years. \
             {{Outlet {outlet} reports|Our reporter counted|We understand|Organisers said}} that {} \
             {{residents|locals|people|townspeople}} {{came to|packed|filled|crowded into}} the hall, and that the \
             vote on the {name} crossing {{ended with|closed with|produced|brought}} a majority for \
             {{keeping|saving|retaining|preserving}} the service {{running|going|afloat|in operation}} through the \
             {{winter months|cold season|winter|dark months}} ahead.",
            40 + k,
            100 + n * 7 + k
        );
        let mut rng = Rng(0x5DEE_CE66_D1CE_4E5B
            ^ (outlet as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ (n as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9)
            ^ (k as u64 + 1).wrapping_mul(0x94D0_49BB_1331_11EB));
        let mut out = String::from("<p>");
        let mut rest = text.as_str();
        while let Some(open) = rest.find('{') {
            let close = open + rest[open..].find('}').unwrap();
            let choices: Vec<&str> = rest[open + 1..close].split('|').collect();
            out.push_str(&rest[..open]);
            out.push_str(choices[rng.below(choices.len() as u64) as usize]);
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out.push_str("</p>");
        out
    };
    let body: String = (0..4).map(paragraph).collect();
    axum::response::Html(format!(
        "<!doctype html><html lang=\"en\"><head><title>{name} council votes</title></head><body>\
         <nav><a href=\"/\">Home</a></nav><article><h1>{name} council votes on the {name} ferry</h1>{body}</article>\
         </body></html>"
    ))
}

/// The outlet servers, on a loopback port; returns the OPML that follows them.
async fn outlets() -> String {
    let app = axum::Router::new().route("/feed/{outlet}", get(feed)).route("/a/{outlet}/{k}", get(page));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let outlines: String =
        (0..OUTLETS).map(|o| format!("<outline text=\"Outlet {o}\" xmlUrl=\"http://{addr}/feed/{o}\"/>\n")).collect();
    format!("<opml version=\"2.0\"><body>{outlines}</body></opml>")
}

/// The store, read as the test checks it.
enum Db {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Db {
    async fn open(sqlite: &Path, postgres: Option<&str>) -> Db {
        match postgres {
            Some(url) => Db::Postgres(sqlx::PgPool::connect(url).await.unwrap()),
            None => {
                let options = sqlx::sqlite::SqliteConnectOptions::new().filename(sqlite);
                Db::Sqlite(sqlx::SqlitePool::connect_with(options).await.unwrap())
            }
        }
    }

    /// The first column of each row, as text.
    async fn strings(&self, sql: &'static str) -> Vec<String> {
        match self {
            Db::Sqlite(pool) => sqlx::query_scalar::<_, String>(sql).fetch_all(pool).await,
            Db::Postgres(pool) => sqlx::query_scalar::<_, String>(sql).fetch_all(pool).await,
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    async fn close(self) {
        match self {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// What must hold after any kill: the store's own checks, each article once, each stored
/// story whole. Returns the URLs of the stored articles.
async fn check_whole(db: &Db, after: &str) -> BTreeSet<String> {
    if let Db::Sqlite(_) = db {
        assert_eq!(db.strings("PRAGMA integrity_check").await, ["ok"], "{after}: integrity_check");
    }
    let urls = db.strings("SELECT url FROM articles").await;
    let stored: BTreeSet<String> = urls.iter().cloned().collect();
    assert_eq!(stored.len(), urls.len(), "{after}: an article is stored twice");
    let broken = db
        .strings(
            "SELECT CAST(s.id AS TEXT) FROM stories s WHERE \
               (SELECT COUNT(*) FROM articles a WHERE a.story_id = s.id) < 2 \
               OR NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = s.first_article_id AND a.story_id = s.id)",
        )
        .await;
    assert!(
        broken.is_empty(),
        "{after}: stories {broken:?} are half-written (fewer than two reports, or no first report)"
    );
    let dangling = db
        .strings(
            "SELECT CAST(a.id AS TEXT) FROM articles a \
             WHERE a.story_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = a.story_id)",
        )
        .await;
    assert!(dangling.is_empty(), "{after}: articles {dangling:?} belong to a story that is not stored");
    stored
}

/// Runs `tidings fetch` (until killed) and kills it with SIGKILL `wait` milliseconds after it
/// started fetching; returns the URLs it reported stored.
fn one_life(args: &[String], wait: u64, life: usize) -> BTreeSet<String> {
    let mut child = Command::new(BIN)
        .args(args)
        .args([
            "fetch",
            "--allow-private-networks",
            "--host-delay",
            "0",
            "--log",
            "warn,tidings=info,tidings_engine=debug",
        ])
        .env_remove("TIDINGS_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not run {BIN}: {e}"));
    let stderr = child.stderr.take().unwrap();
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    let (started_tx, started) = std::sync::mpsc::channel();
    let reader = {
        let acknowledged = acknowledged.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("fetching due outlets") {
                    let _ = started_tx.send(());
                }
                if line.contains(" stored ")
                    && let Some(url) = line.split("url=").nth(1).and_then(|u| u.split_whitespace().next())
                {
                    acknowledged.lock().unwrap().insert(url.trim_matches('"').to_string());
                }
            }
        })
    };
    started
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("life {life}: tidings fetch did not start within 60 s"));
    std::thread::sleep(Duration::from_millis(wait));
    child.kill().unwrap();
    child.wait().unwrap();
    reader.join().unwrap();
    Arc::try_unwrap(acknowledged).unwrap().into_inner().unwrap()
}

async fn killed_again_and_again(postgres: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let opml = dir.path().join("outlets.opml");
    std::fs::write(&opml, outlets().await).unwrap();
    let with_database = |args: &[&str]| -> Vec<String> {
        let database = postgres.map(|url| ["--database", url]);
        args.iter().chain(database.iter().flatten()).map(|a| a.to_string()).collect()
    };
    let run = |args: &[&str]| {
        let args = with_database(args);
        tidings(&data, &args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let imported = run(&["import", opml.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let life_args = with_database(&["--data", data.to_str().unwrap()]);

    let sqlite = data.join("tidings.db");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut kept = BTreeSet::new();
    let mut interrupted = 0;
    let started = Instant::now();
    for life in 1..=KILLS {
        let (args, wait) = (life_args.clone(), rng.below(700));
        let acknowledged = tokio::task::spawn_blocking(move || one_life(&args, wait, life)).await.unwrap();
        let after = format!("after kill {life}");
        let db = Db::open(&sqlite, postgres).await;
        let stored = check_whole(&db, &after).await;
        db.close().await;
        let lost: Vec<_> = acknowledged.difference(&stored).collect();
        assert!(lost.is_empty(), "{after}: articles reported stored are missing: {lost:?}");
        let gone: Vec<_> = kept.difference(&stored).collect();
        assert!(gone.is_empty(), "{after}: articles stored before are gone: {gone:?}");
        if stored.len() < OUTLETS * ITEMS {
            interrupted += 1;
        }
        kept = stored;
    }
    assert!(
        interrupted >= 40,
        "only {interrupted} kills landed while articles were still arriving: the test proves little"
    );

    // One last round, left to finish: everything arrives.
    let finished = run(&["fetch", "--once", "--allow-private-networks", "--host-delay", "0"]);
    assert!(finished.status.success(), "{}", String::from_utf8_lossy(&finished.stderr));
    let db = Db::open(&sqlite, postgres).await;
    let stored = check_whole(&db, "at the end").await;
    db.close().await;
    assert_eq!(stored.len(), OUTLETS * ITEMS, "not every article was stored at the end of the run");
    eprintln!(
        "{KILLS} kills ({interrupted} while articles were still arriving) in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_200_times_while_ingesting_sqlite_keeps_every_article_once_and_stays_whole() {
    killed_again_and_again(None).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_200_times_while_ingesting_postgres_keeps_every_article_once_and_stays_whole() {
    let Some((admin, url)) = fresh_postgres("crash") else { return };
    killed_again_and_again(Some(&url)).await;
    drop_postgres(&admin, &url);
}
