use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt, stream};
use tidings_fetch::{
    Error, FetchConfig, FetchOutcome, FetchRequest, Fetcher, NetworkPolicy, Purpose, RobotsFile, SharedPoliteness,
    check_user_agent,
};
use url::Url;

use crate::server::{Counters, counting_listener, fetcher_for, serve_on};

fn req(url: String, purpose: Purpose) -> FetchRequest {
    FetchRequest::new(Url::parse(&url).unwrap(), purpose)
}

#[tokio::test]
async fn conditional_get_turns_304_into_unchanged() {
    let app = Router::new().route(
        "/feed.xml",
        get(|headers: HeaderMap| async move {
            if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v == "\"v1\"") {
                return StatusCode::NOT_MODIFIED.into_response();
            }
            ([(header::ETAG, "\"v1\""), (header::LAST_MODIFIED, "Fri, 20 Nov 2026 08:00:00 GMT")], "<rss/>")
                .into_response()
        }),
    );
    let addr = serve_on("127.0.0.1", app).await;
    let f = fetcher_for(addr);
    let first = f.fetch(req(format!("http://{addr}/feed.xml"), Purpose::Feed)).await.unwrap();
    let FetchOutcome::Fetched(body) = first else { panic!("first fetch must return the body") };
    assert_eq!(body.etag.as_deref(), Some("\"v1\""));
    let mut again = req(format!("http://{addr}/feed.xml"), Purpose::Feed);
    again.etag = body.etag.clone();
    again.last_modified = body.last_modified.clone();
    assert!(matches!(f.fetch(again).await.unwrap(), FetchOutcome::NotModified { .. }));
}

#[tokio::test]
async fn retry_after_is_reported_on_429_and_503() {
    let app = Router::new()
        .route("/busy", get(|| async { (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "120")], "slow down") }))
        .route(
            "/down",
            get(|| async { (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "7200")], "maintenance") }),
        );
    let addr = serve_on("127.0.0.1", app).await;
    for (path, secs) in [("busy", 120), ("down", 7200)] {
        match fetcher_for(addr).fetch(req(format!("http://{addr}/{path}"), Purpose::Feed)).await {
            Err(Error::Status { retry_after, .. }) => assert_eq!(retry_after, Some(Duration::from_secs(secs))),
            other => panic!("{path}: {other:?}"),
        }
    }
    // The host asked to be left alone for two minutes, longer than a fetch waits for its turn:
    // the next request to it is not sent.
    let f = fetcher_for(addr);
    assert!(f.fetch(req(format!("http://{addr}/busy"), Purpose::Feed)).await.is_err());
    let started = Instant::now();
    let next = f.fetch(req(format!("http://{addr}/down"), Purpose::Feed)).await;
    assert!(matches!(next, Err(Error::OutOfTime { .. })), "{next:?}");
    assert!(started.elapsed() < Duration::from_secs(1), "it waited instead of giving up");
}

#[tokio::test]
async fn slow_drip_body_hits_the_total_timeout() {
    let app = Router::new().route(
        "/drip",
        get(|| async {
            let drip = stream::unfold(0u32, |n| async move {
                tokio::time::sleep(Duration::from_millis(200)).await;
                Some((Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"<")), n + 1))
            });
            Body::from_stream(drip)
        }),
    );
    let addr = serve_on("127.0.0.1", app).await;
    let started = Instant::now();
    let err = fetcher_for(addr).fetch(req(format!("http://{addr}/drip"), Purpose::Feed)).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(4), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn endless_body_is_cut_at_the_cap() {
    let app = Router::new().route(
        "/endless",
        get(|| async {
            let chunk = bytes::Bytes::from(vec![b'x'; 64 * 1024]);
            Body::from_stream(stream::repeat(chunk).map(Ok::<_, std::io::Error>))
        }),
    );
    let addr = serve_on("127.0.0.1", app).await;
    let err = fetcher_for(addr).fetch(req(format!("http://{addr}/endless"), Purpose::Feed)).await.unwrap_err();
    assert!(matches!(err, Error::TooLarge { limit: 1_048_576, .. }), "{err}");
}

fn vm_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn gzip_bomb_of_one_gib_is_refused_within_bounded_memory() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        gz.write_all(&zeros).unwrap();
    }
    let bomb = bytes::Bytes::from(gz.finish().unwrap());
    drop(zeros);
    let compressed = bomb.len();
    let app = Router::new().route(
        "/bomb.xml",
        get(move || {
            let bomb = bomb.clone();
            async move {
                ([(header::CONTENT_ENCODING, "gzip"), (header::CONTENT_TYPE, "application/rss+xml")], bomb)
                    .into_response()
            }
        }),
    );
    let addr = serve_on("127.0.0.1", app).await;
    let f = Fetcher::new(FetchConfig {
        total_timeout: Duration::from_secs(20),
        min_host_delay: Duration::ZERO,
        network: NetworkPolicy { allow_private_networks: false, allowed_networks: vec![addr.ip().into()] },
        ..FetchConfig::default()
    })
    .unwrap();
    let before = vm_kib("VmRSS:");
    let err = f.fetch(req(format!("http://{addr}/bomb.xml"), Purpose::Feed)).await.unwrap_err();
    let growth_mib = vm_kib("VmHWM:").saturating_sub(before) / 1024;
    assert!(matches!(err, Error::TooLarge { limit, .. } if limit == 16 * 1024 * 1024), "{err}");
    assert!(growth_mib < 64, "peak memory grew by {growth_mib} MiB for a {compressed}-byte bomb");
}

#[tokio::test]
async fn redirect_loop_is_refused() {
    let app = Router::new()
        .route("/a", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/b")]) }))
        .route("/b", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/a")]) }));
    let addr = serve_on("127.0.0.1", app).await;
    let err = fetcher_for(addr).fetch(req(format!("http://{addr}/a"), Purpose::Feed)).await.unwrap_err();
    assert!(err.to_string().contains("a loop back to"), "{err}");
}

#[tokio::test]
async fn more_than_five_redirects_are_refused() {
    let app = Router::new().route(
        "/hop/{n}",
        get(|axum::extract::Path(n): axum::extract::Path<u32>| async move {
            (StatusCode::FOUND, [(header::LOCATION, format!("/hop/{}", n + 1))])
        }),
    );
    let addr = serve_on("127.0.0.1", app).await;
    let err = fetcher_for(addr).fetch(req(format!("http://{addr}/hop/0"), Purpose::Feed)).await.unwrap_err();
    assert!(err.to_string().contains("more than 5 redirects"), "{err}");
}

#[tokio::test]
async fn permanent_redirects_report_the_new_address_and_temporary_ones_do_not() {
    let app = Router::new()
        .route("/old", get(|| async { (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/new")]) }))
        .route("/moved-for-now", get(|| async { (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, "/new")]) }))
        .route("/new", get(|| async { "<rss/>" }));
    let addr = serve_on("127.0.0.1", app).await;
    let f = fetcher_for(addr);
    let FetchOutcome::Fetched(p) = f.fetch(req(format!("http://{addr}/old"), Purpose::Feed)).await.unwrap() else {
        panic!()
    };
    assert_eq!(p.permanent_redirect.map(String::from), Some(format!("http://{addr}/new")));
    let FetchOutcome::Fetched(t) = f.fetch(req(format!("http://{addr}/moved-for-now"), Purpose::Feed)).await.unwrap()
    else {
        panic!()
    };
    assert_eq!(t.permanent_redirect, None);
    assert_eq!(t.final_url.path(), "/new");
}

#[tokio::test]
async fn redirect_to_an_internal_address_is_refused_before_connecting() {
    // The internal target: a listener that proves no connection reached it.
    let (inside, accepted) = counting_listener("127.0.0.2").await;
    let port = inside.port();
    let targets = vec![
        format!("http://127.0.0.2:{port}/"),
        format!("http://2130706434:{port}/"),
        format!("http://0x7f.0.0.2:{port}/"),
        format!("http://[::ffff:127.0.0.2]:{port}/"),
        format!("http://[::1]:{port}/"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
    ];
    let list = Arc::new(targets.clone());
    let app = Router::new().route(
        "/go/{n}",
        get(move |axum::extract::Path(n): axum::extract::Path<usize>| {
            let list = list.clone();
            async move { (StatusCode::FOUND, [(header::LOCATION, list[n].clone())]).into_response() }
        }),
    );
    let outside = serve_on("127.0.0.1", app).await;
    // The guard admits only the redirecting server's own address, 127.0.0.1.
    let f = fetcher_for(outside);
    for (n, target) in targets.iter().enumerate() {
        let err = f.fetch(req(format!("http://{outside}/go/{n}"), Purpose::Feed)).await.unwrap_err();
        assert!(matches!(err, Error::Refused { .. }), "{target}: {err}");
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(accepted.load(Ordering::SeqCst), 0, "a connection reached the internal address");
}

#[tokio::test]
async fn names_resolving_to_loopback_are_refused_without_the_setting() {
    let (addr, accepted) = counting_listener("127.0.0.1").await;
    let f = Fetcher::new(FetchConfig { min_host_delay: Duration::ZERO, ..FetchConfig::default() }).unwrap();
    let err = f.fetch(req(format!("http://localhost:{}/feed", addr.port()), Purpose::Feed)).await.unwrap_err();
    assert!(matches!(err, Error::Refused { .. }), "{err}");
    assert!(err.to_string().contains("localhost resolves to"), "{err}");
    assert_eq!(accepted.load(Ordering::SeqCst), 0);
}

fn robots_app(counters: Arc<Counters>) -> Router {
    Router::new()
        .route(
            "/robots.txt",
            get(move || {
                counters.enter();
                counters.leave();
                async { "User-agent: *\nDisallow: /private/\n" }
            }),
        )
        .route("/private/{p}", get(|| async { "<html>secret</html>" }))
        .route("/news/{p}", get(|| async { ([(header::CONTENT_TYPE, "text/html")], "<html>news</html>") }))
}

#[tokio::test]
async fn robots_txt_is_honoured_for_articles_and_fetched_once() {
    let robots = Arc::new(Counters::default());
    let addr = serve_on("127.0.0.1", robots_app(robots.clone())).await;
    let f = fetcher_for(addr);
    let err = f.fetch(req(format!("http://{addr}/private/a"), Purpose::Article)).await.unwrap_err();
    assert!(matches!(err, Error::DisallowedByRobots { .. }), "{err}");
    for p in ["a", "b", "c"] {
        assert!(f.fetch(req(format!("http://{addr}/news/{p}"), Purpose::Article)).await.is_ok());
    }
    // Feeds are fetched on the subscriber's behalf, as feed readers do.
    assert!(f.fetch(req(format!("http://{addr}/private/feed"), Purpose::Feed)).await.is_ok());
    assert_eq!(robots.requests(), 1, "robots.txt must be fetched once and cached");
}

#[tokio::test]
async fn one_host_never_gets_more_than_one_request_at_a_time() {
    let counters = Arc::new(Counters::default());
    let c = counters.clone();
    let app = Router::new().route(
        "/feed/{n}",
        get(move || {
            let c = c.clone();
            async move {
                c.enter();
                tokio::time::sleep(Duration::from_millis(50)).await;
                c.leave();
                "<rss/>"
            }
        }),
    );
    let addr = serve_on("127.0.0.1", app).await;
    let f = fetcher_for(addr);
    let all = (0..10).map(|n| {
        let f = f.clone();
        async move { f.fetch(req(format!("http://{addr}/feed/{n}"), Purpose::Feed)).await }
    });
    let results = futures::future::join_all(all).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(counters.requests(), 10);
    assert_eq!(counters.max_in_flight.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn minimum_delay_separates_requests_to_one_host() {
    let app = Router::new().route("/f", get(|| async { "<rss/>" }));
    let addr = serve_on("127.0.0.1", app).await;
    let f = Fetcher::new(FetchConfig {
        min_host_delay: Duration::from_millis(300),
        network: NetworkPolicy { allow_private_networks: false, allowed_networks: vec![addr.ip().into()] },
        ..FetchConfig::default()
    })
    .unwrap();
    let started = Instant::now();
    for _ in 0..3 {
        f.fetch(req(format!("http://{addr}/f"), Purpose::Feed)).await.unwrap();
    }
    assert!(started.elapsed() >= Duration::from_millis(600), "{:?}", started.elapsed());
}

#[tokio::test]
async fn non_web_schemes_are_refused_in_words() {
    let f = Fetcher::new(FetchConfig::default()).unwrap();
    let err = f.fetch(req("file:///etc/passwd".to_string(), Purpose::Feed)).await.unwrap_err();
    assert!(err.to_string().contains("scheme is not fetched"), "{err}");
}

#[tokio::test]
async fn a_huge_crawl_delay_never_outlasts_the_callers_deadline() {
    let app = Router::new()
        .route("/robots.txt", get(|| async { "User-agent: *\nCrawl-delay: 3600\n" }))
        .route("/news/{p}", get(|| async { ([(header::CONTENT_TYPE, "text/html")], "<html>news</html>") }));
    let addr = serve_on("127.0.0.1", app).await;
    let f = fetcher_for(addr);
    // robots.txt is fetched first; the page must then wait the (capped) Crawl-delay.
    let started = Instant::now();
    let deadline = Instant::now() + Duration::from_millis(500);
    let err = f.fetch(req(format!("http://{addr}/news/a"), Purpose::Article).until(Some(deadline))).await.unwrap_err();
    assert!(matches!(err, Error::OutOfTime { .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_dripping_robots_txt_never_outlasts_the_callers_deadline() {
    let app = Router::new()
        .route(
            "/robots.txt",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                "User-agent: *\n"
            }),
        )
        .route("/news/{p}", get(|| async { ([(header::CONTENT_TYPE, "text/html")], "<html>news</html>") }));
    let addr = serve_on("127.0.0.1", app).await;
    // A generous network limit: only the caller's deadline can stop this one in time.
    let f = Fetcher::new(FetchConfig {
        total_timeout: Duration::from_secs(60),
        min_host_delay: Duration::ZERO,
        network: NetworkPolicy { allow_private_networks: false, allowed_networks: vec![addr.ip().into()] },
        ..FetchConfig::default()
    })
    .unwrap();
    let started = Instant::now();
    let deadline = Instant::now() + Duration::from_millis(500);
    let err = f.fetch(req(format!("http://{addr}/news/a"), Purpose::Article).until(Some(deadline))).await.unwrap_err();
    assert!(matches!(err, Error::OutOfTime { .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

/// Turns and robots.txt kept in memory, standing in for the database that workers share (the
/// engine's implementation over the store is tested end to end on PostgreSQL).
#[derive(Debug, Default)]
struct SharedInMemory {
    hosts: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, bool)>>,
    robots: std::sync::Mutex<std::collections::HashMap<String, RobotsFile>>,
}

impl SharedPoliteness for SharedInMemory {
    fn take_turn<'a>(&'a self, host: &'a str, hold: Duration) -> BoxFuture<'a, Result<Option<Duration>, String>> {
        let now = std::time::Instant::now();
        let mut hosts = self.hosts.lock().unwrap();
        let (next, held) = hosts.entry(host.to_string()).or_insert((now, false));
        let answer = if *held {
            Some(Duration::from_millis(5))
        } else if *next > now {
            Some(*next - now)
        } else {
            *next = now + hold;
            *held = true;
            None
        };
        futures::future::ready(Ok(answer)).boxed()
    }

    fn give_back<'a>(&'a self, host: &'a str, delay: Duration) -> BoxFuture<'a, ()> {
        self.hosts.lock().unwrap().insert(host.to_string(), (std::time::Instant::now() + delay, false));
        futures::future::ready(()).boxed()
    }

    fn robots<'a>(&'a self, origin: &'a str) -> BoxFuture<'a, Option<(RobotsFile, Duration)>> {
        let known = self.robots.lock().unwrap().get(origin).cloned();
        futures::future::ready(known.map(|f| (f, Duration::from_secs(3600)))).boxed()
    }

    fn keep_robots<'a>(&'a self, origin: &'a str, file: &'a RobotsFile, _ttl: Duration) -> BoxFuture<'a, ()> {
        self.robots.lock().unwrap().insert(origin.to_string(), file.clone());
        futures::future::ready(()).boxed()
    }
}

#[tokio::test]
async fn fetchers_sharing_politeness_keep_one_request_at_a_time_and_one_robots_txt_per_host() {
    let counters = Arc::new(Counters::default());
    let robots = Arc::new(Counters::default());
    let (c, r) = (counters.clone(), robots.clone());
    let app = Router::new()
        .route(
            "/robots.txt",
            get(move || {
                r.enter();
                r.leave();
                async { "User-agent: *\nDisallow: /private/\n" }
            }),
        )
        .route(
            "/page/{n}",
            get(move |headers: HeaderMap| {
                let c = c.clone();
                async move {
                    c.enter();
                    tokio::time::sleep(Duration::from_millis(30)).await;
                    c.leave();
                    let ua = headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                    ([("content-type", "text/html")], format!("<p>{ua}</p>"))
                }
            }),
        );
    let addr = serve_on("127.0.0.1", app).await;
    // Two fetchers, as two worker processes would have, sharing one politeness.
    let shared: Arc<dyn SharedPoliteness> = Arc::new(SharedInMemory::default());
    let workers = [fetcher_for(addr).shared_with(shared.clone()), fetcher_for(addr).shared_with(shared)];
    assert!(workers[0].fetch(req(format!("http://{addr}/page/first"), Purpose::Article)).await.is_ok());
    let all = (0..12).map(|n| {
        let f = workers[n % 2].clone();
        async move { f.fetch(req(format!("http://{addr}/page/{n}"), Purpose::Article)).await }
    });
    let results = futures::future::join_all(all).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(counters.requests(), 13);
    assert_eq!(counters.max_in_flight.load(Ordering::SeqCst), 1, "two workers were at one host at once");
    assert_eq!(robots.requests(), 1, "robots.txt is fetched once for all the workers");
    let private = workers[1].fetch(req(format!("http://{addr}/private/a"), Purpose::Article)).await;
    assert!(matches!(private, Err(Error::DisallowedByRobots { .. })), "{private:?}");

    // An outlet's own user agent replaces Tidings' on its requests.
    let ua = |outcome: tidings_fetch::Result<FetchOutcome>| match outcome {
        Ok(FetchOutcome::Fetched(f)) => String::from_utf8_lossy(&f.body).into_owned(),
        other => panic!("{other:?}"),
    };
    let page = req(format!("http://{addr}/page/ua"), Purpose::Article);
    assert!(ua(workers[0].fetch(page.clone()).await).contains("Tidings/"));
    let own = page.with_user_agent(Some("Mozilla/5.0 (compatible; ReaderBot/1.0)".to_string()));
    assert_eq!(ua(workers[0].fetch(own).await), "<p>Mozilla/5.0 (compatible; ReaderBot/1.0)</p>");
    assert!(check_user_agent("Reader/1.0").is_ok() && check_user_agent("two\nlines").is_err());
}
