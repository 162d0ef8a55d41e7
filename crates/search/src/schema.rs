//! The index's fields: one title and one body field per analyzer (an article's text goes into
//! those of its language), filters, and what a result shows.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::{ANALYZERS, Analyzer, PLAIN};

/// The fields of the index.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub(crate) schema: Schema,
    /// Article id: unique, for replacing a document and reading results.
    pub(crate) id: Field,
    /// Story id at indexing time, 0 for none.
    pub(crate) story: Field,
    /// Outlet id.
    pub(crate) outlet: Field,
    /// Publication (else fetch) time, unix microseconds.
    pub(crate) time: Field,
    /// Primary language subtag, lower case.
    pub(crate) lang: Field,
    /// The outlet's category, lower case.
    pub(crate) category: Field,
    /// Author names as plain words, for the author filter.
    pub(crate) author: Field,
    /// Shown: headline, body text, outlet name, authors (one line each).
    pub(crate) shown_title: Field,
    pub(crate) shown_text: Field,
    pub(crate) shown_outlet: Field,
    pub(crate) shown_authors: Field,
    /// Per analyzer, in [`ANALYZERS`] order: (title, body).
    pub(crate) text: Vec<(Field, Field)>,
}

impl Fields {
    pub(crate) fn new() -> Self {
        let mut b = Schema::builder();
        let id = b.add_u64_field("id", INDEXED | FAST);
        let story = b.add_u64_field("story", FAST);
        let outlet = b.add_u64_field("outlet", INDEXED | FAST);
        let time = b.add_i64_field("time", INDEXED | FAST);
        let lang = b.add_text_field("lang", STRING | STORED);
        let category = b.add_text_field("category", STRING);
        let author = b.add_text_field("author", analyzed(PLAIN, IndexRecordOption::WithFreqsAndPositions));
        let shown_title = b.add_text_field("shown_title", STORED);
        let shown_text = b.add_text_field("shown_text", STORED);
        let shown_outlet = b.add_text_field("shown_outlet", STORED);
        let shown_authors = b.add_text_field("shown_authors", STORED);
        let text = ANALYZERS
            .iter()
            .map(|a| {
                let options = analyzed(*a, IndexRecordOption::WithFreqsAndPositions);
                (
                    b.add_text_field(&format!("title_{}", a.code), options.clone()),
                    b.add_text_field(&format!("body_{}", a.code), options),
                )
            })
            .collect();
        Fields {
            schema: b.build(),
            id,
            story,
            outlet,
            time,
            lang,
            category,
            author,
            shown_title,
            shown_text,
            shown_outlet,
            shown_authors,
            text,
        }
    }

    /// The (title, body) fields of `analyzer`.
    pub(crate) fn of(&self, analyzer: Analyzer) -> (Field, Field) {
        let i = ANALYZERS.iter().position(|a| *a == analyzer).unwrap_or(ANALYZERS.len() - 1);
        self.text[i]
    }
}

fn analyzed(analyzer: Analyzer, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(&analyzer.tokenizer_name()).set_index_option(record),
    )
}
