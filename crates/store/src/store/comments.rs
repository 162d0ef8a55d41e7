//! Reader comments, their authors' approval, the operator's word and address lists, and the
//! one-use nonces of comment forms.
//!
//! The email address is never stored: callers pass its key (a hash), which is all that is
//! needed to recognise an approved author and to erase everything of one email.

use std::collections::HashMap;

use jiff::Timestamp;
use tidings_core::{ArticleId, storable_text as text, web_link};

use super::Backend;
use crate::rows::{micros, ts};
use crate::{Error, Result, Store};

/// Replies nest at most this deep (a top-level comment is depth 0); a reply to a comment at the
/// deepest level joins that comment's own thread level instead.
pub const COMMENT_MAX_DEPTH: i64 = 5;

/// Where a comment is in moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommentStatus {
    /// Waiting for an admin; shown only to the browser that posted it.
    Pending,
    /// Published.
    Approved,
    /// Judged spam; never shown.
    Spam,
    /// Thrown away by an admin; never shown.
    Trash,
}

impl CommentStatus {
    /// Its name in the database and in addresses.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Pending => "pending",
            CommentStatus::Approved => "approved",
            CommentStatus::Spam => "spam",
            CommentStatus::Trash => "trash",
        }
    }

    /// The status a stored or typed name stands for.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(CommentStatus::Pending),
            "approved" => Some(CommentStatus::Approved),
            "spam" => Some(CommentStatus::Spam),
            "trash" => Some(CommentStatus::Trash),
            _ => None,
        }
    }
}

/// What the checks before storing made of a new comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screening {
    /// Nothing suspicious: published at once if its author is approved, else pending.
    Clean,
    /// Suspicious (many links, a listed word or address): pending whoever wrote it.
    Hold,
    /// Spam.
    Spam,
    /// Written by an admin: published at once.
    Trusted,
}

/// A comment to store.
#[derive(Debug, Clone)]
pub struct NewComment {
    /// The article it is about.
    pub article_id: ArticleId,
    /// The comment it replies to.
    pub parent_id: Option<i64>,
    /// The author's name, as typed.
    pub name: String,
    /// The key of the author's email (never the email itself).
    pub email_key: String,
    /// The author's website (kept only if it is an http(s) link).
    pub website: Option<String>,
    /// The comment as typed.
    pub body_markdown: String,
    /// The comment rendered and sanitized.
    pub body_html: String,
    /// The address it was posted from.
    pub ip: String,
    /// The key of the posting browser.
    pub poster_key: String,
    /// The account that posted it, if logged in.
    pub user_id: Option<i64>,
    /// What the checks made of it.
    pub screening: Screening,
    /// The form's one-use nonce: a second comment with the same one is refused.
    pub nonce: String,
    /// When the form's token expires (the nonce is remembered until then).
    pub nonce_expires_at: Timestamp,
    /// When it was posted.
    pub now: Timestamp,
}

/// A stored comment. It holds no email, so nothing shown from it can leak one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Its id.
    pub id: i64,
    /// The article it is about.
    pub article_id: ArticleId,
    /// The article's headline.
    pub article_title: String,
    /// The comment it replies to, if that one still exists.
    pub parent_id: Option<i64>,
    /// How deep it is in its thread (0 at the top).
    pub depth: i64,
    /// The author's name.
    pub name: String,
    /// The author's website.
    pub website: Option<String>,
    /// The comment as typed.
    pub body_markdown: String,
    /// The comment rendered and sanitized.
    pub body_html: String,
    /// Where it is in moderation.
    pub status: CommentStatus,
    /// The address it was posted from.
    pub ip: String,
    /// When it was posted.
    pub created_at: Timestamp,
    /// When it was last changed.
    pub updated_at: Timestamp,
}

/// An entry of the operator's lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentBlock {
    /// "word" or "ip".
    pub kind: String,
    /// The word (matched without case) or the address.
    pub value: String,
    /// What a match does: hold or spam.
    pub verdict: Screening,
}

macro_rules! comment_select {
    () => {
        "SELECT c.id, c.article_id, a.title, c.parent_id, c.depth, c.name, c.website, c.body_markdown, \
         c.body_html, c.status, c.ip, c.created_at, c.updated_at FROM comments c JOIN articles a ON a.id = c.article_id"
    };
}

type CommentRow =
    (i64, i64, String, Option<i64>, i64, String, Option<String>, String, String, String, String, i64, i64);

fn comment(row: CommentRow) -> Comment {
    let (id, article_id, article_title, parent_id, depth, name, website, body_markdown, body_html, status, ip, c, u) =
        row;
    Comment {
        id,
        article_id: ArticleId(article_id),
        article_title,
        parent_id,
        depth,
        name,
        website,
        body_markdown,
        body_html,
        status: CommentStatus::parse(&status).unwrap_or(CommentStatus::Pending),
        ip,
        created_at: ts(c),
        updated_at: ts(u),
    }
}

fn verdict_str(v: Screening) -> &'static str {
    if v == Screening::Spam { "spam" } else { "hold" }
}

impl Store {
    /// Stores a comment and decides its status: an admin's and a clean one from an approved
    /// author are published, a held one and a first one wait, spam is spam.
    ///
    /// `Conflict` when the form's nonce was used already (a replayed form); `NotFound` when the
    /// comment replied to is not a visible comment of the same article.
    pub async fn add_comment(&self, new: &NewComment) -> Result<Comment> {
        let website = new.website.as_deref().and_then(web_link);
        let id: i64 = write_tx!(self, |tx| {
            sqlx::query("DELETE FROM used_form_nonces WHERE expires_at < $1")
                .bind(micros(new.now))
                .execute(&mut *tx)
                .await?;
            let fresh: Option<(String,)> = sqlx::query_as(
                "INSERT INTO used_form_nonces (nonce, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING nonce",
            )
            .bind(text(&new.nonce))
            .bind(micros(new.nonce_expires_at))
            .fetch_optional(&mut *tx)
            .await?;
            if fresh.is_none() {
                return Err(Error::Conflict("a comment from this form".to_string()));
            }
            let (parent_id, depth) = match new.parent_id {
                None => (None, 0),
                Some(parent) => {
                    let row: Option<(Option<i64>, i64, String)> = sqlx::query_as(
                        "SELECT parent_id, depth, status FROM comments WHERE id = $1 AND article_id = $2",
                    )
                    .bind(parent)
                    .bind(new.article_id.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let visible = |status: &str| {
                        status == "approved" || (new.screening == Screening::Trusted && status == "pending")
                    };
                    match row {
                        Some((grand, depth, status)) if visible(&status) => {
                            if depth + 1 >= COMMENT_MAX_DEPTH {
                                (grand, depth)
                            } else {
                                (Some(parent), depth + 1)
                            }
                        }
                        _ => return Err(Error::NotFound(format!("comment {parent} on this article"))),
                    }
                }
            };
            let status = match new.screening {
                Screening::Trusted => CommentStatus::Approved,
                Screening::Spam => CommentStatus::Spam,
                Screening::Hold => CommentStatus::Pending,
                Screening::Clean => {
                    let known: Option<(String,)> =
                        sqlx::query_as("SELECT email_key FROM comment_authors WHERE email_key = $1")
                            .bind(&new.email_key)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if known.is_some() { CommentStatus::Approved } else { CommentStatus::Pending }
                }
            };
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO comments (article_id, parent_id, depth, name, email_key, website, body_markdown, \
                 body_html, status, ip, poster_key, user_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
            )
            .bind(new.article_id.0)
            .bind(parent_id)
            .bind(depth)
            .bind(text(&new.name))
            .bind(&new.email_key)
            .bind(&website)
            .bind(text(&new.body_markdown))
            .bind(text(&new.body_html))
            .bind(status.as_str())
            .bind(text(&new.ip))
            .bind(&new.poster_key)
            .bind(new.user_id)
            .bind(micros(new.now))
            .fetch_one(&mut *tx)
            .await?;
            id
        });
        self.comment(id).await
    }

    /// One comment.
    pub async fn comment(&self, id: i64) -> Result<Comment> {
        let row: Option<CommentRow> = read!(self, |pool| {
            sqlx::query_as(concat!(comment_select!(), " WHERE c.id = $1")).bind(id).fetch_optional(pool).await?
        });
        row.map(comment).ok_or_else(|| Error::NotFound(format!("comment {id}")))
    }

    /// An article's published comments, and those awaiting moderation that the browser known
    /// by `poster_key` posted, oldest first.
    pub async fn article_comments(&self, article: ArticleId, poster_key: Option<&str>) -> Result<Vec<Comment>> {
        let rows: Vec<CommentRow> = read!(self, |pool| {
            sqlx::query_as(concat!(
                comment_select!(),
                " WHERE c.article_id = $1 AND (c.status = 'approved' OR (c.status = 'pending' AND c.poster_key = $2)) \
                 ORDER BY c.id"
            ))
            .bind(article.0)
            .bind(poster_key.unwrap_or(""))
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(comment).collect())
    }

    /// Numbers of published comments of `articles` (those with none are left out).
    pub async fn comment_counts(&self, articles: &[ArticleId]) -> Result<HashMap<ArticleId, i64>> {
        let (Some(low), Some(high)) = (articles.iter().min(), articles.iter().max()) else {
            return Ok(HashMap::new());
        };
        // One query over the range of ids rather than one per article; ids outside the list are
        // dropped below.
        let rows: Vec<(i64, i64)> = read!(self, |pool| {
            sqlx::query_as(
                "SELECT article_id, COUNT(*) FROM comments WHERE status = 'approved' AND article_id BETWEEN $1 AND $2 \
                 GROUP BY article_id",
            )
            .bind(low.0)
            .bind(high.0)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(a, n)| (ArticleId(a), n)).filter(|(a, _)| articles.contains(a)).collect())
    }

    /// Comments with `status`, newest first, for the moderation queue.
    pub async fn comments_with_status(&self, status: CommentStatus, limit: i64) -> Result<Vec<Comment>> {
        let rows: Vec<CommentRow> = read!(self, |pool| {
            sqlx::query_as(concat!(comment_select!(), " WHERE c.status = $1 ORDER BY c.id DESC LIMIT $2"))
                .bind(status.as_str())
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(comment).collect())
    }

    /// Numbers of comments in each status.
    pub async fn comment_status_counts(&self) -> Result<HashMap<CommentStatus, i64>> {
        let rows: Vec<(String, i64)> = read!(self, |pool| {
            sqlx::query_as("SELECT status, COUNT(*) FROM comments GROUP BY status").fetch_all(pool).await?
        });
        Ok(rows.into_iter().filter_map(|(s, n)| CommentStatus::parse(&s).map(|s| (s, n))).collect())
    }

    /// Moves comments to `status`; approving one approves its author, so that their later
    /// comments appear at once. Returns how many comments changed.
    pub async fn set_comment_status(&self, ids: &[i64], status: CommentStatus, now: Timestamp) -> Result<u64> {
        let changed = write_tx!(self, |tx| {
            let mut changed = 0;
            for id in ids {
                changed += sqlx::query("UPDATE comments SET status = $1, updated_at = $2 WHERE id = $3")
                    .bind(status.as_str())
                    .bind(micros(now))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if status == CommentStatus::Approved {
                    sqlx::query(
                        "INSERT INTO comment_authors (email_key, approved_at) \
                         SELECT email_key, $1 FROM comments WHERE id = $2 ON CONFLICT DO NOTHING",
                    )
                    .bind(micros(now))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            changed
        });
        Ok(changed)
    }

    /// Replaces a comment's text (an admin's edit).
    pub async fn edit_comment(&self, id: i64, markdown: &str, html: &str, now: Timestamp) -> Result<()> {
        write_tx!(self, |tx| {
            let done =
                sqlx::query("UPDATE comments SET body_markdown = $1, body_html = $2, updated_at = $3 WHERE id = $4")
                    .bind(text(markdown))
                    .bind(text(html))
                    .bind(micros(now))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            if done.rows_affected() == 0 {
                return Err(Error::NotFound(format!("comment {id}")));
            }
        });
        Ok(())
    }

    /// Erases every comment of the email known by `email_key` and its approval. Replies to
    /// them by others stay, as replies to nothing. Returns how many comments were erased.
    pub async fn erase_email(&self, email_key: &str) -> Result<u64> {
        let erased = write_tx!(self, |tx| {
            sqlx::query("DELETE FROM comment_authors WHERE email_key = $1").bind(email_key).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM comments WHERE email_key = $1")
                .bind(email_key)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        });
        Ok(erased)
    }

    /// Erases everything of the email that wrote comment `id` (the queue's erase button, which
    /// never needs to show the email). Returns how many comments were erased.
    pub async fn erase_author_of(&self, id: i64) -> Result<u64> {
        let key: Option<(String,)> = read!(self, |pool| {
            sqlx::query_as("SELECT email_key FROM comments WHERE id = $1").bind(id).fetch_optional(pool).await?
        });
        let (key,) = key.ok_or_else(|| Error::NotFound(format!("comment {id}")))?;
        self.erase_email(&key).await
    }

    /// The operator's word and address lists.
    pub async fn comment_blocks(&self) -> Result<Vec<CommentBlock>> {
        let rows: Vec<(String, String, String)> = read!(self, |pool| {
            sqlx::query_as("SELECT kind, value, verdict FROM comment_blocks ORDER BY kind, value")
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(kind, value, verdict)| CommentBlock {
                kind,
                value,
                verdict: if verdict == "spam" { Screening::Spam } else { Screening::Hold },
            })
            .collect())
    }

    /// Adds (or changes the verdict of) an entry of the operator's lists.
    pub async fn add_comment_block(&self, block: &CommentBlock, now: Timestamp) -> Result<()> {
        if block.kind != "word" && block.kind != "ip" {
            return Err(Error::Refused(format!("the list {:?} does not exist (use word or ip)", block.kind)));
        }
        let value = if block.kind == "word" { block.value.trim().to_lowercase() } else { block.value.trim().into() };
        if value.is_empty() {
            return Err(Error::Refused("an empty entry matches everything".to_string()));
        }
        write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO comment_blocks (kind, value, verdict, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (kind, value) DO UPDATE SET verdict = excluded.verdict",
            )
            .bind(&block.kind)
            .bind(text(&value))
            .bind(verdict_str(block.verdict))
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    /// Removes an entry of the operator's lists; `NotFound` if it was not there.
    pub async fn remove_comment_block(&self, kind: &str, value: &str) -> Result<()> {
        let value = if kind == "word" { value.trim().to_lowercase() } else { value.trim().to_string() };
        write_tx!(self, |tx| {
            let done = sqlx::query("DELETE FROM comment_blocks WHERE kind = $1 AND value = $2")
                .bind(kind)
                .bind(&value)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(Error::NotFound(format!("{kind} {value:?} in the lists")));
            }
        });
        Ok(())
    }
}
