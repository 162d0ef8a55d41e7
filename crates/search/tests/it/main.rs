//! The search index on a small archive written for these tests: ranking, phrases, exclusion,
//! filters, grouping by story, paging, snippets, languages and what survives a crash.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed assertion

use std::collections::HashMap;

use jiff::Timestamp;
use tidings_core::{ArticleId, OutletId, StoryId};
use tidings_search::{
    COUNTED, Candidate, Error, Filters, Matches, ResultsPage, SearchDoc, SearchIndex, SearchRequest, Sort,
};

fn at(day: i64) -> Timestamp {
    Timestamp::from_second(1_780_000_000 + day * 86_400).unwrap()
}

#[allow(clippy::too_many_arguments)]
fn doc(
    id: i64,
    story: Option<i64>,
    outlet: i64,
    lang: &str,
    day: i64,
    author: &str,
    title: &str,
    text: &str,
) -> SearchDoc {
    SearchDoc {
        id: ArticleId(id),
        story: story.map(StoryId),
        outlet: OutletId(outlet),
        outlet_name: format!("Outlet {outlet}"),
        category: Some(if outlet == 3 { "Sport".to_string() } else { "World".to_string() }),
        title: title.to_string(),
        text: text.to_string(),
        authors: vec![author.to_string()],
        lang: Some(lang.to_string()),
        time: at(day),
    }
}

fn archive() -> Vec<SearchDoc> {
    vec![
        doc(
            1,
            Some(100),
            1,
            "en",
            1,
            "Mara Quinn",
            "Prisoner release agreed after talks",
            "Both governments agreed a prisoner release on Monday after three days of talks in Calder.",
        ),
        doc(
            2,
            Some(100),
            2,
            "en-GB",
            2,
            "Sam Reyes",
            "Talks end with exchange of detainees",
            "The prisoner exchange will free forty detainees, officials said. Release dates are not set.",
        ),
        doc(
            3,
            None,
            1,
            "en",
            3,
            "Lena Ortiz",
            "Harbour bridge reopens",
            "The prisoner of a long repair, the bridge, is free. Its release from scaffolding came on Tuesday.",
        ),
        doc(
            4,
            None,
            3,
            "en",
            4,
            "Tom Vale",
            "Cup final: release of tickets for sport fans",
            "Sport fans queued for the release of final tickets; a former prisoner sang the anthem.",
        ),
        doc(
            5,
            None,
            2,
            "ru",
            5,
            "Анна Петрова",
            "Мост через гавань открыт",
            "Мосты города снова открыты для движения после ремонта.",
        ),
        doc(6, None, 2, "zh", 6, "Li Wei", "北京市政府宣布新的交通计划", "北京市政府今天宣布了新的交通计划。"),
        doc(7, None, 2, "ja", 7, "Sato Yui", "東京タワーが再開", "東京タワーは修理の後で再開しました。"),
        doc(8, None, 2, "ar", 8, "Omar Haddad", "افتتاح الجسر بعد الإصلاح", "أعيد افتتاح الجسر أمام السيارات."),
        doc(
            9,
            None,
            1,
            "en",
            9,
            "Mara Quinn",
            "Scripts <b>and</b> tags & entities",
            "A reader wrote <script>alert(1)</script> about the ferry timetable & fares.",
        ),
    ]
}

fn index_of(docs: &[SearchDoc]) -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    let mut writer = index.indexer(20_000_000, 1).unwrap();
    for d in docs {
        writer.put(d).unwrap();
    }
    writer.commit(docs.iter().map(|d| d.id.0).max().unwrap_or(0)).unwrap();
    index
}

fn request(query: &str) -> SearchRequest {
    SearchRequest { query: query.to_string(), ..SearchRequest::default() }
}

fn as_indexed(c: &Candidate) -> Option<Option<StoryId>> {
    Some(c.story)
}

fn page_of(index: &SearchIndex, request: &SearchRequest) -> ResultsPage {
    index.search(request).unwrap().page(&as_indexed, 1, 20).unwrap()
}

fn ids(index: &SearchIndex, request: &SearchRequest) -> Vec<i64> {
    index.search(request).unwrap().hits().iter().map(|h| h.article.0).collect()
}

#[test]
fn the_exact_title_ranks_first() {
    let index = index_of(&archive());
    assert_eq!(ids(&index, &request("harbour bridge reopens"))[0], 3);
    assert_eq!(ids(&index, &request("prisoner release agreed after talks"))[0], 1);
}

#[test]
fn a_phrase_beats_scattered_words_and_is_required_as_written() {
    let index = index_of(&archive());
    // 1, 3 and 4 hold both words; only 1 holds them together in that order.
    let scattered = ids(&index, &request("prisoner release"));
    assert_eq!(scattered[0], 1, "{scattered:?}");
    assert!(scattered.contains(&3) && scattered.contains(&4), "{scattered:?}");
    assert_eq!(ids(&index, &request("\"prisoner release\"")), [1]);
    assert_eq!(ids(&index, &request("\"release prisoner\"")), Vec::<i64>::new(), "the words in another order");
    assert_eq!(ids(&index, &request("\"release of tickets\"")), [4], "a stop word keeps its place");
    assert_eq!(ids(&index, &request("\"release tickets\"")), Vec::<i64>::new(), "without the stop word between");
    assert_eq!(ids(&index, &request("\"talks in Calder\"")), [1], "in the text, not the headline");
}

#[test]
fn a_phrase_marks_its_words_in_the_headline_and_the_snippet() {
    let index = index_of(&archive());
    let found = &page_of(&index, &request("\"prisoner release\"")).results[0];
    assert!(found.title_html.starts_with("<mark>Prisoner</mark> <mark>release</mark>"), "{}", found.title_html);
    assert!(found.snippet_html.contains("<mark>prisoner</mark> <mark>release</mark>"), "{}", found.snippet_html);
}

#[test]
fn words_are_matched_by_their_stem() {
    let index = index_of(&archive());
    assert_eq!(ids(&index, &request("reopening bridges")), [3]);
}

#[test]
fn a_word_no_article_holds_makes_the_search_find_nothing() {
    let index = index_of(&archive());
    assert_eq!(ids(&index, &request("bridge zyzzyva")), Vec::<i64>::new());
    assert_eq!(ids(&index, &request("bridge -zyzzyva")), [3]);
}

#[test]
fn an_excluded_word_leaves_out_what_contains_it() {
    let index = index_of(&archive());
    let found = ids(&index, &request("release -sport"));
    assert!(found.contains(&1) && !found.contains(&4), "{found:?}");
    let found = ids(&index, &request("release -\"prisoner release\""));
    assert!(!found.contains(&1) && found.contains(&4), "{found:?}");
}

#[test]
fn each_filter_excludes_what_does_not_meet_it() {
    let index = index_of(&archive());
    let with = |filters: Filters| {
        let mut found = ids(&index, &SearchRequest { query: "release".into(), filters, sort: Sort::Relevance });
        found.sort_unstable();
        found
    };
    assert_eq!(with(Filters::default()), [1, 2, 3, 4]);
    assert_eq!(with(Filters { outlet: Some(OutletId(1)), ..Filters::default() }), [1, 3]);
    assert_eq!(with(Filters { author: Some("quinn".into()), ..Filters::default() }), [1]);
    assert_eq!(with(Filters { author: Some("Sam Reyes".into()), ..Filters::default() }), [2]);
    assert_eq!(with(Filters { category: Some("sport".into()), ..Filters::default() }), [4]);
    assert_eq!(with(Filters { language: Some("en-GB".into()), ..Filters::default() }), [1, 2, 3, 4]);
    assert_eq!(with(Filters { language: Some("ru".into()), ..Filters::default() }), Vec::<i64>::new());
    assert_eq!(with(Filters { from: Some(at(2)), until: Some(at(4)), ..Filters::default() }), [2, 3]);
}

#[test]
fn a_story_shows_once_with_its_number_of_matching_reports() {
    let index = index_of(&archive());
    let page = page_of(&index, &request("release"));
    assert_eq!(page.matches, Matches::Exactly(4));
    assert_eq!(page.groups, 3);
    let story = page.results.iter().find(|f| f.story == Some(StoryId(100))).unwrap();
    assert_eq!(story.reports, 2);
    assert_eq!(page.results.iter().filter(|f| f.story == Some(StoryId(100))).count(), 1);
}

#[test]
fn grouping_follows_the_stories_the_store_has_now() {
    let index = index_of(&archive());
    let candidates = index.search(&request("release")).unwrap();
    // Since indexing, 3 and 4 joined story 200 and 2 was deleted.
    let now: HashMap<i64, Option<StoryId>> =
        [(1, Some(StoryId(100))), (3, Some(StoryId(200))), (4, Some(StoryId(200)))].into();
    let page = candidates.page(&|c| now.get(&c.article.0).copied(), 1, 20).unwrap();
    let mut shown: Vec<_> = page.results.iter().map(|f| (f.story.map(|s| s.0), f.reports)).collect();
    shown.sort_unstable();
    assert_eq!(shown, [(Some(100), 1), (Some(200), 2)]);
}

#[test]
fn results_sort_by_date_and_come_in_pages() {
    let index = index_of(&archive());
    let newest = SearchRequest { sort: Sort::Newest, ..request("release") };
    assert_eq!(ids(&index, &newest), [4, 3, 2, 1]);
    let candidates = index.search(&newest).unwrap();
    let first = candidates.page(&as_indexed, 1, 2).unwrap();
    let second = candidates.page(&as_indexed, 2, 2).unwrap();
    assert_eq!((first.pages, first.results.len(), second.results.len()), (2, 2, 1));
    assert_eq!(first.results.iter().chain(&second.results).map(|f| f.article.0).collect::<Vec<_>>(), [4, 3, 2]);
    assert!(candidates.page(&as_indexed, 9, 2).unwrap().results.is_empty());
}

#[test]
fn snippets_mark_the_match_and_escape_the_text() {
    let index = index_of(&archive());
    let page = page_of(&index, &request("ferry"));
    let found = &page.results[0];
    assert!(found.snippet_html.contains("<mark>ferry</mark>"), "{}", found.snippet_html);
    assert!(
        found.snippet_html.contains("&lt;script&gt;") && !found.snippet_html.contains("<script"),
        "{}",
        found.snippet_html
    );
    assert_eq!(found.title_html, "Scripts &lt;b&gt;and&lt;/b&gt; tags &amp; entities");
    let page = page_of(&index, &request("tags"));
    assert_eq!(
        page.results[0].title_html,
        "Scripts &lt;b&gt;and&lt;/b&gt; tags &amp; entities".replace("tags", "<mark>tags</mark>")
    );
}

#[test]
fn russian_chinese_japanese_and_arabic_are_findable() {
    let index = index_of(&archive());
    assert_eq!(ids(&index, &request("мост")), [5], "a Russian word finds its plural in the text");
    assert_eq!(ids(&index, &request("北京")), [6]);
    assert_eq!(ids(&index, &request("交通计划")), [6], "a run of characters inside a longer one");
    assert_eq!(ids(&index, &request("東京タワー")), [7]);
    assert_eq!(ids(&index, &request("الجسر")), [8]);
    let page = page_of(&index, &request("北京"));
    assert!(page.results[0].snippet_html.contains("<mark>北京</mark>"), "{}", page.results[0].snippet_html);
}

#[test]
fn a_malformed_query_is_an_error_in_words() {
    let index = index_of(&archive());
    for query in ["", "-sport", "\"prisoner release", "?!"] {
        match index.search(&request(query)) {
            Err(Error::Query(message)) => assert!(message.ends_with('.'), "{query:?}: {message}"),
            other => panic!("{query:?} gave {other:?}"),
        }
    }
}

#[test]
fn a_query_matching_everything_reads_a_bounded_number_of_matches() {
    let docs: Vec<SearchDoc> = (1..=1_500)
        .map(|i| doc(i, None, 1, "en", i % 30, "Mara Quinn", &format!("Council news {i}"), "The council met today."))
        .collect();
    let index = index_of(&docs);
    let candidates = index.search(&request("council")).unwrap();
    assert_eq!(candidates.matches(), Matches::MoreThan(COUNTED));
    assert_eq!(candidates.hits().len(), tidings_search::CANDIDATES);
    let page = candidates.page(&as_indexed, 1, 20).unwrap();
    assert!(page.truncated);
    assert_eq!(page.results.len(), 20);
}

#[test]
fn a_search_matching_more_than_are_counted_says_more_than() {
    let docs: Vec<SearchDoc> = (1..=i64::try_from(COUNTED).unwrap() + 5)
        .map(|i| doc(i, None, 1, "en", i % 30, "Mara Quinn", "Council news", "The council met today."))
        .collect();
    let index = index_of(&docs);
    let page = page_of(&index, &request("\"council news\""));
    assert_eq!(page.matches, Matches::MoreThan(COUNTED));
    assert_eq!(page.matches.to_string(), format!("More than {COUNTED} articles match"));
    assert!(page.truncated);
}

#[test]
fn a_lone_phrase_finds_the_best_matches_of_many_as_a_filtered_one_does() {
    // More matches than are counted, of many lengths and counts, the phrase sometimes broken.
    let docs: Vec<SearchDoc> = (1..=i64::try_from(COUNTED).unwrap() * 3 / 2)
        .map(|i| {
            let filler = "Officials met again. ".repeat(usize::try_from(i % 37).unwrap());
            let phrase = "The council vote passed. ".repeat(usize::try_from(1 + i % 3).unwrap());
            let text = if i % 5 == 0 { format!("{filler}The vote on the council passed.") } else { filler + &phrase };
            let title = if i % 101 == 0 { "Council vote today" } else { "News of the day" };
            doc(i, None, 1, "en", i % 30, "Mara Quinn", title, &text)
        })
        .collect();
    let index = index_of(&docs);
    let lone = index.search(&request("\"council vote\"")).unwrap();
    let english = SearchRequest {
        filters: Filters { language: Some("en".into()), ..Filters::default() },
        ..request("\"council vote\"")
    };
    let filtered = index.search(&english).unwrap();
    let scores = |c: &tidings_search::Candidates| c.hits().iter().map(|h| h.score).collect::<Vec<_>>();
    assert_eq!(scores(&lone), scores(&filtered));
    assert_eq!(lone.hits()[0].article.0 % 101, 0, "a headline match ranks first");
    assert_eq!(lone.matches(), Matches::MoreThan(COUNTED));
}

#[test]
fn what_was_committed_survives_a_crash_and_the_rest_is_redone() {
    let dir = tempfile::tempdir().unwrap();
    let docs = archive();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        let mut writer = index.indexer(20_000_000, 1).unwrap();
        for d in &docs[..4] {
            writer.put(d).unwrap();
        }
        writer.commit(4).unwrap();
        // Put but never committed: the process dies here.
        for d in &docs[4..] {
            writer.put(d).unwrap();
        }
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.indexed_through().unwrap(), 4);
    assert_eq!(index.len(), 4);
    let mut writer = index.indexer(20_000_000, 1).unwrap();
    // Catching up puts again from the recorded id on; putting twice keeps one copy.
    for d in &docs[3..] {
        writer.put(d).unwrap();
    }
    writer.commit(9).unwrap();
    assert_eq!((index.len(), index.indexed_through().unwrap()), (9, 9));
    assert_eq!(ids(&index, &request("harbour bridge reopens")), [3]);
}

#[test]
fn a_second_writer_is_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    let _writer = index.indexer(20_000_000, 1).unwrap();
    let other = SearchIndex::open(dir.path()).unwrap();
    match other.indexer(20_000_000, 1) {
        Err(e @ Error::Busy(_)) => assert!(e.to_string().contains("another Tidings process")),
        other => panic!("{:?}", other.map(|_| ())),
    }
}
