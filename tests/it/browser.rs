//! The demo in a real browser: front page, a click through to an article, and what a reader sees.

use tidings_testkit::{Browser, free_port};

use crate::support::Server;

#[tokio::test(flavor = "multi_thread")]
async fn demo_front_page_leads_to_a_clean_article() {
    let port = free_port();
    let server = Server::spawn(&["demo", "--listen", &format!("127.0.0.1:{port}")]);
    let browser = Browser::start().await.unwrap_or_else(|e| panic!("{e}"));

    browser.goto(&format!("{}/", server.url)).await.unwrap();
    let heading = browser.text("#top-stories").await.unwrap();
    assert_eq!(heading, "Top stories");
    let first_story = browser.text("ol.stories li.story h3").await.unwrap();

    browser.click("ol.stories ul.coverage a").await.unwrap();
    let url = browser.url().await.unwrap();
    assert!(url.contains("/articles/"), "the click went to {url}");
    let title = browser.text("article.reader h1").await.unwrap();
    let text = browser.text("article.reader .article-text").await.unwrap();

    // The article's own paragraphs are there, as the outlet wrote them.
    let catalog = tidings_demo::catalog().unwrap();
    let source =
        catalog.articles.iter().find(|a| a.title == title).unwrap_or_else(|| panic!("{title:?} is not a demo article"));
    for p in &source.paragraphs {
        assert!(text.contains(p.as_str()), "missing paragraph {p:?} in {text:?}");
    }
    // The outlet's chrome is not.
    let outlet = catalog.outlet(&source.outlet).unwrap();
    for chrome in [
        "Leave a Reply",
        "Required fields are marked",
        "Accept all cookies",
        "Share on Facebook",
        "Get the morning briefing",
        outlet.boilerplate,
    ] {
        assert!(!text.contains(chrome), "{chrome:?} is on the article page: {text:?}");
    }
    assert!(
        browser.text(".coverage-box").await.unwrap().contains("Full coverage"),
        "no coverage of story {first_story:?}"
    );

    let png = browser.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("demo-article.png"), png).unwrap();
    browser.close().await;
    assert!(server.stop().success());
}
