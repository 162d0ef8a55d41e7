//! The operator's outlet pages through the real binary and real HTTP, on the demo outlets: an
//! admin adds an outlet by its site's address after a preview, pauses, resumes and fetches it
//! now, edits its settings (refused in words when they make no sense), moves the OPML list in
//! and out and renames categories; readers and other sites are turned away.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use tidings_demo::DemoOutlets;
use tidings_testkit::{BadOutlets, free_port, http_no_redirects};

use crate::accounts::{add_admin, form, form_token, log_in};
use crate::support::{Server, serve_loopback, stdout, tidings, tidings_with_input};

/// Every account's password here.
const PASSWORD: &str = "correct horse battery";

/// An admin's browser on the site at `origin`: its session cookie.
struct Admin {
    client: reqwest::Client,
    origin: String,
    cookie: String,
}

impl Admin {
    /// The admin "editor" logged in at `origin`.
    async fn log_in(origin: &str) -> Admin {
        let client = http_no_redirects();
        Admin { cookie: log_in(&client, origin, "editor", PASSWORD).await, client, origin: origin.to_string() }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.origin)).header("cookie", &self.cookie).send().await.unwrap()
    }

    /// The page at `path`, which must answer 200.
    async fn page(&self, path: &str) -> String {
        let res = self.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        res.text().await.unwrap()
    }

    /// Posts `fields` and this page's token from our own origin.
    async fn post(&self, path: &str, fields: &[(&str, String)]) -> reqwest::Response {
        let token = form_token(&self.page("/admin/outlets").await);
        let mut all = vec![("token", token)];
        all.extend(fields.iter().cloned());
        self.client
            .post(format!("{}{path}", self.origin))
            .header("cookie", &self.cookie)
            .header("origin", &self.origin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(&all))
            .send()
            .await
            .unwrap()
    }

    /// Posts and follows the redirect back to the list: the list with its notice.
    async fn act(&self, path: &str, fields: &[(&str, String)]) -> String {
        let res = self.post(path, fields).await;
        assert_eq!(res.status(), 303, "{path}: {}", res.text().await.unwrap());
        let to = res.headers().get("location").unwrap().to_str().unwrap().to_string();
        assert!(to.starts_with("/admin/outlets?done="), "{to}");
        self.page(&to).await
    }
}

/// `text` as the site's templates escape it.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;").replace('<', "&#60;").replace('>', "&#62;").replace('"', "&#34;").replace('\'', "&#39;")
}

/// The id of the outlet named `name` on the admin list.
fn outlet_id(list: &str, name: &str) -> String {
    let at = list.find(&format!("\">{}</a>", escaped(name))).unwrap_or_else(|| panic!("{name} is not listed: {list}"));
    list[..at].rsplit("href=\"/outlets/").next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_adds_an_outlet_after_a_preview_then_pauses_fetches_and_edits_it() {
    let demo = DemoOutlets::start(Timestamp::now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(add_admin(&data, "editor", PASSWORD).status.success());
    let reader = tidings_with_input(&data, &["user", "add", "rita", "--password-stdin"], &format!("{PASSWORD}\n"));
    assert!(reader.status.success());
    let server = serve_loopback(&data);
    let client = http_no_redirects();
    let origin = server.url.clone();

    // Nobody logged in is sent to the login page; a reader is refused in words.
    let anonymous = client.get(format!("{origin}/admin/outlets")).send().await.unwrap();
    assert_eq!(anonymous.headers().get("location").map(|v| v.to_str().unwrap()), Some("/login"));
    let rita = log_in(&client, &origin, "rita", PASSWORD).await;
    for path in ["/admin/outlets", "/admin/outlets.opml", "/admin/outlets/1/edit"] {
        let refused = client.get(format!("{origin}{path}")).header("cookie", &rita).send().await.unwrap();
        assert_eq!(refused.status(), 403, "{path}");
        assert!(refused.text().await.unwrap().contains("Only administrators can manage outlets."));
    }
    let admin = Admin::log_in(&origin).await;
    assert!(admin.page("/account").await.contains("href=\"/admin/outlets\""), "the account page links the admin pages");
    assert!(admin.page("/admin/outlets").await.contains("No outlets yet"));

    // A site's address: the preview shows the feed it advertises and its first entries, and
    // stores nothing.
    let preview =
        admin.post("/admin/outlets/add", &[("url", demo.home_url("civic-signal")), ("full_text", "on".into())]).await;
    assert_eq!(preview.status(), 200);
    let preview = preview.text().await.unwrap();
    assert!(preview.contains("Follow Civic Signal"), "{preview}");
    let titles: Vec<String> = demo.catalog.articles_of("civic-signal").iter().map(|a| escaped(&a.title)).collect();
    let shown = preview.split("<ul class=\"preview-items\">").nth(1).unwrap().split("</ul>").next().unwrap();
    assert_eq!(shown.matches("<li>").count(), 5.min(titles.len()), "{shown}");
    assert!(shown.split("<li>").skip(1).all(|li| titles.iter().any(|t| li.starts_with(t.as_str()))), "{shown}");
    assert!(stdout(&tidings(&data, &["outlets"])).contains("No outlets yet"));

    // An address with no feed behind it is said in words, with the form to try again.
    let nothing = admin.post("/admin/outlets/add", &[("url", format!("http://{}/no-such-outlet/", demo.addr))]).await;
    assert_eq!(nothing.status(), 422);
    let nothing = nothing.text().await.unwrap();
    assert!(nothing.contains("role=\"alert\">No feed found at") || nothing.contains("404"), "{nothing}");
    assert!(nothing.contains("action=\"/admin/outlets/add\""));

    // A site that never finishes answering gets a page saying so, not the site's time limit.
    let bad = BadOutlets::start().await.unwrap();
    let slow = admin.post("/admin/outlets/add", &[("url", bad.hang_url())]).await;
    assert_eq!(slow.status(), 422);
    let slow = slow.text().await.unwrap();
    assert!(slow.contains("did not answer within 20 seconds"), "{slow}");

    // Confirming follows the feed the preview found.
    let feed_url = preview.split("name=\"url\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let list = admin
        .act(
            "/admin/outlets/add",
            &[
                ("url", feed_url.clone()),
                ("name", String::new()),
                ("category", "Local".into()),
                ("full_text", "on".into()),
                ("confirm", "follow".into()),
            ],
        )
        .await;
    assert!(list.contains("Following Civic Signal"), "{list}");
    let id = outlet_id(&list, "Civic Signal");

    // The worker fetches it (it is due at once); the list says how that went.
    let fetched_once = Instant::now();
    let list = loop {
        let list = admin.page("/admin/outlets").await;
        if list.contains("succeeded") {
            break list;
        }
        assert!(fetched_once.elapsed() < Duration::from_secs(60), "the new outlet was never fetched: {list}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(list.contains("Next fetch: in "), "{list}");

    // Fetch now makes it due at once, and the worker's next round fetches it.
    let feeds_before = demo.requests_served().0;
    let list = admin.act("/admin/outlets", &[("one", format!("fetch:{id}"))]).await;
    assert!(list.contains("Civic Signal is due now"), "{list}");
    let asked = Instant::now();
    while demo.requests_served().0 == feeds_before {
        assert!(asked.elapsed() < Duration::from_secs(60), "fetch now did not make the worker fetch the feed");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // Pause and resume.
    let list = admin.act("/admin/outlets", &[("one", format!("pause:{id}"))]).await;
    assert!(list.contains("Paused: Paused by an administrator."), "{list}");
    assert!(list.contains(&format!("value=\"resume:{id}\"")), "{list}");
    assert!(stdout(&tidings(&data, &["outlets"])).contains("paused"));
    let list = admin.act("/admin/outlets", &[("one", format!("fetch:{id}"))]).await;
    assert!(list.contains("Civic Signal is paused: resume it"), "fetch now leaves a paused outlet paused: {list}");
    let list = admin.act("/admin/outlets", &[("one", format!("resume:{id}"))]).await;
    assert!(list.contains(&format!("value=\"pause:{id}\"")) && !list.contains("Paused by an administrator"));

    // Settings that make no sense are refused in words, with what was typed kept.
    let edit = format!("/admin/outlets/{id}/edit");
    assert!(admin.page(&edit).await.contains("value=\"Civic Signal\""));
    let settings = |selector: &str, user_agent: &str| {
        vec![
            ("name", "Civic Signal Weekly".to_string()),
            ("category", "World".to_string()),
            ("selector", selector.to_string()),
            ("user_agent", user_agent.to_string()),
        ]
    };
    let bad = admin.post(&edit, &settings("div[", "")).await;
    assert_eq!(bad.status(), 422);
    let bad = bad.text().await.unwrap();
    assert!(bad.contains("Selector: ") && bad.contains("not a CSS selector"), "{bad}");
    assert!(bad.contains("value=\"Civic Signal Weekly\"") && bad.contains("value=\"div[\""), "{bad}");
    let blank = admin.post(&edit, &[("name", "  ".to_string())]).await;
    assert_eq!(blank.status(), 422);
    assert!(blank.text().await.unwrap().contains("Name: it is empty"));
    let list = admin.act(&edit, &settings(".article-body p", "SignalReader/1.0")).await;
    assert!(list.contains("Saved the settings of Civic Signal Weekly"), "{list}");
    for said in ["keeps its feed&#39;s own text", "article body &#34;.article-body p&#34;", "SignalReader/1.0", "World"]
    {
        assert!(list.contains(said), "{said}: {list}");
    }
    // The command line sees the same settings.
    let cli = stdout(&tidings(&data, &["outlets"]));
    assert!(cli.contains("Civic Signal Weekly") && cli.contains("user agent \"SignalReader/1.0\""), "{cli}");

    // Forms from another site, or without the token, are refused.
    let forged = admin
        .client
        .post(format!("{origin}/admin/outlets"))
        .header("cookie", &admin.cookie)
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[("token", form_token(&admin.page("/admin/outlets").await)), ("one", format!("pause:{id}"))]))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let untokened = admin
        .client
        .post(format!("{origin}/admin/outlets"))
        .header("cookie", &admin.cookie)
        .header("origin", &origin)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[("one", format!("pause:{id}"))]))
        .send()
        .await
        .unwrap();
    assert_eq!(untokened.status(), 403);
    assert!(!admin.page("/admin/outlets").await.contains("Paused by an administrator"));
    assert!(server.stop().success());
}

/// A multipart body with the form token, the full-text box ticked and `file` as the upload.
fn upload(token: &str, file: &str) -> (String, String) {
    let boundary = "tidings-test-boundary-7d1f";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"subs.opml\"\r\nContent-Type: text/x-opml\r\n\r\n{file}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"full_text\"\r\n\r\non\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_uploads_an_opml_list_downloads_it_with_its_folders_and_renames_categories() {
    let demo = DemoOutlets::start(Timestamp::now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(add_admin(&data, "editor", PASSWORD).status.success());
    let port = free_port();
    let server = Server::spawn(&["web", "--listen", &format!("127.0.0.1:{port}"), "--data", data.to_str().unwrap()]);
    let admin = Admin::log_in(&server.url).await;

    let feeds = demo.feed_urls();
    let mut opml = String::from("<opml version=\"2.0\"><body><outline text=\"Science &amp; Health\">");
    for (name, url) in &feeds[..3] {
        opml.push_str(&format!("<outline text=\"{name}\" xmlUrl=\"{url}\"/>"));
    }
    opml.push_str("</outline>");
    for (name, url) in &feeds[3..] {
        opml.push_str(&format!("<outline text=\"{name}\" xmlUrl=\"{url}\"/>"));
    }
    opml.push_str("<outline text=\"Scripted\" xmlUrl=\"javascript:alert(1)\"/></body></opml>");
    let send = |opml: String| {
        let admin = &admin;
        async move {
            let (kind, body) = upload(&form_token(&admin.page("/admin/outlets").await), &opml);
            admin
                .client
                .post(format!("{}/admin/outlets/import", admin.origin))
                .header("cookie", &admin.cookie)
                .header("origin", &admin.origin)
                .header("content-type", kind)
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let res = send(opml.clone()).await;
    assert_eq!(res.status(), 303);
    let list = admin.page(res.headers().get("location").unwrap().to_str().unwrap()).await;
    assert!(list.contains("Imported 6 outlets (0 already followed, 1 skipped)."), "{list}");
    assert!(list.contains("is not an http(s) URL"), "{list}");
    assert_eq!(list.matches("Science &#38; Health").count(), 3, "{list}");
    // The same list again adds nothing.
    let again = send(opml).await;
    let list = admin.page(again.headers().get("location").unwrap().to_str().unwrap()).await;
    assert!(list.contains("Imported 0 outlets (6 already followed, 1 skipped)."), "{list}");
    // Something that is not OPML is refused in words.
    let junk = send("this is not a subscription list".to_string()).await;
    let list = admin.page(junk.headers().get("location").unwrap().to_str().unwrap()).await;
    assert!(list.contains("Nothing was imported."), "{list}");
    // Categories reach the public site.
    assert!(admin.page("/categories").await.contains("Science &#38; Health"));
    // The download is the list the command line exports, folders included.
    let download = admin.get("/admin/outlets.opml").await;
    assert_eq!(download.status(), 200);
    let kind = download.headers().get("content-type").unwrap().to_str().unwrap().to_string();
    assert!(kind.starts_with("text/x-opml"), "{kind}");
    assert!(download.headers().get("content-disposition").unwrap().to_str().unwrap().starts_with("attachment"));
    let downloaded = download.text().await.unwrap();
    assert_eq!(downloaded, stdout(&tidings(&data, &["export-opml"])));
    for (_, url) in &feeds {
        assert!(downloaded.contains(url.as_str()), "{url} is missing: {downloaded}");
    }
    assert!(downloaded.contains("<outline text=\"Science &amp; Health\""), "{downloaded}");

    // Categories are renamed (or merged) and emptied from the admin's page.
    let categories = admin.page("/admin/categories").await;
    assert!(categories.contains("name=\"from\" value=\"Science &#38; Health\""), "{categories}");
    let rename = |from: &str, to: &str| vec![("from", from.to_string()), ("to", to.to_string())];
    let renamed = admin.post("/admin/categories", &rename("Science & Health", "Health")).await;
    assert_eq!(renamed.status(), 303);
    let categories = admin.page(renamed.headers().get("location").unwrap().to_str().unwrap()).await;
    assert!(categories.contains("Moved 3 outlet(s) from Science &#38; Health to Health."), "{categories}");
    let public = admin.page("/categories").await;
    assert!(public.contains(">Health</a>") && !public.contains("Science"), "{public}");
    let too_long = admin.post("/admin/categories", &rename("Health", &"x".repeat(101))).await;
    let categories = admin.page(too_long.headers().get("location").unwrap().to_str().unwrap()).await;
    assert!(categories.contains("Nothing was moved. Category: it has 101 characters"), "{categories}");
    let emptied = admin.post("/admin/categories", &rename("Health", "")).await;
    let categories = admin.page(emptied.headers().get("location").unwrap().to_str().unwrap()).await;
    assert!(categories.contains("Took 3 outlet(s) out of Health.") && categories.contains("No categories yet"));

    assert!(server.stop().success());
}
