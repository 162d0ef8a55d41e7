//! Comments over real HTTP on loopback against a real SQLite store: the form's guards, the
//! anti-spam rules, 1,000 posts at once, and an email that never comes back out.

use std::net::SocketAddr;

use jiff::{SignedDuration, Timestamp};
use tidings_core::ArticleId;
use tidings_store::{CommentStatus, NewOutlet, NewUser, Store};
use tidings_testkit::http_no_redirects;
use tidings_web::{AppState, CommentRules, ServerLimits};

use super::article;

/// A site serving one outlet with two articles.
struct Site {
    url: String,
    store: Store,
    articles: [ArticleId; 2],
    _dir: tempfile::TempDir,
}

async fn site(rules: CommentRules) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
    let now = Timestamp::now();
    let new = NewOutlet { name: "Herald".into(), site_url: None, category: None, full_text: false };
    let o = store.add_outlet(&new, "https://herald.example/feed", now).await.unwrap();
    let mut ids = Vec::new();
    for n in 0..2 {
        let at = now - SignedDuration::from_hours(i64::from(n) + 1);
        ids.push(store.insert_article(&article(o.outlet.id, o.feed.id, n, at)).await.unwrap().unwrap());
    }
    let state = AppState::new(store.clone()).with_form_key([7; 32]).with_comment_rules(rules);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let app = tidings_web::router(state);
    tokio::spawn(tidings_web::serve(listener, app, ServerLimits::default(), std::future::pending()));
    Site { url: format!("http://{addr}"), store, articles: [ids[0], ids[1]], _dir: dir }
}

fn no_limits() -> CommentRules {
    CommentRules { per_address: 0, per_email: 0, min_fill_secs: 0, ..CommentRules::default() }
}

/// A browser's view of an article's form: its cookie, token and nonce.
#[derive(Debug, Clone)]
struct Form {
    cookie: String,
    token: String,
    nonce: String,
}

fn hidden(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\"")).nth(1).and_then(|s| s.split('"').next()).unwrap().to_string()
}

/// Opens the article page as a new browser (or as `cookie`), and reads its comment form.
async fn open(client: &reqwest::Client, site: &Site, article: ArticleId, cookie: Option<&str>) -> (Form, String) {
    let mut req = client.get(format!("{}/articles/{article}", site.url));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200);
    let set = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tidings_browser="))
        .map(|v| v.split(';').next().unwrap().to_string());
    let html = res.text().await.unwrap();
    let cookie = cookie.map(str::to_string).or(set).unwrap();
    (Form { cookie, token: hidden(&html, "token"), nonce: hidden(&html, "nonce") }, html)
}

/// A comment's fields.
fn fields(form: &Form, name: &str, email: &str, body: &str) -> Vec<(&'static str, String)> {
    vec![
        ("token", form.token.clone()),
        ("nonce", form.nonce.clone()),
        ("name", name.into()),
        ("email", email.into()),
        ("website", String::new()),
        ("comment", body.into()),
        ("homepage", String::new()),
    ]
}

async fn post(
    client: &reqwest::Client,
    site: &Site,
    article: ArticleId,
    form: &Form,
    fields: &[(&str, String)],
    origin: &str,
) -> reqwest::Response {
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    client
        .post(format!("{}/articles/{article}/comments", site.url))
        .header("cookie", &form.cookie)
        .header("origin", origin)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_comments_posted_at_once_are_each_stored_once() {
    let site = site(no_limits()).await;
    let client = http_no_redirects();
    let a = site.articles[0];
    // Each post needs a form shown to it: tokens are one-use.
    let forms = futures::future::join_all((0..1000).map(|_| open(&client, &site, a, None))).await;
    let posts = forms.iter().enumerate().map(|(n, (form, _))| {
        let fields =
            fields(form, &format!("Reader {n}"), &format!("reader{n}@example.org"), &format!("Comment number {n}"));
        let (client, site) = (&client, &site);
        async move { post(client, site, a, form, &fields, &site.url).await.status() }
    });
    let statuses = futures::future::join_all(posts).await;
    let mut by_status = std::collections::BTreeMap::new();
    for s in &statuses {
        *by_status.entry(s.as_u16()).or_insert(0) += 1;
    }
    assert_eq!(by_status, [(303, 1000)].into_iter().collect(), "every post is accepted, none fails");
    let stored = site.store.comments_with_status(CommentStatus::Pending, 2000).await.unwrap();
    let mut bodies: Vec<&str> = stored.iter().map(|c| c.body_markdown.as_str()).collect();
    bodies.sort_unstable();
    bodies.dedup();
    assert_eq!((stored.len(), bodies.len()), (1000, 1000), "none lost, none duplicated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_replayed_and_oversized_posts_are_refused_with_a_readable_page() {
    let site = site(no_limits()).await;
    let client = http_no_redirects();
    let a = site.articles[0];
    let (form, html) = open(&client, &site, a, None).await;
    assert!(html.contains("Your email address will not be published."));
    assert!(html.contains("Required fields are marked *"));
    let good = fields(&form, "Ann", "ann@example.org", "A first thought");

    // From another site: refused, with what was typed kept.
    let cross = post(&client, &site, a, &form, &good, "https://evil.example").await;
    assert_eq!(cross.status(), 403);
    let page = cross.text().await.unwrap();
    assert!(page.contains("not sent from this site"), "{page}");
    assert!(page.contains("A first thought"), "the comment typed is kept");

    // Without a token, or with a token of another browser: refused.
    let mut untokened = good.clone();
    untokened.retain(|(k, _)| *k != "token");
    let res = post(&client, &site, a, &form, &untokened, &site.url).await;
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("could not be verified"));
    let other = Form { cookie: "tidings_browser=someone-else".into(), ..form.clone() };
    assert_eq!(post(&client, &site, a, &other, &good, &site.url).await.status(), 403);

    // Accepted once; the same form again is a replay.
    let ok = post(&client, &site, a, &form, &good, &site.url).await;
    assert_eq!(ok.status(), 303);
    let replay = post(&client, &site, a, &form, &good, &site.url).await;
    assert_eq!(replay.status(), 403);
    assert!(replay.text().await.unwrap().contains("This form was sent already"));
    assert_eq!(site.store.comments_with_status(CommentStatus::Pending, 10).await.unwrap().len(), 1);

    // A token for one article does not post on another.
    let res = post(&client, &site, site.articles[1], &form, &good, &site.url).await;
    assert_eq!(res.status(), 403);

    // 1 MB of comment: 413 with words, before anything is read into a comment.
    let (form, _) = open(&client, &site, a, Some(&form.cookie)).await;
    let huge = fields(&form, "Ann", "ann@example.org", &"x".repeat(1024 * 1024));
    let res = post(&client, &site, a, &form, &huge, &site.url).await;
    assert_eq!(res.status(), 413);
    assert!(res.text().await.unwrap().contains("shorten the comment"));
    // Just over the length limit (but under the body limit): refused in words, text kept.
    let long = fields(&form, "Ann", "ann@example.org", &"y".repeat(5_001));
    let res = post(&client, &site, a, &form, &long, &site.url).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("at most 5000 are accepted") && page.contains(&"y".repeat(5_001)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn honeypot_fill_time_rate_and_link_limits_each_do_what_they_say() {
    // Two seconds: fill times are counted in whole seconds, so a form sent back at once across a
    // second's boundary already counts one.
    let rules = CommentRules { per_address: 3, per_email: 2, min_fill_secs: 2, ..CommentRules::default() };
    let site = site(rules).await;
    let client = http_no_redirects();
    let a = site.articles[0];

    // Too fast: a form sent back at once is refused, and the reader is told to wait.
    let (form, _) = open(&client, &site, a, None).await;
    let res = post(&client, &site, a, &form, &fields(&form, "Bot", "bot@example.org", "fast"), &site.url).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("sent too quickly"));
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;

    // The honeypot: filled in, refused; the same form with it empty passes.
    let mut trap = fields(&form, "Bot", "bot@example.org", "I fill in everything");
    trap.retain(|(k, _)| *k != "homepage");
    trap.push(("homepage", "https://spam.example/".into()));
    let res = post(&client, &site, a, &form, &trap, &site.url).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Leave this field empty"));
    let res = post(&client, &site, a, &form, &fields(&form, "Ann", "ann@example.org", "Calm words"), &site.url).await;
    assert_eq!(res.status(), 303);

    // Links: three hold a comment even from an approved author, ten make it spam.
    let ann = site.store.comments_with_status(CommentStatus::Pending, 10).await.unwrap();
    site.store.set_comment_status(&[ann[0].id], CommentStatus::Approved, Timestamp::now()).await.unwrap();
    let (form, _) = open(&client, &site, a, Some(&form.cookie)).await;
    let (form2, _) = open(&client, &site, a, Some(&form.cookie)).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let links = "see https://a.example https://b.example https://c.example";
    assert_eq!(
        post(&client, &site, a, &form, &fields(&form, "Ann", "ann@example.org", links), &site.url).await.status(),
        303
    );
    let spam = "https://x.example ".repeat(10);
    assert_eq!(
        post(&client, &site, a, &form2, &fields(&form2, "Bo", "bo@example.org", &spam), &site.url).await.status(),
        303
    );
    let held = site.store.comments_with_status(CommentStatus::Pending, 10).await.unwrap();
    assert_eq!(held.iter().map(|c| c.body_markdown.as_str()).collect::<Vec<_>>(), [links]);
    assert_eq!(site.store.comments_with_status(CommentStatus::Spam, 10).await.unwrap().len(), 1);

    // Rate: Ann has used her two posts for this window; a third is refused with the wait.
    let (form, _) = open(&client, &site, a, Some(&form.cookie)).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let res = post(&client, &site, a, &form, &fields(&form, "Ann", "ANN@example.org", "third"), &site.url).await;
    assert_eq!(res.status(), 429);
    let page = res.text().await.unwrap();
    assert!(page.contains("Try again in 10 minutes.") && page.contains("third"), "{page}");
    // The address has posted three times (Ann twice, Bo once): a new email is refused too.
    let res = post(&client, &site, a, &form, &fields(&form, "Cy", "cy@example.org", "fourth"), &site.url).await;
    assert_eq!(res.status(), 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_never_appears_in_any_page_or_feed() {
    let site = site(no_limits()).await;
    let client = http_no_redirects();
    let [a, b] = site.articles;
    let emails = ["Zeta.Quill.7731@Example.org", "zeta.quill.7731@example.org", "mara+tidings-4410@mail.example"];
    for (n, email) in emails.iter().enumerate() {
        let (form, _) = open(&client, &site, a, None).await;
        let mut f = fields(&form, &format!("Writer {n}"), email, &format!("Thoughts number {n}"));
        f.retain(|(k, _)| *k != "website");
        f.push(("website", format!("https://writer{n}.example/")));
        assert_eq!(post(&client, &site, a, &form, &f, &site.url).await.status(), 303);
    }
    // Publish some, hold some, mark one spam: every list shows something.
    let pending = site.store.comments_with_status(CommentStatus::Pending, 10).await.unwrap();
    let ids: Vec<i64> = pending.iter().map(|c| c.id).collect();
    site.store.set_comment_status(&ids[..1], CommentStatus::Approved, Timestamp::now()).await.unwrap();
    site.store.set_comment_status(&ids[1..2], CommentStatus::Spam, Timestamp::now()).await.unwrap();

    // An admin's session, to crawl the queue too.
    let admin = NewUser { name: "ed".into(), password_hash: "x".into(), role: "admin".into() };
    let admin = site.store.add_user(&admin, Timestamp::now()).await.unwrap();
    let token = "admin-session-token";
    let now = Timestamp::now();
    let key = tidings_accounts::session_key(token);
    site.store.create_session(&key, admin.id, now, now + SignedDuration::from_hours(1)).await.unwrap();
    let session = format!("tidings_session={token}");

    let mut paths = vec!["/".to_string(), "/outlets".into(), format!("/outlets/{}", 1), "/nowhere".into()];
    for article in [a, b] {
        paths.push(format!("/articles/{article}"));
        paths.push(format!("/articles/{article}/comments.atom"));
    }
    for status in ["pending", "approved", "spam", "trash"] {
        paths.push(format!("/admin/comments?status={status}"));
    }
    paths.extend(ids.iter().map(|id| format!("/admin/comments/{id}/edit")));
    let mut seen = 0;
    for path in &paths {
        for cookie in [None, Some(session.as_str())] {
            let mut req = client.get(format!("{}{path}", site.url));
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            let res = req.send().await.unwrap();
            let headers = format!("{:?}", res.headers()).to_lowercase();
            let body = res.text().await.unwrap().to_lowercase();
            for email in emails {
                let email = email.to_lowercase();
                assert!(!headers.contains(&email) && !body.contains(&email), "{email} is in {path}");
            }
            seen += body.len();
        }
    }
    assert!(seen > 10_000, "the crawl read next to nothing");
}
