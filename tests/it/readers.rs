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
