//! Prometheus metrics: behind the operator's token, counting what the site and the worker did.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use tidings_demo::DemoOutlets;
use tidings_testkit::{free_port, http};

use crate::support::{Server, following_demo};

/// The value of the first sample of `name` (with these labels, if any) in Prometheus' text.
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| l.starts_with(name))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_need_the_token_and_count_articles_stored_and_pages_served() {
    let demo = DemoOutlets::start(Timestamp::now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = following_demo(&demo, dir.path());

    let port = free_port();
    let server = Server::spawn(&[
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data",
        data.to_str().unwrap(),
        "--allow-private-networks",
        "--host-delay",
        "0",
        "--metrics-token",
        "s3cret-scraper",
    ]);
    let metrics = format!("{}/metrics", server.url);
    assert_eq!(http().get(&metrics).send().await.unwrap().status(), 401, "metrics without the token");
    let wrong = http().get(&metrics).bearer_auth("s3cret").send().await.unwrap();
    assert_eq!(wrong.status(), 401, "metrics with a wrong token");

    let expected = demo.catalog.articles.len() as f64;
    let started = Instant::now();
    let text = loop {
        let page = http().get(&metrics).bearer_auth("s3cret-scraper").send().await.unwrap();
        assert_eq!(page.status(), 200);
        let text = page.text().await.unwrap();
        // A feed's fetch is counted when its last batch of articles is stored and placed.
        let fetched = sample(&text, "tidings_feed_fetches_total{result=\"ok\"}").unwrap_or(0.0);
        if sample(&text, "tidings_articles_stored_total") == Some(expected) && fetched >= 6.0 {
            break text;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the articles stored never reached {expected} from 6 feeds:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert!(sample(&text, "tidings_http_requests_total{status=\"4xx\"}").is_some_and(|n| n >= 2.0), "{text}");
    assert!(text.contains("tidings_http_request_duration_seconds"), "{text}");
    server.stop();

    // Without a token the route is off, and says how to turn it on.
    let port = free_port();
    let server = Server::spawn(&["serve", "--listen", &format!("127.0.0.1:{port}"), "--data", data.to_str().unwrap()]);
    let off = http().get(format!("{}/metrics", server.url)).send().await.unwrap();
    assert_eq!(off.status(), 404);
    assert!(off.text().await.unwrap().contains("--metrics-token"));
    server.stop();
}
