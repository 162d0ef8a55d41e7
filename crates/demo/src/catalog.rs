//! The demo outlets and the bundled articles.

use jiff::{SignedDuration, Timestamp};

use crate::{Error, Result};

/// A demo outlet's feed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// RSS 2.0 with a description.
    Rss,
    /// RSS 2.0 with content:encoded and dc:creator.
    RssContent,
    /// Atom 1.0.
    Atom,
    /// JSON Feed 1.1.
    JsonFeed11,
    /// JSON Feed 1.0.
    JsonFeed10,
}

impl FeedKind {
    /// The Content-Type it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Rss | Self::RssContent => "application/rss+xml; charset=utf-8",
            Self::Atom => "application/atom+xml; charset=utf-8",
            Self::JsonFeed11 | Self::JsonFeed10 => "application/feed+json; charset=utf-8",
        }
    }
}

/// An invented news outlet.
#[derive(Debug, Clone)]
pub struct DemoOutlet {
    /// Path segment and key in the data file.
    pub slug: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Its feed format.
    pub feed: FeedKind,
    /// The line it repeats on every page, which extraction must leave out.
    pub boilerplate: &'static str,
    /// Its page colour, for realism.
    pub colour: &'static str,
}

impl DemoOutlet {
    /// Path of its feed.
    pub fn feed_path(&self) -> String {
        let file = match self.feed {
            FeedKind::Rss | FeedKind::RssContent => "feed.xml",
            FeedKind::Atom => "atom.xml",
            FeedKind::JsonFeed11 | FeedKind::JsonFeed10 => "feed.json",
        };
        format!("/{}/{file}", self.slug)
    }

    /// The canonical host its pages declare.
    pub fn canonical_host(&self) -> String {
        format!("{}.example", self.slug)
    }
}

/// One bundled article.
#[derive(Debug, Clone)]
pub struct DemoArticle {
    /// The event it reports (the gold story label).
    pub event: String,
    /// The outlet's slug.
    pub outlet: String,
    /// Path segment.
    pub slug: String,
    /// Hours before the demo's start it was published.
    pub hours_ago: i64,
    /// Byline.
    pub author: String,
    /// Headline.
    pub title: String,
    /// Body paragraphs.
    pub paragraphs: Vec<String>,
}

impl DemoArticle {
    /// Publication time relative to `now`.
    pub fn published(&self, now: Timestamp) -> Timestamp {
        now - SignedDuration::from_hours(self.hours_ago)
    }
}

/// Everything the demo serves.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The outlets.
    pub outlets: Vec<DemoOutlet>,
    /// The articles, in file order.
    pub articles: Vec<DemoArticle>,
}

impl Catalog {
    /// An outlet by slug.
    pub fn outlet(&self, slug: &str) -> Option<&DemoOutlet> {
        self.outlets.iter().find(|o| o.slug == slug)
    }

    /// An outlet's articles, newest first.
    pub fn articles_of(&self, slug: &str) -> Vec<&DemoArticle> {
        let mut list: Vec<&DemoArticle> = self.articles.iter().filter(|a| a.outlet == slug).collect();
        list.sort_by_key(|a| a.hours_ago);
        list
    }
}

const OUTLETS: &[DemoOutlet] = &[
    DemoOutlet {
        slug: "harbour-herald",
        name: "The Harbour Herald",
        feed: FeedKind::Rss,
        boilerplate: "Herald Flash top headlines are here. Check out what's clicking on the Harbour Herald.",
        colour: "#0b3d5c",
    },
    DemoOutlet {
        slug: "northgate-daily",
        name: "Northgate Daily",
        feed: FeedKind::Atom,
        boilerplate: "Northgate Daily: independent news since 1911. Support our journalism today.",
        colour: "#7a1f1f",
    },
    DemoOutlet {
        slug: "meridian-wire",
        name: "Meridian Wire",
        feed: FeedKind::JsonFeed11,
        boilerplate: "Meridian Wire. The story as it breaks. Get the Meridian app for alerts.",
        colour: "#1d4d2b",
    },
    DemoOutlet {
        slug: "valley-ledger",
        name: "The Valley Ledger",
        feed: FeedKind::RssContent,
        boilerplate: "Ledger Briefing: the five stories you need this morning, in your inbox.",
        colour: "#4b2e83",
    },
    DemoOutlet {
        slug: "civic-signal",
        name: "Civic Signal",
        feed: FeedKind::Atom,
        boilerplate: "Civic Signal is reader-funded. Become a member for less than a coffee a week.",
        colour: "#8a5a00",
    },
    DemoOutlet {
        slug: "plainsview-post",
        name: "Plainsview Post",
        feed: FeedKind::JsonFeed10,
        boilerplate: "Plainsview Post top stories, every hour. Tap to follow us for more.",
        colour: "#2f4f4f",
    },
];

/// The outlets and the bundled articles.
pub fn catalog() -> Result<Catalog> {
    Ok(Catalog { outlets: OUTLETS.to_vec(), articles: parse(include_str!("../data/articles.txt"))? })
}

fn parse(text: &str) -> Result<Vec<DemoArticle>> {
    let mut articles: Vec<DemoArticle> = Vec::new();
    let mut event = String::new();
    let mut paragraph = String::new();
    let flush = |paragraph: &mut String, articles: &mut Vec<DemoArticle>| {
        if let Some(a) = articles.last_mut()
            && !paragraph.trim().is_empty()
        {
            a.paragraphs.push(paragraph.trim().to_string());
        }
        paragraph.clear();
    };
    for (n, line) in text.lines().enumerate() {
        let bad = |reason: &str| Error::Data { line: n + 1, reason: reason.to_string() };
        if let Some(key) = line.strip_prefix("## ") {
            flush(&mut paragraph, &mut articles);
            event = key.trim().to_string();
        } else if line.starts_with('#') {
            continue;
        } else if let Some(head) = line.strip_prefix("@ ") {
            flush(&mut paragraph, &mut articles);
            let parts: Vec<&str> = head.split('|').map(str::trim).collect();
            let [outlet, hours, author, title] = parts[..] else {
                return Err(bad("expected OUTLET | HOURS | AUTHOR | TITLE"));
            };
            if !OUTLETS.iter().any(|o| o.slug == outlet) {
                return Err(bad("unknown outlet"));
            }
            if event.is_empty() {
                return Err(bad("article before any event"));
            }
            articles.push(DemoArticle {
                event: event.clone(),
                outlet: outlet.to_string(),
                slug: slugify(title),
                hours_ago: hours.parse().map_err(|_| bad("hours is not a number"))?,
                author: author.to_string(),
                title: title.to_string(),
                paragraphs: Vec::new(),
            });
        } else if line.trim().is_empty() {
            flush(&mut paragraph, &mut articles);
        } else {
            if articles.is_empty() {
                return Err(bad("text before any article"));
            }
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(line.trim());
        }
    }
    flush(&mut paragraph, &mut articles);
    Ok(articles)
}

fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn bundle_has_sixty_articles_about_twelve_events_from_six_outlets() {
        let c = catalog().unwrap();
        assert_eq!(c.articles.len(), 60);
        let mut outlets_per_event: HashMap<&str, HashSet<&str>> = HashMap::new();
        for a in &c.articles {
            outlets_per_event.entry(&a.event).or_default().insert(&a.outlet);
            assert!(a.paragraphs.len() >= 3, "{} has {} paragraphs", a.title, a.paragraphs.len());
        }
        assert_eq!(outlets_per_event.len(), 12);
        assert!(outlets_per_event.values().all(|o| o.len() >= 3));
        let formats: HashSet<_> = c.outlets.iter().map(|o| o.feed.content_type()).collect();
        assert_eq!(formats.len(), 3);
    }

    #[test]
    fn slugs_are_unique_per_outlet() {
        let c = catalog().unwrap();
        let keys: HashSet<(&str, &str)> = c.articles.iter().map(|a| (a.outlet.as_str(), a.slug.as_str())).collect();
        assert_eq!(keys.len(), c.articles.len());
    }

    #[test]
    fn slugify_makes_path_segments() {
        assert_eq!(slugify("Rovers end 22-year wait, at last!"), "rovers-end-22-year-wait-at-last");
    }
}
