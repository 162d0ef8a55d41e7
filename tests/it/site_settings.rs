//! Site settings through the real binary and real HTTP: the command line's defaults, an admin
//! changing them on /admin/settings (refused in words when they make no sense), the change in
//! force at once and after a restart; readers and anonymous visitors turned away.

use tidings_testkit::http_no_redirects;

use crate::accounts::{add_admin, form, form_token, log_in};
use crate::support::{Server, tidings_with_input};

const PASSWORD: &str = "correct horse battery";

fn serve(data: &std::path::Path) -> Server {
    let listen = format!("127.0.0.1:{}", tidings_testkit::free_port());
    let data = data.to_str().unwrap();
    Server::spawn(&["serve", "--listen", &listen, "--data", data, "--site-name", "Harbour Daily", "--signup-closed"])
}

/// The `<title>` of `page`.
fn title(page: &str) -> &str {
    page.split("<title>").nth(1).unwrap().split("</title>").next().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_renames_the_site_opens_sign_up_and_sets_comment_rules_and_a_restart_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(add_admin(&data, "editor", PASSWORD).status.success());
    let reader = tidings_with_input(&data, &["user", "add", "rita", "--password-stdin"], &format!("{PASSWORD}\n"));
    assert!(reader.status.success());
    let server = serve(&data);
    let client = http_no_redirects();
    let origin = server.url.clone();
    let get = |path: &str, cookie: &str| {
        let req = client.get(format!("{origin}{path}"));
        let req = if cookie.is_empty() { req } else { req.header("cookie", cookie) };
        async move { req.send().await.unwrap() }
    };

    // The command line's defaults: its name in the header and titles, sign-up closed.
    let front = get("/", "").await.text().await.unwrap();
    assert_eq!(title(&front), "Harbour Daily — top stories");
    assert!(front.contains("<a class=\"brand\" href=\"/\">Harbour Daily</a>"), "{front}");
    assert!(get("/signup", "").await.text().await.unwrap().contains("Sign-up is closed on this site."));

    // Only admins: nobody logged in goes to the login page, a reader is refused in words.
    let anonymous = get("/admin/settings", "").await;
    assert_eq!(anonymous.headers().get("location").map(|v| v.to_str().unwrap()), Some("/login"));
    let rita = log_in(&client, &origin, "rita", PASSWORD).await;
    let refused = get("/admin/settings", &rita).await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("Only the site's administrators can change its settings."));

    let admin = log_in(&client, &origin, "editor", PASSWORD).await;
    let account = get("/account", &admin).await.text().await.unwrap();
    assert!(account.contains("href=\"/admin/settings\""), "an admin's account page does not lead to the settings");
    assert!(!get("/account", &rita).await.text().await.unwrap().contains("/admin/settings"));
    let save = |fields: Vec<(&'static str, String)>| {
        let (client, origin, admin) = (client.clone(), origin.clone(), admin.clone());
        async move {
            let page = client.get(format!("{origin}/admin/settings")).header("cookie", &admin).send().await.unwrap();
            assert_eq!(page.status(), 200);
            let mut all = vec![("token", form_token(&page.text().await.unwrap()))];
            all.extend(fields);
            client
                .post(format!("{origin}/admin/settings"))
                .header("cookie", &admin)
                .header("origin", &origin)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form(&all))
                .send()
                .await
                .unwrap()
        }
    };
    let fields = |name: &str, hold: &str, spam: &str| {
        vec![
            ("name", name.to_string()),
            ("signup_open", "on".to_string()),
            ("per_address", "3".to_string()),
            ("per_email", "2".to_string()),
            ("min_fill", "0".to_string()),
            ("hold_links", hold.to_string()),
            ("spam_links", spam.to_string()),
        ]
    };

    // Settings that make no sense are refused in words and change nothing.
    let bad = save(fields("The Quay Courier", "5", "2")).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("marked spam from at least as many links as hold it"));
    let bad = save(fields("", "2", "5")).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("The site&#39;s name must be 1 to 80 characters"));
    assert!(get("/signup", "").await.text().await.unwrap().contains("Sign-up is closed on this site."));

    // Saved: in force at once, on the settings page and the pages readers see.
    let saved = save(fields("The Quay Courier", "2", "5")).await;
    assert_eq!(saved.status(), 303);
    let page = get(saved.headers()["location"].to_str().unwrap(), &admin).await.text().await.unwrap();
    assert!(page.contains("The settings are saved."), "{page}");
    for (field, value) in [("per_address", "3"), ("per_email", "2"), ("min_fill", "0"), ("hold_links", "2")] {
        assert!(page.contains(&format!("name=\"{field}\" value=\"{value}\"")), "{field}: {page}");
    }
    let signup = get("/signup", "").await.text().await.unwrap();
    assert_eq!(title(&signup), "Sign up · The Quay Courier");
    assert!(signup.contains("action=\"/signup\""), "sign-up is open: {signup}");

    // A restart with the same command line keeps what the admin saved.
    drop(server);
    let server = serve(&data);
    let login = client.get(format!("{}/login", server.url)).send().await.unwrap().text().await.unwrap();
    assert_eq!(title(&login), "Log in · The Quay Courier");
    assert!(login.contains("<a class=\"brand\" href=\"/\">The Quay Courier</a>"));
}
