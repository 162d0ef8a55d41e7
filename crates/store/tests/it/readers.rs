//! Each reader's own state, told against whatever backend the contract runs on. It reads the
//! outlets, articles and story the contract stored and adds none, so the contract's counts hold.

use jiff::{SignedDuration, Timestamp};
use tidings_core::ArticleId;
use tidings_store::{
    APP_LOGINS_KEPT, Error, FollowState, FollowTarget, MarkScope, ReaderQuery, Source, Store, TokenKind,
};

fn t(hours: i64) -> Timestamp {
    Timestamp::from_second(1_790_000_000).unwrap_or(Timestamp::UNIX_EPOCH) + SignedDuration::from_hours(hours)
}

async fn ids(store: &Store, q: &ReaderQuery) -> Vec<ArticleId> {
    store.reader_items(q).await.unwrap().into_iter().map(|r| r.id).collect()
}

/// Reading, starring, marking all as read, muting and labelling, then API tokens.
pub(crate) async fn readers_story(store: &Store) {
    let sam = store.user_by_name("sam").await.unwrap().unwrap().id;
    let ada = store.user_by_name("ada").await.unwrap().unwrap().id;
    let all = store.latest_articles(100).await.unwrap();
    let by_title = |title: &str| all.iter().find(|a| a.title == title).unwrap().clone();
    let (a1, a2, a3) = (by_title("Bridge reopens"), by_title("Harbour bridge open again"), by_title("Striker signs"));
    let (a4, a5, nul) = (by_title("Bridge tolls"), by_title("Tolls on bridge"), by_title("Null title"));
    let wire = a2.outlet_id;
    let story = a1.story_id.unwrap();
    let list = |user| ReaderQuery::new(user, Source::Subscriptions, 100);

    // Outlets as apps list them: the same, without counting articles.
    let uncounted: Vec<_> = store.outlets_uncounted().await.unwrap().into_iter().map(|o| (o.outlet, o.feed)).collect();
    let counted: Vec<_> = store.outlets().await.unwrap().into_iter().map(|o| (o.outlet, o.feed)).collect();
    assert_eq!(uncounted, counted);

    // Everything starts unread, newest arrival first.
    assert_eq!(ids(store, &list(sam)).await, [nul.id, a5.id, a4.id, a3.id, a2.id, a1.id]);
    assert!(store.reader_items(&list(sam)).await.unwrap().iter().all(|r| !r.read && !r.starred));

    // Read and starred are per reader.
    store.set_read(sam, &[a2.id, a3.id], true, t(30)).await.unwrap();
    store.set_starred(sam, &[a3.id], true, t(30)).await.unwrap();
    let unread = ReaderQuery { read: Some(false), ..list(sam) };
    assert_eq!(ids(store, &unread).await, [nul.id, a5.id, a4.id, a1.id]);
    let starred = ReaderQuery { starred: Some(true), ..ReaderQuery::new(sam, Source::Everything, 100) };
    assert_eq!(ids(store, &starred).await, [a3.id]);
    assert_eq!(ids(store, &ReaderQuery { read: Some(false), ..list(ada) }).await.len(), 6, "ada's state is hers");

    // Marking all read covers what arrived up to the time, and an article marked unread by hand
    // before; what arrived later stays unread.
    store.set_read(sam, &[a3.id], false, t(31)).await.unwrap();
    store.mark_all_read(sam, &MarkScope::Outlet(wire), a3.fetched_at).await.unwrap();
    assert_eq!(ids(store, &unread).await, [nul.id, a5.id, a4.id, a1.id], "a3 is read again, a5 came later");
    store.mark_all_read(sam, &MarkScope::All, a4.fetched_at).await.unwrap();
    assert_eq!(ids(store, &unread).await, [nul.id, a5.id]);
    // A mark never moves back, and a later "unread" by hand wins over it.
    store.mark_all_read(sam, &MarkScope::All, t(0)).await.unwrap();
    store.set_read(sam, &[a1.id], false, t(32)).await.unwrap();
    assert_eq!(ids(store, &unread).await, [nul.id, a5.id, a1.id]);
    store.mark_all_read(sam, &MarkScope::Story(story), a5.fetched_at).await.unwrap();
    assert_eq!(ids(store, &unread).await, [nul.id]);
    let counts = store.unread_counts(sam).await.unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!((counts[0].outlet_id, counts[0].count, counts[0].newest), (nul.outlet_id, 1, nul.fetched_at));

    // Muting an outlet or a story takes it out of the reading list, not out of everything.
    store.set_follow(sam, FollowTarget::Outlet(nul.outlet_id), Some(FollowState::Mute), t(33)).await.unwrap();
    assert!(!ids(store, &list(sam)).await.contains(&nul.id));
    assert!(store.unread_counts(sam).await.unwrap().is_empty());
    assert!(ids(store, &ReaderQuery::new(sam, Source::Everything, 100)).await.contains(&nul.id));
    store.set_follow(sam, FollowTarget::Story(story), Some(FollowState::Mute), t(33)).await.unwrap();
    assert!(ids(store, &list(sam)).await.is_empty());
    store.set_follow(sam, FollowTarget::Story(story), Some(FollowState::Follow), t(34)).await.unwrap();
    store.set_follow(sam, FollowTarget::Outlet(nul.outlet_id), None, t(34)).await.unwrap();
    let follows = store.follows(sam).await.unwrap();
    assert_eq!(follows.len(), 1);
    assert_eq!(follows.get(&FollowTarget::Story(story)), Some(&FollowState::Follow));
    let missing = store.set_follow(sam, FollowTarget::Outlet(tidings_core::OutletId(999_999)), None, t(34)).await;
    assert!(matches!(missing, Err(Error::NotFound(_))), "{missing:?}");

    // Paging: a continuation, oldest first, arrival times, sources and chosen ids.
    let page = ReaderQuery { limit: 2, ..list(sam) };
    assert_eq!(ids(store, &page).await, [nul.id, a5.id]);
    assert_eq!(ids(store, &ReaderQuery { after: Some(a5.id), ..page.clone() }).await, [a4.id, a3.id]);
    let oldest = ReaderQuery { oldest_first: true, after: Some(a1.id), ..page.clone() };
    assert_eq!(ids(store, &oldest).await, [a2.id, a3.id]);
    let window = ReaderQuery { fetched_since: Some(a2.fetched_at), fetched_until: Some(a4.fetched_at), ..list(sam) };
    assert_eq!(ids(store, &window).await, [a4.id, a3.id, a2.id]);
    assert_eq!(ids(store, &ReaderQuery::new(sam, Source::Outlet(wire), 100)).await, [a5.id, a3.id, a2.id]);
    assert_eq!(ids(store, &ReaderQuery::new(sam, Source::Story(story), 100)).await.len(), 5);
    let chosen = ReaderQuery { ids: Some(vec![a1.id, nul.id, ArticleId(999_999)]), ..list(sam) };
    assert_eq!(ids(store, &chosen).await, [nul.id, a1.id]);

    // Labels.
    store.set_label(sam, &[a1.id, a2.id], "Later", true).await.unwrap();
    store.set_label(sam, &[a2.id], "Later", false).await.unwrap();
    assert_eq!(store.labels(sam).await.unwrap(), [("Later".to_string(), 1)]);
    let labelled = ReaderQuery { label: Some("Later".into()), ..ReaderQuery::new(sam, Source::Everything, 100) };
    assert_eq!(ids(store, &labelled).await, [a1.id]);
    let full = store.reader_articles(sam, &[a3.id, a1.id, ArticleId(999_999)]).await.unwrap();
    assert_eq!(full.iter().map(|r| r.article.id).collect::<Vec<_>>(), [a3.id, a1.id], "in the order asked");
    assert!(full[0].read && full[0].starred && full[0].labels.is_empty());
    assert_eq!((full[1].read, full[1].labels.as_slice()), (true, &["Later".to_string()][..]));
    // A page's articles with the state its query read: the same, in the query's order.
    let page = store.reader_items(&ReaderQuery { ids: Some(vec![a1.id, a3.id]), ..list(sam) }).await.unwrap();
    let found = store.reader_articles_found(sam, &page).await.unwrap();
    let seen: Vec<_> = found.iter().map(|r| (r.article.id, r.read, r.starred, r.labels.clone())).collect();
    assert_eq!(seen, [(a3.id, true, true, vec![]), (a1.id, true, false, vec!["Later".to_string()])]);
    store.delete_label(sam, "Later").await.unwrap();
    assert!(store.labels(sam).await.unwrap().is_empty());

    // API tokens: only hashes, per account, revocable; a Fever key opens the Fever API only.
    let api = store.add_api_token(sam, "phone", TokenKind::Api, "hash-api", t(40)).await.unwrap();
    assert!(matches!(store.add_api_token(ada, "x", TokenKind::Api, "hash-api", t(40)).await, Err(Error::Conflict(_))));
    for n in 0..APP_LOGINS_KEPT + 2 {
        store
            .add_api_token(sam, "Google Reader login", TokenKind::AppLogin, &format!("login-{n}"), t(41))
            .await
            .unwrap();
    }
    store.add_api_token(sam, "Fever", TokenKind::Fever, "fever-1", t(42)).await.unwrap();
    store.add_api_token(sam, "Fever", TokenKind::Fever, "fever-2", t(43)).await.unwrap();
    let tokens = store.api_tokens(sam).await.unwrap();
    assert_eq!(tokens.len() as i64, 1 + APP_LOGINS_KEPT + 1, "old app logins and the old Fever key are gone");
    let apps = [TokenKind::Api, TokenKind::AppLogin];
    assert_eq!(store.api_token_user("hash-api", &apps).await.unwrap().map(|(u, _)| u.id), Some(sam));
    assert!(store.api_token_user("login-0", &apps).await.unwrap().is_none());
    assert!(store.api_token_user(&format!("login-{}", APP_LOGINS_KEPT + 1), &apps).await.unwrap().is_some());
    assert!(store.api_token_user("fever-1", &[TokenKind::Fever]).await.unwrap().is_none());
    assert!(store.api_token_user("fever-2", &apps).await.unwrap().is_none(), "a Fever key is not an API token");
    assert!(store.api_token_user("fever-2", &[TokenKind::Fever]).await.unwrap().is_some());
    assert!(matches!(store.revoke_api_token(ada, api.id).await, Err(Error::NotFound(_))), "only its owner");
    store.revoke_api_token(sam, api.id).await.unwrap();
    assert!(store.api_token_user("hash-api", &apps).await.unwrap().is_none());
}
