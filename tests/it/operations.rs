//! Operating the database: migrate, an online backup while the site runs, readiness.

use tidings_testkit::{free_port, http};

use crate::support::{Server, stdout, tidings};

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_taken_while_serving_opens_with_everything_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let migrated = tidings(&data, &["migrate"]);
    assert!(stdout(&migrated).contains("schema version 8"), "{}", stdout(&migrated));
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
