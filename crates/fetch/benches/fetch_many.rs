//! Throughput and memory of the fetcher: 10,000 feed fetches spread over 100 loopback hosts
//! (127.0.0.1 … 127.0.0.100), politeness delay zero. The servers run in a child process so the
//! peak memory printed is the fetcher's own.
//!
//! Run with `bench/fetch.sh` (or `cargo bench -p tidings-fetch --bench fetch_many`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // a bench reports and stops

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use futures::StreamExt;
use tidings_fetch::{FetchConfig, FetchOutcome, FetchRequest, Fetcher, NetworkPolicy, Purpose};
use url::Url;

const HOSTS: usize = 100;
const FEEDS: usize = 10_000;
const CONCURRENCY: usize = 200;

fn feed_body() -> String {
    let mut s = String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Bench</title>");
    for i in 0..20 {
        s.push_str(&format!(
            "<item><title>Item {i}</title><link>http://bench.example/{i}</link><description>{}</description></item>",
            "word ".repeat(40)
        ));
    }
    s.push_str("</channel></rss>");
    s
}

fn serve() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let body = feed_body();
        let app = Router::new().route("/feed/{n}", get(move || std::future::ready(body.clone())));
        let mut ports = Vec::new();
        for h in 1..=HOSTS {
            let listener = tokio::net::TcpListener::bind(format!("127.0.0.{h}:0")).await.unwrap();
            ports.push(listener.local_addr().unwrap().port());
            let app = app.clone();
            tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        }
        println!("{}", ports.iter().map(u16::to_string).collect::<Vec<_>>().join(","));
        std::future::pending::<()>().await;
    });
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

fn main() {
    if std::env::args().any(|a| a == "--serve") {
        return serve();
    }
    let mut child =
        Command::new(std::env::current_exe().unwrap()).arg("--serve").stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let ports: Vec<u16> = line.trim().split(',').map(|p| p.parse().unwrap()).collect();

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let (elapsed, ok, bytes) = rt.block_on(async {
        let fetcher = Fetcher::new(FetchConfig {
            min_host_delay: Duration::ZERO,
            network: NetworkPolicy { allow_private_networks: true, allowed_networks: vec![] },
            ..FetchConfig::default()
        })
        .unwrap();
        let urls: Vec<Url> = (0..FEEDS)
            .map(|i| {
                let h = i % HOSTS;
                Url::parse(&format!("http://127.0.0.{}:{}/feed/{i}", h + 1, ports[h])).unwrap()
            })
            .collect();
        let started = Instant::now();
        // Bodies are dropped as they arrive, as the engine does after parsing.
        let sizes: Vec<Option<usize>> = futures::stream::iter(urls)
            .map(|u| {
                let f = fetcher.clone();
                async move {
                    match f.fetch(FetchRequest::new(u, Purpose::Feed)).await {
                        Ok(FetchOutcome::Fetched(body)) => Some(body.body.len()),
                        _ => None,
                    }
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let elapsed = started.elapsed();
        let ok = sizes.iter().flatten().count();
        let bytes: usize = sizes.iter().flatten().sum();
        (elapsed, ok, bytes)
    });
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "fetch: {FEEDS} feeds over {HOSTS} hosts in {:.2} s = {:.0} requests/s ({ok} ok, {:.1} MB); peak RSS {:.1} MiB",
        elapsed.as_secs_f64(),
        FEEDS as f64 / elapsed.as_secs_f64(),
        bytes as f64 / 1e6,
        peak_rss_mib()
    );
}
