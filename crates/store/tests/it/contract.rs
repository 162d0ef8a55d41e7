use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tidings_core::{ArticleId, ExtractionStatus, FeedId, LeadImage, OutletId, StoryId};
use tidings_store::{
    COMMENT_MAX_DEPTH, Category, CommentBlock, CommentStatus, CopyPrint, Error, FeedClaim, FetchRecord, HostTurn,
    Listing, NewArticle, NewComment, NewCopy, NewOutlet, ParagraphHistory, RowValue, Screening, Store, StoredRobots,
    StoryRef, StoryWrite,
};

/// Records an outlet's paragraph history, keeping its newest two articles'.
async fn record_history(
    store: &Store,
    outlet: OutletId,
    articles: &[(&str, &[i64])],
    removed: &[(i64, &str)],
    now: Timestamp,
) {
    let articles: Vec<(String, Vec<i64>)> = articles.iter().map(|(u, f)| (u.to_string(), f.to_vec())).collect();
    let removed: Vec<(i64, String)> = removed.iter().map(|(f, l)| (*f, l.to_string())).collect();
    let history = ParagraphHistory { outlet, articles: &articles, removed: &removed, keep: 2, now };
    store.record_paragraph_history(&history).await.unwrap();
}

fn t(hours: i64) -> Timestamp {
    Timestamp::from_second(1_790_000_000).unwrap_or(Timestamp::UNIX_EPOCH) + SignedDuration::from_hours(hours)
}

fn outlet(name: &str) -> NewOutlet {
    NewOutlet {
        name: name.to_string(),
        site_url: Some(format!("https://{name}.example/")),
        category: None,
        full_text: true,
    }
}

fn article(outlet: OutletId, feed: FeedId, n: u32, hours: i64, title: &str) -> NewArticle {
    NewArticle {
        outlet_id: outlet,
        feed_id: Some(feed),
        guid: Some(format!("guid-{n}")),
        url: format!("http://127.0.0.1:9/{outlet}/{n}?utm_source=feed"),
        canonical_url: format!("https://o{outlet}.example/{n}"),
        title: title.to_string(),
        authors: vec!["Ada Byrne".to_string(), "Sam Reyes".to_string()],
        published_at: Some(t(hours)),
        updated_at: None,
        fetched_at: t(hours + 1),
        content_html: "<p>Body ü</p>".to_string(),
        content_text: "Body ü".to_string(),
        excerpt: "Body ü".to_string(),
        lang: Some("en".to_string()),
        extraction: ExtractionStatus::Extracted,
        extraction_note: None,
        copy_print: None,
        lead_image: None,
    }
}

/// One story of use; every backend must tell it the same way.
async fn story(store: Store) {
    // Subscribing.
    let herald = store.add_outlet(&outlet("herald"), "https://herald.example/feed.xml", t(0)).await.unwrap();
    let wire = store.add_outlet(&outlet("wire"), "https://wire.example/feed.json", t(0)).await.unwrap();
    assert_eq!(herald.article_count, 0);
    assert!(herald.outlet.full_text);
    let again = store.add_outlet(&outlet("herald"), "https://herald.example/feed.xml", t(0)).await;
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    assert_eq!(store.outlets().await.unwrap().len(), 2);
    assert!(matches!(store.outlet(OutletId(999_999)).await, Err(Error::NotFound(_))));
    // Per-outlet fetching settings: set, kept apart, cleared.
    store.set_outlet_fetching(wire.outlet.id, Some("article .body"), Some("Reader/1.0")).await.unwrap();
    store.set_outlet_fetching(wire.outlet.id, None, Some("Reader/2.0")).await.unwrap();
    let set = store.outlet(wire.outlet.id).await.unwrap().outlet;
    assert_eq!((set.selector.as_deref(), set.user_agent.as_deref()), (Some("article .body"), Some("Reader/2.0")));
    store.set_outlet_fetching(wire.outlet.id, Some(""), None).await.unwrap();
    let cleared = store.outlet(wire.outlet.id).await.unwrap().outlet;
    assert_eq!((cleared.selector, cleared.user_agent.as_deref()), (None, Some("Reader/2.0")));
    assert!(herald.outlet.selector.is_none() && herald.outlet.user_agent.is_none());
    let missing = store.set_outlet_fetching(OutletId(999_999), Some("p"), None).await;
    assert!(matches!(missing, Err(Error::NotFound(_))));

    // Scheduling and health.
    assert_eq!(store.due_feeds(t(0), 10).await.unwrap().len(), 2);
    let ok = FetchRecord {
        at: t(1),
        error: None,
        etag: Some("\"v1\"".into()),
        last_modified: None,
        next_fetch_at: t(2),
        pause: None,
    };
    store.record_fetch(herald.feed.id, &ok).await.unwrap();
    let failed = FetchRecord {
        at: t(1),
        error: Some("wire.example did not answer".into()),
        etag: None,
        last_modified: None,
        next_fetch_at: t(3),
        pause: None,
    };
    store.record_fetch(wire.feed.id, &failed).await.unwrap();
    let due: Vec<String> = store.due_feeds(t(2), 10).await.unwrap().into_iter().map(|h| h.outlet.name).collect();
    assert_eq!(due, ["herald"]);
    let w = store.outlet(wire.outlet.id).await.unwrap();
    assert_eq!(w.feed.last_error.as_deref(), Some("wire.example did not answer"));
    assert_eq!(w.feed.consecutive_failures, 1);
    let paused = FetchRecord { pause: Some("failed 10 times in a row".into()), ..failed.clone() };
    store.record_fetch(wire.feed.id, &paused).await.unwrap();
    assert!(store.due_feeds(t(100), 10).await.unwrap().iter().all(|h| h.outlet.id != wire.outlet.id));
    store.resume_feed(wire.feed.id, t(4)).await.unwrap();
    let w = store.outlet(wire.outlet.id).await.unwrap();
    assert_eq!((w.feed.paused_reason, w.feed.consecutive_failures), (None, 0));
    let h = store.outlet(herald.outlet.id).await.unwrap();
    assert_eq!((h.feed.etag.as_deref(), h.feed.last_error), (Some("\"v1\""), None));
    // An operator pauses, fetches now, renames and files an outlet; a fetch under way when it
    // was paused leaves it paused.
    store.pause_feed(wire.feed.id, "paused by an operator").await.unwrap();
    store.record_fetch(wire.feed.id, &failed).await.unwrap();
    let w = store.outlet(wire.outlet.id).await.unwrap();
    assert_eq!(w.feed.paused_reason.as_deref(), Some("paused by an operator"));
    assert!(store.due_feeds(t(100), 10).await.unwrap().iter().all(|h| h.outlet.id != wire.outlet.id));
    store.resume_feed(wire.feed.id, t(4)).await.unwrap();
    store.fetch_feed_now(herald.feed.id, t(1)).await.unwrap();
    assert_eq!(store.outlet(herald.outlet.id).await.unwrap().feed.next_fetch_at, t(1));
    assert!(matches!(store.pause_feed(FeedId(999_999), "x").await, Err(Error::NotFound(_))));
    store.set_outlet_naming(wire.outlet.id, Some(" The Wire "), Some("World")).await.unwrap();
    store.set_outlet_naming(wire.outlet.id, None, None).await.unwrap();
    let named = store.outlet(wire.outlet.id).await.unwrap().outlet;
    assert_eq!((named.name.as_str(), named.category.as_deref()), ("The Wire", Some("World")));
    // Renaming a category moves its outlets; renaming to nothing takes them out of it.
    assert_eq!(store.rename_category("World", "Wires").await.unwrap(), 1);
    assert_eq!(store.outlet(wire.outlet.id).await.unwrap().outlet.category.as_deref(), Some("Wires"));
    assert_eq!(store.rename_category("No such category", "Else").await.unwrap(), 0);
    assert_eq!(store.rename_category("Wires", " ").await.unwrap(), 1);
    assert_eq!(store.outlet(wire.outlet.id).await.unwrap().outlet.category, None);
    store.set_outlet_naming(wire.outlet.id, Some("wire"), Some("World")).await.unwrap();
    store.set_outlet_naming(wire.outlet.id, None, Some("")).await.unwrap();
    assert_eq!(store.outlet(wire.outlet.id).await.unwrap().outlet.category, None);

    // Permanent redirect moves the feed; taking another feed's address is refused.
    store.set_feed_url(herald.feed.id, "https://herald.example/rss").await.unwrap();
    assert!(store.outlet_by_feed_url("https://herald.example/rss").await.unwrap().is_some());
    assert!(matches!(
        store.set_feed_url(herald.feed.id, "https://wire.example/feed.json").await,
        Err(Error::Conflict(_))
    ));

    // Articles, deduplicated by canonical URL and by guid.
    let a1 = store
        .insert_article(&article(herald.outlet.id, herald.feed.id, 1, 10, "Bridge reopens"))
        .await
        .unwrap()
        .unwrap();
    let dup = article(herald.outlet.id, herald.feed.id, 1, 10, "Bridge reopens (copy)");
    assert_eq!(store.insert_article(&dup).await.unwrap(), None);
    assert!(store.article_known(herald.feed.id, Some("guid-1"), "https://other.example/").await.unwrap());
    assert!(store.article_known(wire.feed.id, None, "https://o1.example/1").await.unwrap());
    assert!(!store.article_known(wire.feed.id, Some("guid-1"), "https://nowhere.example/").await.unwrap());
    let a2 = store
        .insert_article(&article(wire.outlet.id, wire.feed.id, 2, 12, "Harbour bridge open again"))
        .await
        .unwrap()
        .unwrap();
    let a3 =
        store.insert_article(&article(wire.outlet.id, wire.feed.id, 3, 14, "Striker signs")).await.unwrap().unwrap();

    let got = store.article(a1).await.unwrap();
    assert_eq!(got.title, "Bridge reopens");
    assert_eq!(got.outlet_name, "herald");
    assert_eq!(got.authors, ["Ada Byrne", "Sam Reyes"]);
    assert_eq!(got.published_at, Some(t(10)));
    assert_eq!(got.content_text, "Body ü");
    assert_eq!(got.extraction, ExtractionStatus::Extracted);
    let latest: Vec<_> = store.latest_articles(10).await.unwrap().into_iter().map(|a| a.id).collect();
    assert_eq!(latest, [a3, a2, a1]);
    assert_eq!(store.outlet_articles(wire.outlet.id, 10).await.unwrap().len(), 2);
    assert_eq!(store.outlet(herald.outlet.id).await.unwrap().article_count, 1);
    assert_eq!(store.recent_briefs(t(11), 10).await.unwrap().len(), 2);

    // Stories: the earlier report is first, whatever the order they are joined in; the headline
    // is the report the story grew from until clustering chooses another of its reports.
    let s = store.attach_story(a2, a1, t(13)).await.unwrap();
    let story = store.story(s).await.unwrap();
    assert_eq!((story.first_article_id, story.title.as_str()), (a1, "Harbour bridge open again"));
    assert_eq!((story.article_count, story.outlet_count), (2, 2));
    store.set_story_headline(s, a1).await.unwrap();
    store.set_story_headline(s, a3).await.unwrap();
    assert_eq!(store.story(s).await.unwrap().title, "Bridge reopens", "a3 is not in the story (yet)");
    store.join_story(s, a3).await.unwrap();
    // Attaching to an article that already has a story joins that story.
    assert_eq!(store.attach_story(a1, a3, t(16)).await.unwrap(), s);
    let ids: Vec<_> = store.story_articles(s).await.unwrap().into_iter().map(|a| a.id).collect();
    assert_eq!(ids, [a1, a2, a3]);
    // Lists read no bodies: a story's coverage is each outlet's first report, earliest first.
    let ids: Vec<_> = store.story_headlines(s).await.unwrap().into_iter().map(|a| a.id).collect();
    assert_eq!(ids, [a1, a2, a3]);
    let coverage = store.story_coverage(&[s, StoryId(s.0 + 1_000)], 6).await.unwrap();
    let ids: Vec<_> = coverage[0].1.iter().map(|a| a.id).collect();
    assert_eq!((coverage[0].0, ids), (s, vec![a1, a2]), "wire's second report is not its coverage");
    assert!(coverage[1].1.is_empty());
    assert_eq!(store.story_coverage(&[s], 1).await.unwrap()[0].1.len(), 1);
    let listed = store.articles_listed(&[a3, ArticleId(a3.0 + 1_000), a1]).await.unwrap();
    assert_eq!(listed.iter().map(|a| a.id).collect::<Vec<_>>(), [a3, a1]);
    assert_eq!((listed[1].content_html.as_str(), listed[1].content_text.as_str()), ("", "Body ü"));
    let headlines = store.list_headlines(&Listing::Outlet(wire.outlet.id), None, 10).await.unwrap();
    assert_eq!(headlines.iter().map(|a| a.id).collect::<Vec<_>>(), [a3, a2]);
    // A story's time is its latest report's, not when it was clustered.
    assert_eq!(store.story(s).await.unwrap().updated_at, t(14));
    assert_eq!(store.recent_stories(t(14), 10).await.unwrap().len(), 1);
    assert_eq!(store.recent_stories(t(15), 10).await.unwrap().len(), 0);
    assert_eq!(store.article(a2).await.unwrap().story_id, Some(s));
    // Clustering catches up on what other workers placed, in the order they placed it, under
    // one turn at a time; what is stored but not placed yet is not replayed.
    let turn = store.story_turn().await.unwrap();
    assert_eq!(store.last_placed().await.unwrap(), 0);
    let first = store.mark_placed(a3).await.unwrap();
    assert_eq!(store.mark_placed(a1).await.unwrap(), first + 1);
    assert_eq!(store.mark_placed(a3).await.unwrap(), first, "a placement is recorded once");
    turn.end().await.unwrap();
    let placed: Vec<_> = store.placed_after(0, 10).await.unwrap().into_iter().map(|(_, b)| b.id).collect();
    assert_eq!(placed, [a3, a1]);
    assert_eq!(store.placed_after(first, 10).await.unwrap().len(), 1);
    let since: Vec<_> = store.placed_since(t(11), 10).await.unwrap().into_iter().map(|b| b.id).collect();
    assert_eq!(since, [a3], "a2 is not placed yet");
    let orphans: Vec<_> = store.unplaced_orphans(t(0), 10).await.unwrap().into_iter().map(|b| b.id).collect();
    assert_eq!(orphans, [a2], "no worker holds a2's feed, so nobody is about to place it");
    // A turn dropped without being ended (a failed decision) does not block the next one.
    drop(store.story_turn().await.unwrap());
    store.story_turn().await.unwrap().end().await.unwrap();

    // Merges: two stories of one event become the older; the younger's id redirects to it.
    let a4 =
        store.insert_article(&article(herald.outlet.id, herald.feed.id, 4, 15, "Bridge tolls")).await.unwrap().unwrap();
    let a5 =
        store.insert_article(&article(wire.outlet.id, wire.feed.id, 5, 16, "Tolls on bridge")).await.unwrap().unwrap();
    let younger = store.attach_story(a4, a5, t(17)).await.unwrap();
    store.merge_stories(younger, s, t(18)).await.unwrap();
    assert!(matches!(store.story(younger).await, Err(Error::NotFound(_))));
    assert_eq!(store.story_redirect(younger).await.unwrap(), Some(s));
    assert_eq!(store.story_redirect(s).await.unwrap(), None);
    let merged = store.story(s).await.unwrap();
    assert_eq!((merged.article_count, merged.first_article_id, merged.updated_at), (5, a1, t(16)));
    assert_eq!(store.counts().await.unwrap(), (2, 5, 1));

    // Search is fed in id order, and asks which story each match is in now (a deleted or
    // unknown article is left out).
    let entries = store.index_entries_after(a3, 10).await.unwrap();
    assert_eq!(entries.iter().map(|e| e.id).collect::<Vec<_>>(), [a4, a5]);
    let e = &entries[0];
    assert_eq!((e.title.as_str(), e.text.as_str(), e.lang.as_deref()), ("Bridge tolls", "Body ü", Some("en")));
    assert_eq!((e.outlet_id, e.outlet_name.as_str(), e.story_id), (herald.outlet.id, "herald", Some(s)));
    assert_eq!((e.authors.len(), e.time), (2, t(15)));
    let many: Vec<ArticleId> = (1..=1_200).map(ArticleId).chain([a1, a5]).collect();
    let now = store.stories_of(&many).await.unwrap();
    assert_eq!((now.len(), now.get(&a1), now.get(&a5)), (5, Some(&Some(s)), Some(&Some(s))));

    // Outside data: only http(s) links are kept, and NUL (which PostgreSQL refuses) is dropped.
    let mut hostile = outlet("hostile");
    hostile.site_url = Some("javascript:alert(document.domain)".into());
    hostile.name = "Hostile\0 Times".into();
    let refused = store.add_outlet(&hostile, "javascript:alert(1)", t(0)).await;
    assert!(matches!(refused, Err(Error::Refused(_))), "{refused:?}");
    let h = store.add_outlet(&hostile, "https://hostile.example/feed.xml", t(0)).await.unwrap();
    assert_eq!((h.outlet.name.as_str(), h.outlet.site_url.as_deref()), ("Hostile Times", None));
    store.rename_outlet(h.outlet.id, "Hostile Times", Some("data:text/html,x")).await.unwrap();
    assert_eq!(store.outlet(h.outlet.id).await.unwrap().outlet.site_url, None);
    let mut nul = article(h.outlet.id, h.feed.id, 9, 20, "Null\0 title");
    nul.guid = Some("a\0b".into());
    nul.content_text = "Body\0 text".into();
    assert!(!store.article_known(h.feed.id, nul.guid.as_deref(), &nul.canonical_url).await.unwrap());
    let id = store.insert_article(&nul).await.unwrap().unwrap();
    let got = store.article(id).await.unwrap();
    assert_eq!((got.title.as_str(), got.content_text.as_str()), ("Null title", "Body text"));
    assert!(store.article_known(h.feed.id, Some("ab"), "https://nowhere.example/").await.unwrap());
    let mut script = article(h.outlet.id, h.feed.id, 10, 20, "Script");
    script.url = "javascript:alert(1)".into();
    assert!(matches!(store.insert_article(&script).await, Err(Error::Refused(_))));
    assert_eq!(store.counts().await.unwrap(), (3, 6, 1));

    // Accounts and sessions.
    let new = |name: &str| tidings_store::NewUser {
        name: name.into(),
        password_hash: "$argon2id$x".into(),
        role: "admin".into(),
    };
    let ada = store.add_user(&new("Ada"), t(1)).await.unwrap();
    assert!(matches!(store.add_user(&new("ADA"), t(1)).await, Err(Error::Conflict(_))), "names ignore case");
    let sam = store.add_user(&tidings_store::NewUser { role: "reader".into(), ..new("sam") }, t(1)).await.unwrap();
    assert_eq!(store.user_by_name("aDa").await.unwrap().map(|u| u.id), Some(ada.id));
    let names: Vec<String> = store.users().await.unwrap().into_iter().map(|u| u.name).collect();
    assert_eq!(names, ["Ada", "sam"]);
    store.create_session("k1", ada.id, t(2), t(10)).await.unwrap();
    store.create_session("k2", ada.id, t(2), t(10)).await.unwrap();
    store.create_session("k3", sam.id, t(2), t(3)).await.unwrap();
    assert_eq!(store.session_user("k1", t(5)).await.unwrap().map(|s| s.user.name), Some("Ada".into()));
    assert_eq!(store.session_user("k3", t(5)).await.unwrap(), None, "an expired session opens nothing");
    assert_eq!(store.session_user("nope", t(5)).await.unwrap(), None);
    store.end_session("k1").await.unwrap();
    assert_eq!(store.session_user("k1", t(5)).await.unwrap(), None);
    store.set_password(ada.id, "$argon2id$y").await.unwrap();
    assert_eq!(store.session_user("k2", t(5)).await.unwrap(), None, "a new password ends every session");
    assert_eq!(store.user(ada.id).await.unwrap().password_hash, "$argon2id$y");

    // Extracting again: filtered by outlet and fetch time, oldest first; the text is replaced.
    let stored = store.counts().await.unwrap().1;
    assert_eq!(store.articles_to_reextract(None, None).await.unwrap().len() as i64, stored);
    let wire_since = store.articles_to_reextract(Some(wire.outlet.id), Some(t(0))).await.unwrap();
    assert_eq!(wire_since.len(), store.outlet_articles(wire.outlet.id, 100).await.unwrap().len());
    assert!(wire_since.len() >= 2);
    assert!(wire_since[0].fetched_at <= wire_since[1].fetched_at);
    assert!(store.articles_to_reextract(None, Some(t(1000))).await.unwrap().is_empty());
    store
        .update_article_text(a1, "<p>New body</p>", "New body", "New body", ExtractionStatus::Extracted)
        .await
        .unwrap();
    assert_eq!(store.article(a1).await.unwrap().content_text, "New body");

    // Repeated lines: the history keeps the newest articles only, per outlet.
    let o = herald.outlet.id;
    record_history(&store, o, &[("https://herald.example/1", &[7, 100])], &[], t(20)).await;
    let (second, third): (&[i64], &[i64]) = (&[7, 101], &[7, 102]);
    record_history(&store, o, &[("https://herald.example/3", third), ("https://herald.example/2", second)], &[], t(21))
        .await;
    let mut recent = store.recent_fingerprints(o, 10).await.unwrap();
    recent.iter_mut().for_each(|f| f.sort_unstable());
    recent.sort();
    assert_eq!(recent, [vec![7, 101], vec![7, 102]], "the newest two, written together");
    record_history(&store, o, &[("https://herald.example/4", &[7, 103])], &[], t(22)).await;
    let recent = store.recent_fingerprints(o, 10).await.unwrap();
    assert_eq!(recent.last().map(|f| f.contains(&103)), Some(true), "oldest first");
    assert!(store.recent_fingerprints(wire.outlet.id, 10).await.unwrap().is_empty());
    record_history(&store, o, &[], &[(7, "Sign up for the Herald newsletter.")], t(23)).await;
    record_history(&store, o, &[], &[(7, "Sign up for the Herald newsletter!")], t(24)).await;
    let lines = store.repeated_lines(o).await.unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0].line.as_str(), lines[0].removed_count), ("Sign up for the Herald newsletter!", 2));
    assert_eq!(lines[0].last_removed_at, t(24));
    comments(&store, a1, a2, ada.id).await;
    crate::readers::readers_story(&store).await;
    copies(&store, &herald, &wire).await;
    lead_images(&store, &herald).await;

    // Site settings: a value replaces the one of its name.
    assert!(store.site_settings().await.unwrap().is_empty());
    store.set_site_settings(&[("site_name", "Harbour News".into()), ("signup_open", "true".into())]).await.unwrap();
    store.set_site_settings(&[("signup_open", "false".into())]).await.unwrap();
    assert_eq!(
        store.site_settings().await.unwrap(),
        [("signup_open".to_string(), "false".to_string()), ("site_name".to_string(), "Harbour News".to_string())]
    );

    // Operations: the schema version, a readiness ping, and the backup (SQLite only).
    assert_eq!(store.schema_version().await.unwrap(), 14);
    store.ping().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.db");
    match store.backend_name() {
        "sqlite" => {
            store.backup_to(&copy).await.unwrap();
            let restored = Store::connect(&format!("sqlite://{}", copy.display())).await.unwrap();
            assert_eq!(restored.counts().await.unwrap(), store.counts().await.unwrap());
            assert!(matches!(store.backup_to(&copy).await, Err(Error::Refused(_))), "never overwrites");
        }
        _ => assert!(matches!(store.backup_to(&copy).await, Err(Error::Refused(_)))),
    }
    store.close().await;
}

fn comment(article: ArticleId, email_key: &str, nonce: &str, screening: Screening) -> NewComment {
    NewComment {
        article_id: article,
        parent_id: None,
        name: "Reader\0 One".into(),
        email_key: email_key.into(),
        website: Some("javascript:alert(1)".into()),
        body_markdown: "Hello *there*".into(),
        body_html: "<p>Hello <em>there</em></p>".into(),
        ip: "192.0.2.7".into(),
        poster_key: "browser-1".into(),
        user_id: None,
        screening,
        nonce: nonce.into(),
        nonce_expires_at: t(30),
        now: t(20),
    }
}

/// Comments: first ones wait, approved authors publish at once, replays are refused, threads
/// stop at the maximum depth, and erasing an email leaves nothing of it.
async fn comments(store: &Store, a1: ArticleId, a2: ArticleId, admin: i64) {
    let first = store.add_comment(&comment(a1, "key-ann", "n1", Screening::Clean)).await.unwrap();
    assert_eq!(first.status, CommentStatus::Pending, "a first comment waits");
    assert_eq!((first.name.as_str(), first.website.as_deref()), ("Reader One", None));
    let replay = store.add_comment(&comment(a1, "key-ann", "n1", Screening::Clean)).await;
    assert!(matches!(replay, Err(Error::Conflict(_))), "a replayed form is refused: {replay:?}");
    // Its poster sees it waiting; nobody else does, and it is not counted.
    assert_eq!(store.article_comments(a1, Some("browser-1")).await.unwrap().len(), 1);
    assert!(store.article_comments(a1, Some("browser-2")).await.unwrap().is_empty());
    assert!(store.article_comments(a1, None).await.unwrap().is_empty());
    assert!(store.comment_counts(&[a1, a2]).await.unwrap().is_empty());
    let queue = store.comments_with_status(CommentStatus::Pending, 10).await.unwrap();
    assert_eq!(queue.iter().map(|c| c.id).collect::<Vec<_>>(), [first.id]);
    assert_eq!(queue[0].article_title, "Bridge reopens");

    // Approving the comment approves its author: the next one is published at once, unless
    // the checks held it.
    assert_eq!(store.set_comment_status(&[first.id], CommentStatus::Approved, t(21)).await.unwrap(), 1);
    let second = store.add_comment(&comment(a1, "key-ann", "n2", Screening::Clean)).await.unwrap();
    assert_eq!(second.status, CommentStatus::Approved);
    let held = store.add_comment(&comment(a1, "key-ann", "n3", Screening::Hold)).await.unwrap();
    assert_eq!(held.status, CommentStatus::Pending);
    let spam = store.add_comment(&comment(a1, "key-bob", "n4", Screening::Spam)).await.unwrap();
    assert_eq!(spam.status, CommentStatus::Spam);
    let counts = store.comment_counts(&[a1, a2]).await.unwrap();
    assert_eq!((counts.get(&a1), counts.get(&a2)), (Some(&2), None));
    let status = store.comment_status_counts().await.unwrap();
    assert_eq!((status[&CommentStatus::Approved], status[&CommentStatus::Pending]), (2, 1));

    // Threads: replies nest up to the maximum depth, then stay at the deepest level.
    let mut parent = first.id;
    let mut depths = Vec::new();
    for n in 0..COMMENT_MAX_DEPTH + 1 {
        let reply = NewComment {
            parent_id: Some(parent),
            ..comment(a1, "key-admin", &format!("thread-{n}"), Screening::Trusted)
        };
        let reply = store.add_comment(&NewComment { user_id: Some(admin), ..reply }).await.unwrap();
        depths.push(reply.depth);
        parent = reply.id;
    }
    assert_eq!(depths, [1, 2, 3, 4, 4, 4]);
    let elsewhere = NewComment { parent_id: Some(first.id), ..comment(a2, "key-ann", "n5", Screening::Clean) };
    assert!(matches!(store.add_comment(&elsewhere).await, Err(Error::NotFound(_))), "a reply stays on its article");
    let to_spam = NewComment { parent_id: Some(spam.id), ..comment(a1, "key-ann", "n6", Screening::Clean) };
    assert!(matches!(store.add_comment(&to_spam).await, Err(Error::NotFound(_))), "no replies to spam");

    // Editing, and the operator's lists.
    store.edit_comment(second.id, "Edited", "<p>Edited</p>", t(22)).await.unwrap();
    assert_eq!(store.comment(second.id).await.unwrap().body_html, "<p>Edited</p>");
    assert!(matches!(store.edit_comment(999_999, "x", "x", t(22)).await, Err(Error::NotFound(_))));
    let block = |kind: &str, value: &str, verdict| CommentBlock { kind: kind.into(), value: value.into(), verdict };
    store.add_comment_block(&block("word", " Casino ", Screening::Hold), t(1)).await.unwrap();
    store.add_comment_block(&block("word", "casino", Screening::Spam), t(1)).await.unwrap();
    store.add_comment_block(&block("ip", "203.0.113.9", Screening::Hold), t(1)).await.unwrap();
    assert!(matches!(store.add_comment_block(&block("url", "x", Screening::Hold), t(1)).await, Err(Error::Refused(_))));
    assert_eq!(
        store.comment_blocks().await.unwrap(),
        [block("ip", "203.0.113.9", Screening::Hold), block("word", "casino", Screening::Spam)]
    );
    store.remove_comment_block("word", "CASINO").await.unwrap();
    assert!(matches!(store.remove_comment_block("word", "casino").await, Err(Error::NotFound(_))));

    // Erasing one email removes its comments and its approval; replies by others stay.
    let bobs_reply = NewComment { parent_id: Some(second.id), ..comment(a1, "key-bob", "n7", Screening::Trusted) };
    let bobs_reply = store.add_comment(&bobs_reply).await.unwrap();
    assert_eq!(store.erase_author_of(first.id).await.unwrap(), 3);
    assert!(matches!(store.comment(first.id).await, Err(Error::NotFound(_))));
    assert_eq!(store.comment(bobs_reply.id).await.unwrap().parent_id, None);
    let again = store.add_comment(&comment(a1, "key-ann", "n8", Screening::Clean)).await.unwrap();
    assert_eq!(again.status, CommentStatus::Pending, "an erased author is no longer approved");
    assert_eq!(store.erase_email("key-ann").await.unwrap(), 1);
    assert_eq!(store.erase_email("key-ann").await.unwrap(), 0);
}

#[tokio::test]
async fn contract_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("tidings.db").display());
    story(Store::connect(&url).await.unwrap()).await;
    // Reopening keeps everything and migrates nothing twice.
    let reopened = Store::connect(&url).await.unwrap();
    assert_eq!(reopened.counts().await.unwrap(), (3, 9, 1));
}

/// Several workers sharing one database: each feed of a round goes to one of them, and a crashed
/// worker's feed comes back once its lease runs out; one worker at a time has a host's turn.
async fn leases(a: Store, b: Store) {
    let mut feeds = Vec::new();
    for n in 0..40 {
        feeds.push(
            a.add_outlet(&outlet(&format!("o{n}")), &format!("https://o{n}.example/feed"), t(0)).await.unwrap().feed.id,
        );
    }
    let claim = FeedClaim { due_at: t(0), after: FeedId(0), now: t(0), lease_until: t(1) };
    // Three at a time, as a round takes them.
    let round = |store: Store, holder: &'static str| async move {
        let mut taken = Vec::new();
        let mut claim = claim;
        loop {
            let feeds = store.claim_due_feeds(&claim, holder, 3, &[]).await.unwrap();
            let Some(last) = feeds.last() else { break };
            assert!(feeds.len() <= 3 && feeds.windows(2).all(|w| w[0].feed.id < w[1].feed.id), "in id order");
            claim.after = last.feed.id;
            taken.extend(feeds.iter().map(|h| h.feed.id));
        }
        taken
    };
    let claim_one = |store: &Store, claim: FeedClaim, holder: &'static str| {
        let store = store.clone();
        async move { store.claim_due_feeds(&claim, holder, 1, &[]).await.unwrap().first().map(|h| h.feed.id) }
    };
    let (mine, theirs) = tokio::join!(round(a.clone(), "a"), round(b.clone(), "b"));
    let mut all: Vec<FeedId> = mine.iter().chain(&theirs).copied().collect();
    all.sort_by_key(|f| f.0);
    assert_eq!(all, feeds, "every feed leased exactly once across two workers (a: {mine:?}, b: {theirs:?})");

    // A fetch recorded gives the lease back; an unrecorded one stays leased until it runs out.
    let soon = FeedClaim { now: t(0) + SignedDuration::from_mins(30), lease_until: t(3), ..claim };
    assert_eq!(claim_one(&b, soon, "b").await, None, "a new round while leases run: nothing to take");
    let done = FetchRecord { at: t(0), error: None, etag: None, last_modified: None, next_fetch_at: t(0), pause: None };
    let first = if mine.contains(&feeds[0]) { &a } else { &b };
    first.record_fetch(feeds[0], &done).await.unwrap();
    assert_eq!(claim_one(&b, soon, "b").await, Some(feeds[0]));

    // Fetches recorded with the next claim give their feeds back in the same write.
    let next = b.claim_due_feeds(&FeedClaim { after: feeds[0], ..soon }, "b", 1, &[(feeds[0], done.clone())]).await;
    assert_eq!(next.unwrap(), [], "every other feed is still leased");
    assert_eq!(claim_one(&a, soon, "a").await, Some(feeds[0]), "the fetch recorded with the claim gave its lease back");
    let gone = FeedId(feeds.last().unwrap().0 + 1_000);
    a.record_fetches(&[(feeds[0], done.clone()), (gone, done.clone())]).await.unwrap();
    assert_eq!(claim_one(&b, soon, "b").await, Some(feeds[0]), "recorded in bulk, a feed deleted since left out");

    // A worker that stops gives its leases back; a crashed one's run out.
    assert_eq!(a.release_leases("a").await.unwrap(), mine.iter().filter(|f| **f != feeds[0]).count() as u64);
    let soon = FeedClaim { after: feeds[0], ..soon };
    let released = claim_one(&b, soon, "b").await;
    assert_eq!(released, mine.iter().copied().find(|f| *f != feeds[0]), "a's feeds are free again");
    let later = FeedClaim { due_at: t(2), now: t(1), lease_until: t(2), ..claim };
    let after_crash = claim_one(&a, later, "a").await;
    let expected = feeds.iter().copied().find(|f| *f != feeds[0] && Some(*f) != released);
    assert_eq!(after_crash, expected, "leases that ran out are taken again; live ones are not");

    // A host's turn: one worker at a time; given back, the host's delay runs; a crashed
    // holder's turn runs out.
    let host = "news.example";
    assert_eq!(a.take_host_turn(host, "a", t(0), t(1)).await.unwrap(), HostTurn::Taken);
    assert_eq!(b.take_host_turn(host, "b", t(0), t(1)).await.unwrap(), HostTurn::Busy { next_at: t(1), held: true });
    assert_eq!(b.take_host_turn("other.example", "b", t(0), t(1)).await.unwrap(), HostTurn::Taken);
    let delayed = t(0) + SignedDuration::from_secs(2);
    a.give_back_host_turn(host, "a", delayed).await.unwrap();
    let busy = HostTurn::Busy { next_at: delayed, held: false };
    assert_eq!(b.take_host_turn(host, "b", t(0), t(1)).await.unwrap(), busy, "the delay runs");
    assert_eq!(b.take_host_turn(host, "b", delayed, t(1)).await.unwrap(), HostTurn::Taken);
    a.give_back_host_turn(host, "a", t(0)).await.unwrap();
    let held = b.take_host_turn(host, "a", delayed, t(2)).await.unwrap();
    assert_eq!(held, HostTurn::Busy { next_at: t(1), held: true }, "a gave back a turn it no longer had");
    assert_eq!(a.take_host_turn(host, "a", t(1), t(2)).await.unwrap(), HostTurn::Taken, "b's hold ran out");
    let race: Vec<_> = futures::future::join_all((0..16).map(|n| {
        let store = if n % 2 == 0 { a.clone() } else { b.clone() };
        async move { store.take_host_turn("race.example", &format!("w{n}"), t(0), t(1)).await.unwrap() }
    }))
    .await;
    assert_eq!(race.iter().filter(|r| **r == HostTurn::Taken).count(), 1, "{race:?}");

    // The clustering turn: a worker that gives up waiting for it (its feed's budget ran out)
    // leaves nothing holding it once the holder ends; with a lock waited for on the server, the
    // server went on to grant it to a connection back in the giver-up's pool, and every
    // worker's clustering stopped for good.
    let held = a.story_turn().await.unwrap();
    let waited = tokio::time::timeout(Duration::from_millis(200), b.story_turn()).await;
    if b.backend_name() == "postgres" {
        assert!(waited.is_err(), "a second worker took the turn while the first held it");
    }
    held.end().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let next = tokio::time::timeout(Duration::from_secs(10), a.story_turn()).await;
    next.expect("the turn is held by a wait that was given up").unwrap().end().await.unwrap();

    // robots.txt found by one worker serves the others until it expires.
    let origin = "news.example:";
    let file =
        StoredRobots { status: "found".into(), body: "User-agent: *\nDisallow: /private\n".into(), expires_at: t(24) };
    assert_eq!(b.robots_file(origin, t(0)).await.unwrap(), None);
    a.keep_robots_file(origin, &file).await.unwrap();
    assert_eq!(b.robots_file(origin, t(1)).await.unwrap(), Some(file.clone()));
    assert_eq!(b.robots_file(origin, t(24)).await.unwrap(), None, "an expired file is fetched again");
    a.keep_robots_file(origin, &StoredRobots { expires_at: t(48), ..file }).await.unwrap();
    assert!(b.robots_file(origin, t(24)).await.unwrap().is_some());
    a.close().await;
    b.close().await;
}

#[tokio::test]
async fn leases_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("tidings.db").display());
    leases(Store::connect(&url).await.unwrap(), Store::connect(&url).await.unwrap()).await;
}

/// The site's lists: pages of everything, an outlet or a category, newest first, continued after
/// the last article shown (ties in time broken by id), and what a sitemap names.
async fn listings(store: Store) {
    let world = NewOutlet { category: Some("World".to_string()), ..outlet("herald") };
    let herald = store.add_outlet(&world, "https://herald.example/feed.xml", t(0)).await.unwrap();
    let wire = store.add_outlet(&outlet("wire"), "https://wire.example/feed.json", t(0)).await.unwrap();
    let mut ids = Vec::new();
    for n in 0..7 {
        // Two articles at each hour, so pages end between equal times.
        let o = if n % 2 == 0 { &herald } else { &wire };
        let a = article(o.outlet.id, o.feed.id, n, i64::from(n / 2), &format!("Report {n}"));
        ids.push(store.insert_article(&a).await.unwrap().unwrap());
    }
    let mut newest_first = Vec::new();
    let mut after = None;
    loop {
        let page = store.list_articles(&Listing::All, after, 3).await.unwrap();
        assert!(page.len() <= 3);
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        newest_first.extend(page.iter().map(|a| a.id));
    }
    let expected: Vec<ArticleId> = ids.iter().rev().copied().collect();
    assert_eq!(newest_first, expected, "every article once, newest first, the later id first at one time");
    let world: Vec<ArticleId> =
        store.list_articles(&Listing::Category("World".into()), None, 10).await.unwrap().iter().map(|a| a.id).collect();
    assert_eq!(world, [ids[6], ids[4], ids[2], ids[0]]);
    let wire_page = store.list_articles(&Listing::Outlet(wire.outlet.id), Some(ids[5]), 10).await.unwrap();
    assert_eq!(wire_page.iter().map(|a| a.id).collect::<Vec<_>>(), [ids[3], ids[1]]);
    assert!(store.list_articles(&Listing::Category("Sport".into()), None, 10).await.unwrap().is_empty());
    assert_eq!(store.categories().await.unwrap(), [Category { name: "World".into(), outlets: 1 }]);
    let map = store.sitemap_entries(5).await.unwrap();
    assert_eq!(map.outlets, [herald.outlet.id, wire.outlet.id]);
    assert_eq!(map.categories, ["World"]);
    assert_eq!(map.articles.len(), 5);
    assert_eq!(map.articles[0], (ids[6], t(3)));
    store.close().await;
}

#[tokio::test]
async fn listings_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    listings(Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap()).await;
}

#[tokio::test]
async fn listings_postgres() {
    let Some(url) = postgres_database("listings").await else { return };
    listings(Store::connect(&url).await.unwrap()).await;
    drop_postgres_database(&url).await;
}

/// A feed's entries are looked up and stored together, and the decisions of a batch of them are
/// written in one transaction, naming a story by its first article while it is not stored yet.
async fn batches(store: Store) {
    let herald = store.add_outlet(&outlet("herald"), "https://herald.example/feed.xml", t(0)).await.unwrap();
    let wire = store.add_outlet(&outlet("wire"), "https://wire.example/feed.xml", t(0)).await.unwrap();
    let (o, f) = (herald.outlet.id, herald.feed.id);
    let mut twice = article(o, f, 3, 3, "Same address twice");
    twice.guid = Some("another guid".to_string());
    let batch = [
        article(o, f, 1, 1, "Ferry strike"),
        article(o, f, 2, 2, "Ferry strike ends"),
        article(o, f, 3, 3, "Tolls"),
        twice,
    ];
    // The batch's paragraph history is written with it.
    let prints =
        vec![("https://o1.example/1".to_string(), vec![41, 42]), ("https://o1.example/2".to_string(), vec![41])];
    let removed = vec![(41, "Follow the Herald on the harbour wall.".to_string())];
    let history = ParagraphHistory { outlet: o, articles: &prints, removed: &removed, keep: 100, now: t(3) };
    let ids = store.insert_articles_with(&batch, Some(&history)).await.unwrap();
    assert!(ids[..3].iter().all(Option::is_some) && ids[3].is_none(), "{ids:?}");
    let mut recent = store.recent_fingerprints(o, 10).await.unwrap();
    recent.sort();
    assert_eq!(recent, [vec![41], vec![41, 42]], "the fingerprints of the batch, stored with it");
    let lines = store.repeated_lines(o).await.unwrap();
    assert_eq!(lines.iter().map(|l| l.line.as_str()).collect::<Vec<_>>(), ["Follow the Herald on the harbour wall."]);
    let [b1, b2, b3] = [ids[0].unwrap(), ids[1].unwrap(), ids[2].unwrap()];
    let known = store
        .entries_known(
            f,
            &[
                (Some("guid-1"), "https://elsewhere.example/1"),
                (None, "https://o1.example/2"),
                (Some("guid-9"), "https://o1.example/9"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(known, [true, true, false], "by guid in the feed, by address, neither");
    let other_feed = store.entries_known(wire.feed.id, &[(Some("guid-1"), "https://o1.example/9")]).await.unwrap();
    assert_eq!(other_feed, [false], "a guid is known per feed");

    let stored = store.attach_story(b3, b3, t(4)).await.unwrap();
    let b4 = store.insert_article(&article(wire.outlet.id, wire.feed.id, 4, 4, "Strike over")).await.unwrap().unwrap();
    let b1_story = StoryRef::OfArticle(b1);
    let writes = [
        StoryWrite::Placed(b1),
        StoryWrite::Join { story: b1_story, article: b2 },
        StoryWrite::Headline { story: b1_story, article: b2 },
        StoryWrite::Placed(b2),
        // The stored story merges into a report still alone there: the stored one survives.
        StoryWrite::Merge { gone: StoryRef::Stored(stored), into: StoryRef::OfArticle(b4) },
        StoryWrite::Placed(b4),
    ];
    let recorded = store.record_decisions(&writes, t(5)).await.unwrap();
    let started = store.article(b1).await.unwrap().story_id.unwrap();
    assert_eq!(recorded.stories, [(b1, Some(started)), (b4, Some(stored))]);
    assert_eq!(store.story(started).await.unwrap().title, "Ferry strike ends");
    let members = |s| {
        let store = store.clone();
        async move { store.story_articles(s).await.unwrap().into_iter().map(|a| a.id).collect::<Vec<_>>() }
    };
    assert_eq!(members(started).await, [b1, b2]);
    assert_eq!(members(stored).await, [b3, b4]);
    assert_eq!(store.story(stored).await.unwrap().title, "Strike over", "the lone report's headline goes with it");
    let placed: Vec<_> = store.placed_after(0, 10).await.unwrap().into_iter().map(|(_, b)| b.id).collect();
    assert_eq!(placed, [b1, b2, b4]);
    assert_eq!(recorded.last_placed, Some(store.last_placed().await.unwrap()));
    // Two stories of one event, both named by an article: the first merges into the second.
    let writes = [StoryWrite::Merge { gone: b1_story, into: StoryRef::OfArticle(b3) }, StoryWrite::Placed(b3)];
    store.record_decisions(&writes, t(6)).await.unwrap();
    assert_eq!(members(stored).await, [b1, b2, b3, b4]);
    assert_eq!(store.story_redirect(started).await.unwrap(), Some(stored));
    // All or none: a write that fails leaves nothing of the batch behind.
    let b5 = store.insert_article(&article(wire.outlet.id, wire.feed.id, 5, 5, "Later")).await.unwrap().unwrap();
    let failing =
        [StoryWrite::Placed(b5), StoryWrite::Join { story: StoryRef::OfArticle(ArticleId(999_999)), article: b5 }];
    assert!(matches!(store.record_decisions(&failing, t(7)).await, Err(Error::NotFound(_))));
    assert!(store.placed_after(0, 10).await.unwrap().iter().all(|(_, b)| b.id != b5), "b5's placing was undone");
    store.close().await;
}

#[tokio::test]
async fn batches_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    batches(Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap()).await;
}

#[tokio::test]
async fn batches_postgres() {
    let Some(url) = postgres_database("batches").await else { return };
    batches(Store::connect(&url).await.unwrap()).await;
    drop_postgres_database(&url).await;
}

/// A new empty PostgreSQL database, when the tests have a server.
async fn postgres_database(purpose: &str) -> Option<String> {
    let Ok(admin_url) = std::env::var("TIDINGS_TEST_POSTGRES_URL") else {
        eprintln!("TIDINGS_TEST_POSTGRES_URL is not set: the PostgreSQL {purpose} test did not run");
        return None;
    };
    let db = format!("tidings_{purpose}_{}_{}", std::process::id(), Timestamp::now().as_microsecond());
    let admin = sqlx::PgPool::connect(&admin_url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}"))).execute(&admin).await.unwrap();
    let mut url = url::Url::parse(&admin_url).unwrap();
    url.set_path(&format!("/{db}"));
    Some(url.to_string())
}

async fn drop_postgres_database(url: &str) {
    let admin = sqlx::PgPool::connect(&std::env::var("TIDINGS_TEST_POSTGRES_URL").unwrap()).await.unwrap();
    let db = url.rsplit('/').next().unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {db} WITH (FORCE)"))).execute(&admin).await.unwrap();
}

#[tokio::test]
async fn contract_postgres() {
    let Some(url) = postgres_database("contract").await else { return };
    let store = Store::connect(&url).await.unwrap();
    assert_eq!(store.backend_name(), "postgres");
    story(store).await;
    drop_postgres_database(&url).await;
}

#[tokio::test]
async fn leases_postgres() {
    let Some(url) = postgres_database("leases").await else { return };
    leases(Store::connect(&url).await.unwrap(), Store::connect(&url).await.unwrap()).await;
    drop_postgres_database(&url).await;
}

/// Republished copies: an article's band keys find it, a copy is a credit of the article (its
/// address known from then on), and credits come earliest first with the outlet's name.
async fn copies(store: &Store, herald: &tidings_store::OutletHealth, wire: &tidings_store::OutletHealth) {
    let mut signed = article(herald.outlet.id, herald.feed.id, 40, 20, "Ferry returns");
    signed.copy_print = Some(CopyPrint { signature: "ab".repeat(128), bands: vec![-7, 42, i64::MAX] });
    let original = store.insert_article(&signed).await.unwrap().unwrap();
    let own_address = signed.canonical_url.clone();
    assert_eq!(store.copy_candidates_of(&[&[1, 42]]).await.unwrap()[0], [(original, "ab".repeat(128))]);
    assert!(store.copy_candidates_of(&[&[1, 2]]).await.unwrap()[0].is_empty());
    assert!(store.copy_candidates_of(&[&[]]).await.unwrap()[0].is_empty());

    let copy = |n: i64, hours: i64| NewCopy {
        outlet_id: wire.outlet.id,
        url: format!("https://wire.example/copy/{n}"),
        canonical_url: format!("https://wire.example/copy/{n}"),
        title: format!("Ferry back ({n})"),
        published_at: Some(t(hours)),
        fetched_at: t(30),
    };
    assert!(store.add_copy(original, &copy(1, 22)).await.unwrap());
    assert!(store.add_copy(original, &copy(2, 19)).await.unwrap());
    assert!(!store.add_copy(original, &copy(1, 22)).await.unwrap(), "a copy is credited once");
    let mut taken = copy(3, 22);
    taken.canonical_url = own_address;
    assert!(!store.add_copy(original, &taken).await.unwrap(), "an article's own address is no copy");
    assert!(store.article_known(herald.feed.id, None, "https://wire.example/copy/1").await.unwrap());
    let credits = store.copies_of(&[original, ArticleId(i64::MAX)]).await.unwrap();
    assert_eq!(credits.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(), ["Ferry back (2)", "Ferry back (1)"]);
    assert_eq!((credits[0].outlet_name.as_str(), credits[0].time), ("wire", t(19)));
    assert!(store.copies_of(&[]).await.unwrap().is_empty());
}

/// An article's lead image is kept with its declared size, read back with the article and
/// carried by export; one that is not an http(s) address is not kept.
async fn lead_images(store: &Store, herald: &tidings_store::OutletHealth) {
    let mut pictured = article(herald.outlet.id, herald.feed.id, 50, 21, "Quay reopens");
    let lead = LeadImage { url: "https://cdn.herald.example/quay.jpg".into(), width: Some(1200), height: Some(675) };
    pictured.lead_image = Some(lead.clone());
    let id = store.insert_article(&pictured).await.unwrap().unwrap();
    assert_eq!(store.article(id).await.unwrap().lead_image, Some(lead));
    let mut hostile = article(herald.outlet.id, herald.feed.id, 51, 21, "Quay closes");
    hostile.lead_image = Some(LeadImage { url: "javascript:alert(1)".into(), width: None, height: None });
    let id = store.insert_article(&hostile).await.unwrap().unwrap();
    assert_eq!(store.article(id).await.unwrap().lead_image, None);
    let mut exported = Vec::new();
    store
        .export_rows(&mut |row| {
            if row.table == "articles" {
                exported.extend(row.values.into_iter().filter(|(column, _)| column.starts_with("lead_image")));
            }
            Ok(())
        })
        .await
        .unwrap();
    assert!(
        exported.contains(&("lead_image_url".into(), RowValue::Text("https://cdn.herald.example/quay.jpg".into())))
    );
    assert!(exported.contains(&("lead_image_width".into(), RowValue::Integer(1200))));
}

/// SQLite only: the log is copied into the database file while the store is open, by the
/// store's own checkpointer, not left for the writer's commits (which, under 1,000 pages of log,
/// never copy it): a copy of the database file alone, taken a moment after a write, holds it.
#[tokio::test]
async fn the_database_file_takes_in_the_log_while_the_store_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let store = Store::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let added = store.add_outlet(&outlet("Ellery Tide"), "https://tide.example/feed", Timestamp::now()).await.unwrap();
    let copy = dir.path().join("copy.db");
    let mut found = Vec::new();
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        std::fs::copy(&path, &copy).unwrap();
        let copied = Store::connect(&format!("sqlite://{}", copy.display())).await.unwrap();
        found = copied.outlets().await.unwrap().into_iter().map(|o| o.outlet.id).collect();
        copied.close().await;
        for leftover in ["copy.db", "copy.db-wal", "copy.db-shm"] {
            let _ = std::fs::remove_file(dir.path().join(leftover));
        }
        if !found.is_empty() {
            break;
        }
    }
    assert_eq!(found, [added.outlet.id], "the database file never took in the outlet written to the log");
    store.close().await;
}
