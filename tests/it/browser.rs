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

/// What the focused element is: its tag, id, class and text.
async fn focused(browser: &Browser) -> String {
    let v = browser
        .execute(
            "var e = document.activeElement; \
             return e ? e.tagName + '#' + e.id + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 80) : '';",
        )
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn keyboard_shortcuts_move_through_items_open_them_and_show_their_help() {
    let (server, _demo, dir) = crate::site::demo_site().await;
    let browser = Browser::start().await.unwrap_or_else(|e| panic!("{e}"));
    browser.goto(&format!("{}/latest", server.url)).await.unwrap();
    let titles: Vec<String> = serde_json::from_value(
        browser
            .execute(
                "return Array.from(document.querySelectorAll('main ul.articles > li h3 a')).map(a => a.textContent);",
            )
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(titles.len() > 3);

    // j and k move through the list, focusing each item's link; o opens it.
    browser.press("j").await.unwrap();
    assert!(focused(&browser).await.ends_with(&titles[0]), "{}", focused(&browser).await);
    browser.press("jj").await.unwrap();
    assert!(focused(&browser).await.ends_with(&titles[2]), "{}", focused(&browser).await);
    browser.press("k").await.unwrap();
    assert!(focused(&browser).await.ends_with(&titles[1]), "{}", focused(&browser).await);
    let current = browser.execute("return document.querySelectorAll('.current').length;").await.unwrap();
    assert_eq!(current, 1, "one item is marked as the current one");
    browser.press_to_navigate("o").await.unwrap();
    assert_eq!(browser.text("article.reader h1").await.unwrap(), titles[1]);

    // ? shows the shortcuts and hides them again; / goes to the search box.
    browser.press("?").await.unwrap();
    let help = browser.text("dialog#keyboard-help").await.unwrap();
    assert!(help.contains("Keyboard shortcuts") && help.contains("next item"), "{help}");
    assert_eq!(browser.execute("return document.getElementById('keyboard-help').open;").await.unwrap(), true);
    browser.press("?").await.unwrap();
    assert_eq!(browser.execute("return document.getElementById('keyboard-help').open;").await.unwrap(), false);
    browser.press("/").await.unwrap();
    assert!(focused(&browser).await.starts_with("INPUT#site-search"), "{}", focused(&browser).await);
    // Typed into the search box, the same letters are words, not shortcuts.
    browser.press("jo").await.unwrap();
    let typed = browser.execute("return document.getElementById('site-search').value;").await.unwrap();
    assert_eq!(typed, "jo");

    // Times are written in UTC and shown in the reader's own time zone.
    browser.devtools("Emulation.setTimezoneOverride", serde_json::json!({ "timezoneId": "Asia/Tokyo" })).await.unwrap();
    let url = browser.url().await.unwrap();
    browser.goto(&url).await.unwrap();
    let shown = browser.text("article.reader time.local").await.unwrap();
    let utc = browser.execute("return document.querySelector('article.reader time.local').title;").await.unwrap();
    assert!(utc.as_str().unwrap().ends_with("UTC"), "{utc}");
    assert!(shown.contains("GMT+9"), "the time is not in the reader's zone: {shown}");

    // A logged-in reader stars an article with s and marks it read with m: the page's own forms.
    let data = dir.path().join("data");
    let added =
        crate::support::tidings_with_input(&data, &["user", "add", "reader", "--password-stdin"], "a long password\n");
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    browser.goto(&format!("{}/login", server.url)).await.unwrap();
    browser.fill("#name", "reader").await.unwrap();
    browser.fill("#password", "a long password").await.unwrap();
    browser.submit("form.account button[type=submit]").await.unwrap();
    browser.goto(&url).await.unwrap();
    assert!(!browser.text(".reader-controls").await.unwrap().contains("Starred"));
    browser.press_to_navigate("s").await.unwrap();
    assert!(browser.text(".reader-controls").await.unwrap().contains("Starred"), "s did not star the article");
    browser.press_to_navigate("m").await.unwrap();
    let state = browser.text(".reader-controls").await.unwrap();
    assert!(state.contains("Read") && state.contains("Mark as unread"), "m did not mark the article read: {state}");
    browser.close().await;
    assert!(server.stop().success());
}

/// axe-core, installed by `scripts/install-test-deps.sh` beside the build.
fn axe_source() -> String {
    let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().to_path_buf();
    let path = target.join("test-node/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: run scripts/install-test-deps.sh (with the same CARGO_TARGET_DIR) to install axe-core",
            path.display()
        )
    })
}

/// The serious and critical axe-core violations of the page `browser` shows, one line each.
async fn violations(browser: &Browser, axe: &str) -> Vec<String> {
    browser.execute(&format!("{axe}\nreturn true;")).await.unwrap();
    let found = browser
        .execute_async(
            "var done = arguments[arguments.length - 1];\
             axe.run(document, { resultTypes: ['violations'] }).then(function (r) {\
               done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })\
                 .map(function (v) { return v.impact + ' ' + v.id + ': ' + v.help + ' at ' +\
                   v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(', '); }));\
             }, function (e) { done(['axe failed: ' + e]); });",
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_type_has_no_serious_accessibility_violation_light_or_dark_phone_or_desktop() {
    let axe = axe_source();
    let (server, _demo, dir) = crate::site::demo_site().await;
    let base = &server.url;
    let client = tidings_testkit::http();
    let front = client.get(format!("{base}/")).send().await.unwrap().text().await.unwrap();
    let admin = crate::accounts::add_admin(&dir.path().join("data"), "editor", "a long password");
    assert!(admin.status.success(), "{}", String::from_utf8_lossy(&admin.stderr));
    let first = |html: &str, prefix: &str| {
        html.split(&format!("href=\"{prefix}"))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|s| format!("{prefix}{s}"))
            .unwrap()
    };
    let categories = client.get(format!("{base}/categories")).send().await.unwrap().text().await.unwrap();
    let pages = [
        "/".to_string(),
        "/latest".to_string(),
        "/categories".to_string(),
        first(&categories, "/categories/"),
        "/outlets".to_string(),
        first(&front, "/outlets/"),
        first(&front, "/stories/"),
        first(&front, "/articles/"),
        "/search?q=bridge".to_string(),
        "/login".to_string(),
        "/signup".to_string(),
        // The operator's pages, seen logged in as an admin.
        "/account".to_string(),
        "/admin/outlets".to_string(),
        format!("/admin{}/edit", first(&front, "/outlets/")),
        "/admin/categories".to_string(),
        "/admin/comments".to_string(),
    ];
    let browser = Browser::start().await.unwrap_or_else(|e| panic!("{e}"));
    browser.goto(&format!("{base}/login")).await.unwrap();
    browser.fill("#name", "editor").await.unwrap();
    browser.fill("#password", "a long password").await.unwrap();
    browser.submit("form.account button[type=submit]").await.unwrap();
    browser.goto(&format!("{base}/admin/outlets")).await.unwrap();
    assert_eq!(browser.text("h1").await.unwrap(), "Manage outlets", "the admin is not logged in");
    let mut failures = Vec::new();
    for (width, mobile) in [(390, true), (1280, false)] {
        let metrics = serde_json::json!({ "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile });
        browser.devtools("Emulation.setDeviceMetricsOverride", metrics).await.unwrap();
        for scheme in ["light", "dark"] {
            let media = serde_json::json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] });
            browser.devtools("Emulation.setEmulatedMedia", media).await.unwrap();
            for page in &pages {
                browser.goto(&format!("{base}{page}")).await.unwrap();
                for v in violations(&browser, &axe).await {
                    failures.push(format!("{page} ({scheme}, {width}px): {v}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} serious or critical violations:\n{}", failures.len(), failures.join("\n"));
    // axe does see what it should: a button with no name is a critical violation.
    browser
        .execute("document.querySelector('main').appendChild(document.createElement('button')); return true;")
        .await
        .unwrap();
    let found = violations(&browser, &axe).await;
    assert!(found.iter().any(|v| v.contains("button-name")), "axe missed a nameless button: {found:?}");
    browser.close().await;
    assert!(server.stop().success());
}

#[tokio::test(flavor = "multi_thread")]
async fn keyboard_only_the_skip_link_comes_first_and_focus_is_always_visible() {
    let (server, _demo, _dir) = crate::site::demo_site().await;
    let browser = Browser::start().await.unwrap_or_else(|e| panic!("{e}"));
    browser.goto(&format!("{}/", server.url)).await.unwrap();
    browser.press("\u{E004}").await.unwrap();
    assert!(focused(&browser).await.starts_with("A#.skip Skip to content"), "{}", focused(&browser).await);
    let visible = "var e = document.activeElement, s = getComputedStyle(e); \
                   return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && e.getBoundingClientRect().left >= 0;";
    assert_eq!(browser.execute(visible).await.unwrap(), true, "the skip link is focused but not visible");
    browser.press("\u{E007}").await.unwrap();
    assert!(
        focused(&browser).await.starts_with("MAIN#main"),
        "the skip link left focus at {}",
        focused(&browser).await
    );
    // Every stop of the tab order after it shows where the focus is.
    for _ in 0..40 {
        browser.press("\u{E004}").await.unwrap();
        let at = focused(&browser).await;
        assert_eq!(browser.execute(visible).await.unwrap(), true, "focus on {at} is not visible");
    }
    browser.close().await;
    assert!(server.stop().success());
}
