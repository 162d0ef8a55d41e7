//! API tokens: what reader apps and scripts use instead of a session. Only a hash of each
//! token is kept (the caller hashes), so a copy of the database opens no API.

use jiff::Timestamp;
use tidings_core::storable_text as text;

use super::Backend;
use super::accounts::{User, UserRow, user};
use crate::rows::{micros, ts};
use crate::{Error, Result, Store};

/// App logins (Google Reader `ClientLogin`) kept per account; older ones are dropped, so an
/// app that logs in at every start does not pile up tokens.
pub const APP_LOGINS_KEPT: i64 = 10;

/// What a token opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Made by the reader on the web or with `tidings token`: the REST and Google Reader APIs.
    Api,
    /// Issued by a Google Reader `ClientLogin` with the account's password: the same APIs.
    AppLogin,
    /// The Fever API key (`md5(name:password)`); one per account, the Fever API only.
    Fever,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Api => "api",
            TokenKind::AppLogin => "login",
            TokenKind::Fever => "fever",
        }
    }

    fn from_stored(s: &str) -> Self {
        match s {
            "login" => TokenKind::AppLogin,
            "fever" => TokenKind::Fever,
            _ => TokenKind::Api,
        }
    }
}

/// A stored token (without the token itself, which only its owner ever saw).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Its id.
    pub id: i64,
    /// Its owner.
    pub user_id: i64,
    /// What the reader called it.
    pub name: String,
    /// What it opens.
    pub kind: TokenKind,
    /// When it was made.
    pub created_at: Timestamp,
}

type TokenRow = (i64, i64, String, String, i64);

/// An account row followed by the token's id, name, kind and time.
type TokenUserRow = (i64, String, String, String, i64, i64, String, String, i64);

fn token((id, user_id, name, kind, created_at): TokenRow) -> ApiToken {
    ApiToken { id, user_id, name, kind: TokenKind::from_stored(&kind), created_at: ts(created_at) }
}

impl Store {
    /// Keeps a new token for `user`, known by `key_hash`. A new Fever key replaces the old one;
    /// app logins past [`APP_LOGINS_KEPT`] lose their oldest.
    pub async fn add_api_token(
        &self,
        user: i64,
        name: &str,
        kind: TokenKind,
        key_hash: &str,
        now: Timestamp,
    ) -> Result<ApiToken> {
        let id: i64 = write_tx!(self, |tx| {
            if kind == TokenKind::Fever {
                sqlx::query("DELETE FROM api_tokens WHERE user_id = $1 AND kind = 'fever'")
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
            }
            let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM api_tokens WHERE key_hash = $1")
                .bind(key_hash)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(Error::Conflict("a token with this key".to_string()));
            }
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO api_tokens (user_id, name, kind, key_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(user)
            .bind(text(name))
            .bind(kind.as_str())
            .bind(key_hash)
            .bind(micros(now))
            .fetch_one(&mut *tx)
            .await?;
            if kind == TokenKind::AppLogin {
                sqlx::query(
                    "DELETE FROM api_tokens WHERE user_id = $1 AND kind = 'login' AND id NOT IN \
                     (SELECT id FROM api_tokens WHERE user_id = $1 AND kind = 'login' ORDER BY id DESC LIMIT $2)",
                )
                .bind(user)
                .bind(APP_LOGINS_KEPT)
                .execute(&mut *tx)
                .await?;
            }
            id
        });
        Ok(ApiToken { id, user_id: user, name: text(name).into_owned(), kind, created_at: ts(micros(now)) })
    }

    /// `user`'s tokens, newest first.
    pub async fn api_tokens(&self, user: i64) -> Result<Vec<ApiToken>> {
        let rows: Vec<TokenRow> = read!(self, |pool| {
            sqlx::query_as(
                "SELECT id, user_id, name, kind, created_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
            )
            .bind(user)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(token).collect())
    }

    /// Revokes one of `user`'s tokens; `NotFound` if it has no such token.
    pub async fn revoke_api_token(&self, user: i64, id: i64) -> Result<()> {
        write_tx!(self, |tx| {
            let done = sqlx::query("DELETE FROM api_tokens WHERE user_id = $1 AND id = $2")
                .bind(user)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(Error::NotFound(format!("token {id}")));
            }
        });
        Ok(())
    }

    /// The account and token known by `key_hash`, if it is one of `kinds`.
    pub async fn api_token_user(&self, key_hash: &str, kinds: &[TokenKind]) -> Result<Option<(User, ApiToken)>> {
        let row: Option<TokenUserRow> = read!(self, |pool| {
            sqlx::query_as(
                "SELECT u.id, u.name, u.password_hash, u.role, u.created_at, t.id, t.name, t.kind, t.created_at \
                 FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.key_hash = $1",
            )
            .bind(key_hash)
            .fetch_optional(pool)
            .await?
        });
        Ok(row
            .map(|(uid, uname, hash, role, ucreated, tid, tname, kind, tcreated)| {
                let u: UserRow = (uid, uname, hash, role, ucreated);
                (user(u), token((tid, uid, tname, kind, tcreated)))
            })
            .filter(|(_, t)| kinds.contains(&t.kind)))
    }
}
