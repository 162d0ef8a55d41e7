//! The index: opening it, writing documents with the id they cover, and asking it.

use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::query::{EnableScoring, Query};
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TERMINATED, TantivyDocument,
    TantivyError, Term,
};
use tidings_core::{ArticleId, OutletId, StoryId};

use crate::analysis::{Analyzer, primary_subtag, register};
use crate::phrase;
use crate::query::{SearchRequest, Sort, build, lone_phrase, micros};
use crate::results::{CANDIDATES, COUNTED, Candidate, Candidates, Matches};
use crate::schema::Fields;
use crate::{Error, Result};

/// An article as the index reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDoc {
    /// The article.
    pub id: ArticleId,
    /// Its story when indexed.
    pub story: Option<StoryId>,
    /// Its outlet.
    pub outlet: OutletId,
    /// The outlet's name.
    pub outlet_name: String,
    /// The outlet's category.
    pub category: Option<String>,
    /// Headline.
    pub title: String,
    /// Body text.
    pub text: String,
    /// Bylines.
    pub authors: Vec<String>,
    /// BCP 47 language tag.
    pub lang: Option<String>,
    /// Publication (else fetch) time.
    pub time: Timestamp,
}

/// What a commit records about the store: every article up to this id is in the index.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Payload {
    indexed_through: i64,
}

/// A search index, on disk or in memory; cheap to clone, shared by every request.
#[derive(Clone)]
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Arc<Fields>,
    place: String,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("place", &self.place).finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it (and the folder) when there is none.
    pub fn open(dir: &Path) -> Result<Self> {
        let place = dir.display().to_string();
        std::fs::create_dir_all(dir).map_err(|source| Error::Folder { path: place.clone(), source })?;
        let fields = Fields::new();
        let directory = MmapDirectory::open(dir).map_err(TantivyError::from)?;
        let index = if Index::exists(&directory).map_err(TantivyError::from)? {
            let index = Index::open(directory)?;
            if index.schema() != fields.schema {
                return Err(Error::Incompatible(place));
            }
            index
        } else {
            Index::create(directory, fields.schema.clone(), tantivy::IndexSettings::default())?
        };
        Self::with(index, fields, place)
    }

    /// A new index in memory (tests and benchmarks).
    pub fn in_memory() -> Result<Self> {
        let fields = Fields::new();
        let index = Index::create_in_ram(fields.schema.clone());
        Self::with(index, fields, "memory".to_string())
    }

    fn with(index: Index, fields: Fields, place: String) -> Result<Self> {
        register(&index);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::OnCommitWithDelay).try_into()?;
        Ok(Self { index, reader, fields: Arc::new(fields), place })
    }

    /// The one writer of this index, with `heap_bytes` of memory for documents not yet written
    /// out and `threads` indexing threads; [`Error::Busy`] when another process writes it.
    pub fn indexer(&self, heap_bytes: usize, threads: usize) -> Result<Indexer> {
        let writer = match self.index.writer_with_num_threads(threads.max(1), heap_bytes) {
            Ok(w) => w,
            Err(TantivyError::LockFailure(..)) => return Err(Error::Busy(self.place.clone())),
            Err(e) => return Err(e.into()),
        };
        Ok(Indexer { writer, reader: self.reader.clone(), fields: self.fields.clone() })
    }

    /// Every article up to this id was indexed at the last commit (0 for a new index).
    pub fn indexed_through(&self) -> Result<i64> {
        let metas = self.index.load_metas()?;
        Ok(metas.payload.and_then(|p| serde_json::from_str::<Payload>(&p).ok()).unwrap_or_default().indexed_through)
    }

    /// Articles in the index, as of the last commit seen.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// True when the index holds no article.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sees what other writers committed (readers see commits on their own within a second).
    pub fn refresh(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    /// The best [`CANDIDATES`] matches of a request, in its order, with the number of matches
    /// (counted up to [`COUNTED`]).
    pub fn search(&self, request: &SearchRequest) -> Result<Candidates> {
        let searcher = self.reader.searcher();
        let present = |term: &Term| searcher.doc_freq(term).map_or(true, |n| n > 0);
        let query = build(&self.fields, request, &present)?;
        let top = TopDocs::with_limit(CANDIDATES);
        let (found, matches) = match request.sort {
            Sort::Relevance => match lone_phrase(&self.fields, request, &present) {
                Some(places) => phrase::best(&searcher, &places, CANDIDATES)?,
                None => counted(&searcher, &*query, searcher.search(&*query, &top.order_by_score())?)?,
            },
            Sort::Newest => {
                let by_time = searcher.search(&*query, &top.order_by_fast_field::<i64>("time", Order::Desc))?;
                counted(&searcher, &*query, by_time.into_iter().map(|(_, address)| (0.0, address)).collect())?
            }
        };
        let mut columns = std::collections::HashMap::new();
        let mut hits = Vec::with_capacity(found.len());
        for (score, address) in found {
            let segment = match columns.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let ff = searcher.segment_reader(address.segment_ord).fast_fields();
                    e.insert((ff.u64("id")?, ff.u64("story")?, ff.i64("time")?))
                }
            };
            let (ids, stories, times) = &*segment;
            let id = ids.first(address.doc_id).unwrap_or_default();
            let story = stories.first(address.doc_id).unwrap_or_default();
            let time = times.first(address.doc_id).unwrap_or_default();
            hits.push(Candidate {
                article: ArticleId(i64::try_from(id).unwrap_or_default()),
                story: (story > 0).then(|| StoryId(i64::try_from(story).unwrap_or_default())),
                score,
                time: Timestamp::from_microsecond(time).unwrap_or(Timestamp::UNIX_EPOCH),
                address,
            });
        }
        Ok(Candidates::new(searcher, query, self.fields.clone(), hits, matches))
    }
}

/// The best matches found, with how many match: fewer than were asked for are all there are,
/// else they are counted.
fn counted(
    searcher: &Searcher,
    query: &dyn Query,
    found: Vec<(f32, DocAddress)>,
) -> Result<(Vec<(f32, DocAddress)>, Matches)> {
    let matches = if found.len() < CANDIDATES { Matches::Exactly(found.len()) } else { count(searcher, query)? };
    Ok((found, matches))
}

/// The documents `query` matches, counted without scoring them up to [`COUNTED`].
fn count(searcher: &Searcher, query: &dyn Query) -> Result<Matches> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut counted = 0;
    for segment in searcher.segment_readers() {
        let alive = segment.alive_bitset();
        let mut matches = weight.scorer(segment, 1.0)?;
        let mut doc = matches.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                if counted == COUNTED {
                    return Ok(Matches::MoreThan(COUNTED));
                }
                counted += 1;
            }
            doc = matches.advance();
        }
    }
    Ok(Matches::Exactly(counted))
}

/// The writer of an index: documents put are seen by searches after [`Indexer::commit`].
pub struct Indexer {
    writer: IndexWriter,
    reader: IndexReader,
    fields: Arc<Fields>,
}

impl std::fmt::Debug for Indexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Indexer").finish_non_exhaustive()
    }
}

impl Indexer {
    /// Puts an article in the index, replacing what it held for the same id.
    pub fn put(&mut self, doc: &SearchDoc) -> Result<()> {
        let id = u64::try_from(doc.id.0).unwrap_or_default();
        self.writer.delete_term(Term::from_field_u64(self.fields.id, id));
        self.add(doc)
    }

    /// Adds an article known not to be in the index (a rebuild from empty).
    pub fn add(&mut self, doc: &SearchDoc) -> Result<()> {
        let f = &*self.fields;
        let mut d = TantivyDocument::default();
        d.add_u64(f.id, u64::try_from(doc.id.0).unwrap_or_default());
        d.add_u64(f.story, doc.story.map_or(0, |s| u64::try_from(s.0).unwrap_or_default()));
        d.add_u64(f.outlet, u64::try_from(doc.outlet.0).unwrap_or_default());
        d.add_i64(f.time, micros(doc.time));
        let lang = doc.lang.as_deref().map(primary_subtag).unwrap_or_default();
        d.add_text(f.lang, &lang);
        if let Some(category) = doc.category.as_deref().map(|c| c.trim().to_lowercase()).filter(|c| !c.is_empty()) {
            d.add_text(f.category, &category);
        }
        for author in &doc.authors {
            d.add_text(f.author, author);
        }
        let (title, body) = f.of(Analyzer::for_tag(doc.lang.as_deref()));
        d.add_text(title, &doc.title);
        d.add_text(body, &doc.text);
        d.add_text(f.shown_title, &doc.title);
        d.add_text(f.shown_text, &doc.text);
        d.add_text(f.shown_outlet, &doc.outlet_name);
        d.add_text(f.shown_authors, doc.authors.join("\n"));
        self.writer.add_document(d)?;
        Ok(())
    }

    /// Empties the index (seen at the next commit, so a crash before it keeps the old one).
    pub fn clear(&mut self) -> Result<()> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Makes what was put searchable, recording that every article up to `indexed_through`
    /// is in the index; both survive a crash together or not at all.
    pub fn commit(&mut self, indexed_through: i64) -> Result<()> {
        let payload = serde_json::to_string(&Payload { indexed_through }).unwrap_or_default();
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }
}
