//! What an operator changes about outlets, from the command line or the admin pages alike:
//! their settings (checked here, once), and the OPML list in and out.

use jiff::Timestamp;
use tidings_core::OutletId;
use tidings_feed::{OpmlOutline, parse_opml, write_opml};
use tidings_store::{NewOutlet, OutletHealth, Store};

use crate::{Error, Result};

/// The longest outlet name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest category name, in characters.
pub const MAX_CATEGORY_CHARS: usize = 100;

/// Changes to an outlet's settings; `None` leaves a setting as it is, and an empty category,
/// selector or user agent clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutletChanges {
    /// Its name as pages show it.
    pub name: Option<String>,
    /// Its category (OPML folder).
    pub category: Option<String>,
    /// Fetch each article's page (else keep the feed's own text).
    pub full_text: Option<bool>,
    /// A CSS selector naming the article body on its pages.
    pub selector: Option<String>,
    /// The user agent its feed and pages are fetched with.
    pub user_agent: Option<String>,
}

impl OutletChanges {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Checks every setting given; the first that does not make sense is the error, named.
    pub fn check(&self) -> Result<()> {
        let refused = |setting: &'static str, reason: String| Error::Setting { setting, reason };
        if let Some(name) = &self.name {
            let chars = name.trim().chars().count();
            if chars == 0 {
                return Err(refused("name", "it is empty; give the outlet a name readers will recognise".into()));
            }
            if chars > MAX_NAME_CHARS {
                return Err(refused("name", format!("it has {chars} characters; shorten it to {MAX_NAME_CHARS}")));
            }
        }
        if let Some(category) = &self.category {
            let chars = category.trim().chars().count();
            if chars > MAX_CATEGORY_CHARS {
                return Err(refused(
                    "category",
                    format!("it has {chars} characters; shorten it to {MAX_CATEGORY_CHARS}"),
                ));
            }
        }
        if let Some(css) = self.selector.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            tidings_html::check_selector(css).map_err(|e| refused("selector", e))?;
        }
        if let Some(ua) = self.user_agent.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            tidings_fetch::check_user_agent(ua).map_err(|e| refused("user agent", e))?;
        }
        Ok(())
    }
}

/// Checks `changes` and applies them to outlet `id`; the outlet as it is now.
pub async fn change_outlet(store: &Store, id: OutletId, changes: &OutletChanges) -> Result<OutletHealth> {
    changes.check()?;
    if changes.name.is_some() || changes.category.is_some() {
        store.set_outlet_naming(id, changes.name.as_deref(), changes.category.as_deref()).await?;
    }
    if let Some(on) = changes.full_text {
        store.set_full_text(id, on).await?;
    }
    if changes.selector.is_some() || changes.user_agent.is_some() {
        store.set_outlet_fetching(id, changes.selector.as_deref(), changes.user_agent.as_deref()).await?;
    }
    Ok(store.outlet(id).await?)
}

/// Moves every outlet of category `from` to `to`, checked as an outlet's category is (joining
/// `to` if it exists; an empty `to` takes them out of any category). The number moved.
pub async fn rename_category(store: &Store, from: &str, to: &str) -> Result<u64> {
    OutletChanges { category: Some(to.to_string()), ..OutletChanges::default() }.check()?;
    Ok(store.rename_category(from, to).await?)
}

/// An outlet's settings that differ from the defaults, in words.
pub fn settings_in_words(h: &OutletHealth) -> Vec<String> {
    let mut said = Vec::new();
    if !h.outlet.full_text {
        said.push("keeps its feed's own text".to_string());
    }
    if let Some(css) = &h.outlet.selector {
        said.push(format!("article body {css:?}"));
    }
    if let Some(ua) = &h.outlet.user_agent {
        said.push(format!("user agent {ua:?}"));
    }
    said
}

/// What an OPML import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpmlImport {
    /// Outlets added.
    pub added: usize,
    /// Feeds that were followed already.
    pub existing: usize,
    /// Entries left out, and what was wrong in the file, in words.
    pub notes: Vec<String>,
    /// How many of the notes are entries left out.
    pub skipped: usize,
}

/// Follows every feed an OPML list names, due at once (nothing is fetched now: errors show on
/// each outlet after its first fetch); folders become categories. `progress` is called after
/// each entry.
pub async fn import_opml(
    store: &Store,
    text: &str,
    full_text: bool,
    now: Timestamp,
    progress: &mut (dyn FnMut() + Send),
) -> Result<OpmlImport> {
    let doc = parse_opml(text)?;
    let mut done = OpmlImport::default();
    let mut skipped = Vec::new();
    for o in &doc.outlines {
        progress();
        let url = match url::Url::parse(&o.xml_url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => u,
            _ => {
                skipped.push(format!("{}: {:?} is not an http(s) URL", o.title, o.xml_url));
                continue;
            }
        };
        let new =
            NewOutlet { name: o.title.clone(), site_url: o.html_url.clone(), category: o.category.clone(), full_text };
        match store.add_outlet(&new, url.as_str(), now).await {
            Ok(_) => done.added += 1,
            Err(tidings_store::Error::Conflict(_)) => done.existing += 1,
            Err(e) => return Err(e.into()),
        }
    }
    done.skipped = skipped.len();
    done.notes = doc.warnings.into_iter().chain(skipped).collect();
    Ok(done)
}

/// Every outlet as an OPML list, categories as folders.
pub async fn export_opml(store: &Store) -> Result<String> {
    let outlines: Vec<OpmlOutline> = store
        .outlets()
        .await?
        .into_iter()
        .map(|h| OpmlOutline {
            title: h.outlet.name,
            xml_url: h.feed.url,
            html_url: h.outlet.site_url,
            category: h.outlet.category,
        })
        .collect();
    Ok(write_opml("Tidings subscriptions", &outlines))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_that_make_no_sense_are_refused_with_their_name() {
        let said = |c: OutletChanges| c.check().map_err(|e| e.to_string());
        assert_eq!(said(OutletChanges { name: Some("The Herald".into()), ..Default::default() }), Ok(()));
        assert!(
            said(OutletChanges { name: Some("  ".into()), ..Default::default() }).is_err_and(|e| e.contains("name"))
        );
        let long = OutletChanges { category: Some("x".repeat(101)), ..Default::default() };
        assert!(said(long).is_err_and(|e| e.contains("category") && e.contains("101")));
        let css = OutletChanges { selector: Some("div[".into()), ..Default::default() };
        assert!(said(css).is_err_and(|e| e.starts_with("selector") && e.contains("not a CSS selector")));
        let ua = OutletChanges { user_agent: Some("two\nlines".into()), ..Default::default() };
        assert!(said(ua).is_err_and(|e| e.starts_with("user agent")));
        let cleared =
            OutletChanges { selector: Some(String::new()), user_agent: Some(String::new()), ..Default::default() };
        assert_eq!(said(cleared), Ok(()));
        assert!(OutletChanges::default().is_empty());
    }
}
