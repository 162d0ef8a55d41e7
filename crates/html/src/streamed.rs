//! Streamed server rendering (React): the page first sends a placeholder ("Loading
//! paragraph…") after an empty `<template id="B:n">`, and later a hidden `<div id="S:n">` with
//! the real content, which a script moves into the template's place. A reader without scripts
//! gets the placeholders; this pass does what the script would.

use std::collections::HashMap;

use dom_query::{Document, NodeRef};

use crate::sanitize::fold;

/// Moves the content of each streamed segment `S:n` to where its template `B:n` stands, and
/// drops the template and the placeholder after it (an element with no text, or one that
/// says it is loading).
pub(crate) fn splice(doc: &Document) {
    let templates: HashMap<String, NodeRef<'_>> = doc
        .select(r#"template[id^="B:"]"#)
        .nodes()
        .iter()
        .filter_map(|t| Some((t.attr("id")?.get(2..)?.to_string(), *t)))
        .collect();
    if templates.is_empty() {
        return;
    }
    for segment in doc.select(r#"div[id^="S:"]"#).nodes() {
        let Some(template) = segment.attr("id").and_then(|id| templates.get(id.get(2..)?).copied()) else { continue };
        if let Some(placeholder) = template.next_element_sibling().filter(is_placeholder) {
            placeholder.remove_from_parent();
        }
        if let Some(first) = segment.first_child() {
            template.insert_siblings_before(&first);
        }
        template.remove_from_parent();
        segment.remove_from_parent();
    }
}

/// Whether `n` is what a page shows until a segment arrives: a skeleton without text, or a
/// short "Loading…" line.
fn is_placeholder(n: &NodeRef<'_>) -> bool {
    if n.qual_name_ref().is_some_and(|q| &*q.local == "template") {
        return false;
    }
    let text = fold(&n.text());
    text.is_empty() || (text.len() < 60 && text.to_lowercase().starts_with("loading"))
}
