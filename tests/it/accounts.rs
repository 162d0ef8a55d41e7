//! Accounts through the real binary and real HTTP: `tidings user`, logging in and out, and the
//! form guard refusing cross-site posts, missing tokens and password guessing.

use tidings_testkit::{free_port, http_no_redirects};

use crate::support::{Server, stdout, tidings, tidings_with_input};

/// `tidings user add NAME --admin --password-stdin` with `password`.
pub(crate) fn add_admin(data: &std::path::Path, name: &str, password: &str) -> std::process::Output {
    tidings_with_input(data, &["user", "add", name, "--admin", "--password-stdin"], &format!("{password}\n"))
}

/// The value a response sets for cookie `name`.
pub(crate) fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        v.strip_prefix(&format!("{name}=")).map(|rest| rest.split(';').next().unwrap_or_default().to_string())
    })
}

/// `fields` as a form body.
pub(crate) fn form(fields: &[(&str, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish()
}

/// The hidden form token in a page.
pub(crate) fn form_token(html: &str) -> String {
    html.split("name=\"token\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string()
}

/// Logs `name` in through the login form at `origin`; the `cookie` header of the session.
pub(crate) async fn log_in(client: &reqwest::Client, origin: &str, name: &str, password: &str) -> String {
    let page = client.get(format!("{origin}/login")).send().await.unwrap();
    let browser = set_cookie(&page, "tidings_browser").unwrap();
    let token = form_token(&page.text().await.unwrap());
    let fields = [("token", token), ("name", name.to_string()), ("password", password.to_string())];
    let ok = client
        .post(format!("{origin}/login"))
        .header("cookie", format!("tidings_browser={browser}"))
        .header("origin", origin)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&fields))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 303, "{name} could not log in");
    format!("tidings_browser={browser}; tidings_session={}", set_cookie(&ok, "tidings_session").unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_logs_in_and_out_and_forged_or_guessed_logins_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let weak = add_admin(&data, "ada", "short");
    assert!(!weak.status.success() && String::from_utf8_lossy(&weak.stderr).contains("at least 8"));
    let made = add_admin(&data, "ada", "correct horse battery");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    assert!(stdout(&tidings(&data, &["user", "list"])).contains("ada"));
    let twice = add_admin(&data, "ADA", "correct horse battery");
    assert!(String::from_utf8_lossy(&twice.stderr).contains("already an account"), "names ignore case");

    let port = free_port();
    let server = Server::spawn(&["serve", "--listen", &format!("127.0.0.1:{port}"), "--data", data.to_str().unwrap()]);
    let origin = server.url.clone();
    let client = http_no_redirects();

    let page = client.get(format!("{origin}/login")).send().await.unwrap();
    let browser = set_cookie(&page, "tidings_browser").expect("the login form gives the browser its cookie");
    let token = form_token(&page.text().await.unwrap());
    let cookies = format!("tidings_browser={browser}");
    let post = |fields: Vec<(&'static str, String)>, from: &str| {
        client
            .post(format!("{origin}/login"))
            .header("cookie", cookies.clone())
            .header("origin", from.to_string())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(&fields))
            .send()
    };

    // A cross-site post and a post without the token are refused with a readable page.
    let good = || {
        vec![("token", token.clone()), ("name", "ada".to_string()), ("password", "correct horse battery".to_string())]
    };
    let cross = post(good(), "https://evil.example").await.unwrap();
    assert_eq!(cross.status(), 403);
    assert!(cross.text().await.unwrap().contains("not sent from this site"));
    let untokened =
        post(vec![("name", "ada".into()), ("password", "correct horse battery".into())], &origin).await.unwrap();
    assert_eq!(untokened.status(), 403);

    // A wrong password says nothing of whether the account exists.
    let wrong =
        post(vec![("token", token.clone()), ("name", "ada".into()), ("password", "wrong password".into())], &origin)
            .await
            .unwrap();
    assert_eq!(wrong.status(), 401);
    let nobody =
        post(vec![("token", token.clone()), ("name", "nobody".into()), ("password", "wrong password".into())], &origin)
            .await
            .unwrap();
    assert_eq!(nobody.status(), 401);
    assert_eq!(
        wrong.text().await.unwrap().matches("The name or the password is wrong.").count(),
        nobody.text().await.unwrap().matches("The name or the password is wrong.").count()
    );

    // Logging in: a session cookie, HttpOnly and SameSite=Lax, and the account page.
    let ok = post(good(), &origin).await.unwrap();
    assert_eq!(ok.status(), 303);
    let raw = ok.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect::<Vec<_>>();
    let session_line = raw.iter().find(|l| l.starts_with("tidings_session=")).unwrap();
    assert!(session_line.contains("HttpOnly") && session_line.contains("SameSite=Lax"), "{session_line}");
    let session = set_cookie(&ok, "tidings_session").unwrap();
    let both = format!("tidings_browser={browser}; tidings_session={session}");
    let account = client.get(format!("{origin}/account")).header("cookie", both.clone()).send().await.unwrap();
    let account = account.text().await.unwrap();
    assert!(account.contains("logged in as <strong>ada</strong>"), "{account}");

    // Logging out everywhere ends the session.
    let out = client
        .post(format!("{origin}/logout/everywhere"))
        .header("cookie", both.clone())
        .header("origin", origin.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[("token", form_token(&account))]))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    let after = client.get(format!("{origin}/account")).header("cookie", both).send().await.unwrap();
    assert_eq!(after.headers().get("location").map(|v| v.to_str().unwrap()), Some("/login"));

    // Guessing: after five failures the account is locked for a while, with a clear message,
    // even for the right password.
    for _ in 0..5 {
        post(vec![("token", token.clone()), ("name", "ada".into()), ("password", "guess".into())], &origin)
            .await
            .unwrap();
    }
    let locked = post(good(), &origin).await.unwrap();
    assert_eq!(locked.status(), 429);
    assert!(locked.text().await.unwrap().contains("Too many failed log-ins"));
    server.stop();
}
