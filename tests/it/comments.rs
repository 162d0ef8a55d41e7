//! Comments in a real browser on the demo site: a first comment awaits moderation, an admin
//! approves it, the author's next comment appears at once, hostile markup in every field stays
//! inert, and `tidings comments erase` removes the author's comments.

use std::time::Duration;

use tidings_testkit::{Browser, free_port};

use crate::accounts::add_admin;
use crate::support::{Server, stdout, tidings};

const EMAIL: &str = "ann.reader.5521@example.org";

/// Fills in the comment form of the page open in `browser` and sends it after the minimum fill
/// time.
async fn comment(browser: &Browser, name: &str, website: &str, text: &str) {
    browser.fill("#comment", text).await.unwrap();
    browser.fill("#author", name).await.unwrap();
    browser.fill("#email", EMAIL).await.unwrap();
    browser.fill("#url", website).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    browser.submit("form.comment-form button[type=submit]").await.unwrap();
}

/// Whether the comment holding `text` on the page is marked as awaiting moderation, or `None`
/// when no comment holds it.
async fn awaiting(browser: &Browser, text: &str) -> Option<bool> {
    let script = format!(
        "const c = [...document.querySelectorAll('article.comment')].find(c => c.innerText.includes({text:?})); \
         return c ? c.querySelector('.awaiting') !== null : null;"
    );
    browser.execute(&script).await.unwrap().as_bool()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_first_comment_waits_for_an_admin_and_the_authors_next_appears_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(add_admin(&data, "editor", "correct horse battery").status.success());
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let server =
        Server::spawn(&["demo", "--listen", &listen, "--data", data.to_str().unwrap(), "--comment-min-fill", "1"]);
    let browser = Browser::start().await.unwrap_or_else(|e| panic!("{e}"));

    browser.goto(&format!("{}/", server.url)).await.unwrap();
    browser.click("ol.stories ul.coverage a").await.unwrap();
    let article = browser.url().await.unwrap();
    let notes = browser.text("form.comment-form .form-notes").await.unwrap();
    assert_eq!(notes, "Your email address will not be published. Required fields are marked *");

    // A first comment: its author sees it awaiting moderation.
    comment(&browser, "Reader Ann", "", "First **thoughts** on this.").await;
    assert_eq!(awaiting(&browser, "First thoughts").await, Some(true));
    assert!(browser.text(".awaiting").await.unwrap().contains("awaiting moderation"));

    // The admin logs in and approves it from the queue.
    browser.goto(&format!("{}/login", server.url)).await.unwrap();
    browser.fill("#name", "editor").await.unwrap();
    browser.fill("#password", "correct horse battery").await.unwrap();
    browser.submit("form.account button[type=submit]").await.unwrap();
    browser.goto(&format!("{}/admin/comments", server.url)).await.unwrap();
    assert!(browser.text("li.queued").await.unwrap().contains("Reader Ann"));
    assert!(!browser.text("main").await.unwrap().contains(EMAIL), "the queue never shows the email");
    browser.submit("li.queued button[value^='approve:']").await.unwrap();
    assert!(browser.text("p.notice").await.unwrap().contains("Moved 1 comment to approved"));
    browser.goto(&format!("{}/account", server.url)).await.unwrap();
    browser.submit("form[action='/logout'] button").await.unwrap();

    // Published; and the approved author's next comment appears at once.
    browser.goto(&article).await.unwrap();
    assert_eq!(awaiting(&browser, "First thoughts").await, Some(false));
    assert!(browser.text("#comments-title").await.unwrap().starts_with("1 comment"));
    comment(&browser, "Reader Ann", "", "A second thought, published at once.").await;
    assert_eq!(awaiting(&browser, "A second thought").await, Some(false));

    // Hostile markup in every field renders inert: nothing runs, no handler fires.
    let payloads = [
        "<script>window.__xss = 'script'</script>",
        "<img src=x onerror=\"window.__xss='img'\">",
        "<svg onload=\"window.__xss='svg'\"><circle r=9 /></svg>",
        "[click me](javascript:window.__xss='link')",
        "[data](data:text/html,<script>window.__xss='data'</script>)",
        "<a href=\"javascript:window.__xss='a'\" onmouseover=\"window.__xss='hover'\">hover</a>",
        "<div onclick=\"window.__xss='click'\">broken <b>markup",
        "\u{FF1C}script\u{FF1E}window.__xss='fullwidth'\u{FF1C}/script\u{FF1E} caf\u{e9} â€™",
    ];
    comment(
        &browser,
        "<img src=x onerror=\"window.__xss='name'\">",
        "https://ok.example/\"><script>window.__xss='url'</script>",
        &payloads.join("\n\n"),
    )
    .await;
    let probe = "const s = document.querySelector('section.comments'); \
        const all = [...s.querySelectorAll('*')]; \
        for (const e of all) { for (const t of ['mouseover', 'focus', 'click', 'load', 'error']) { \
            if (t === 'click' && ['A', 'BUTTON', 'INPUT'].includes(e.tagName)) continue; e.dispatchEvent(new Event(t)); } } \
        const live = all.filter(e => [...e.attributes].some(a => a.name.startsWith('on') || /^\\s*(javascript|data|vbscript):/i.test(a.value))); \
        return { xss: window.__xss === undefined ? null : String(window.__xss), \
                 active: s.querySelectorAll('script, svg, img, iframe, object, embed').length, live: live.length, \
                 shown: s.innerText.includes('onerror') };";
    let result = browser.execute(probe).await.unwrap();
    assert_eq!(result["xss"], serde_json::Value::Null, "a payload ran: {result}");
    assert_eq!((result["active"].as_u64(), result["live"].as_u64()), (Some(0), Some(0)), "{result}");
    assert_eq!(result["shown"], true, "the markup typed is shown as text: {result}");
    let csp = tidings_testkit::http().get(&article).send().await.unwrap();
    assert_eq!(csp.headers()["content-security-policy"], tidings_web::CONTENT_SECURITY_POLICY);

    // Erasing the email removes every comment of it.
    let erased = tidings(&data, &["comments", "erase", &EMAIL.to_uppercase()]);
    assert!(stdout(&erased).contains("Erased 3 comments"), "{}", stdout(&erased));
    browser.goto(&article).await.unwrap();
    assert_eq!(awaiting(&browser, "First thoughts").await, None);
    assert!(browser.text("#comments-title").await.unwrap().starts_with("No comments"));
    browser.close().await;
    assert!(server.stop().success());
}
