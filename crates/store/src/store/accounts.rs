//! Accounts and sessions.

use jiff::Timestamp;
use tidings_core::storable_text as text;

use super::Backend;
use crate::rows::{micros, ts};
use crate::{Error, Result, Store};

/// An account to create. The password arrives hashed: the store never sees a password.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Its name, as typed.
    pub name: String,
    /// The Argon2id PHC string.
    pub password_hash: String,
    /// "admin" or "reader".
    pub role: String,
}

/// A stored account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: i64,
    /// Its name, as typed when it was made.
    pub name: String,
    /// The Argon2id PHC string.
    pub password_hash: String,
    /// "admin" or "reader".
    pub role: String,
    /// When it was made.
    pub created_at: Timestamp,
}

/// The account behind a live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    /// The account.
    pub user: User,
    /// When the session ends.
    pub expires_at: Timestamp,
}

pub(super) type UserRow = (i64, String, String, String, i64);

pub(super) fn user(row: UserRow) -> User {
    let (id, name, password_hash, role, created_at) = row;
    User { id, name, password_hash, role, created_at: ts(created_at) }
}

/// Names compare without case, so "Ada" and "ada" cannot both exist.
fn name_key(name: &str) -> String {
    name.to_lowercase()
}

impl Store {
    /// Creates an account; `Conflict` when the name (in any case) is taken.
    pub async fn add_user(&self, new: &NewUser, now: Timestamp) -> Result<User> {
        let key = name_key(&new.name);
        let id: i64 = write_tx!(self, |tx| {
            let taken: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM users WHERE name_key = $1").bind(&key).fetch_optional(&mut *tx).await?;
            if taken.is_some() {
                return Err(Error::Conflict(format!("an account named {:?}", new.name)));
            }
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO users (name, name_key, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(text(&new.name))
            .bind(text(&key))
            .bind(&new.password_hash)
            .bind(&new.role)
            .bind(micros(now))
            .fetch_one(&mut *tx)
            .await?;
            id
        });
        self.user(id).await
    }

    /// One account.
    pub async fn user(&self, id: i64) -> Result<User> {
        let row: UserRow = read!(self, |pool| {
            sqlx::query_as("SELECT id, name, password_hash, role, created_at FROM users WHERE id = $1")
                .bind(id)
                .fetch_one(pool)
                .await?
        });
        Ok(user(row))
    }

    /// The account with this name, in any case.
    pub async fn user_by_name(&self, name: &str) -> Result<Option<User>> {
        let row: Option<UserRow> = read!(self, |pool| {
            sqlx::query_as("SELECT id, name, password_hash, role, created_at FROM users WHERE name_key = $1")
                .bind(text(&name_key(name)))
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(user))
    }

    /// Every account, by name.
    pub async fn users(&self) -> Result<Vec<User>> {
        let rows: Vec<UserRow> = read!(self, |pool| {
            sqlx::query_as("SELECT id, name, password_hash, role, created_at FROM users ORDER BY name_key")
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(user).collect())
    }

    /// Sets an account's password hash and ends all its sessions.
    pub async fn set_password(&self, user: i64, password_hash: &str) -> Result<()> {
        write_tx!(self, |tx| {
            let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(user)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(Error::NotFound(format!("account {user}")));
            }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
        });
        Ok(())
    }

    /// Starts a session for `user`, known by `key` (the hash of its token), until `expires_at`.
    pub async fn create_session(&self, key: &str, user: i64, now: Timestamp, expires_at: Timestamp) -> Result<()> {
        write_tx!(self, |tx| {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(micros(now)).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO sessions (key, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(key)
                .bind(user)
                .bind(micros(now))
                .bind(micros(expires_at))
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// The account of the live session known by `key` at `now`.
    pub async fn session_user(&self, key: &str, now: Timestamp) -> Result<Option<SessionUser>> {
        let row: Option<(i64, String, String, String, i64, i64)> = read!(self, |pool| {
            sqlx::query_as(
                "SELECT u.id, u.name, u.password_hash, u.role, u.created_at, s.expires_at \
                 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.key = $1 AND s.expires_at > $2",
            )
            .bind(key)
            .bind(micros(now))
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(id, name, hash, role, created, expires)| SessionUser {
            user: user((id, name, hash, role, created)),
            expires_at: ts(expires),
        }))
    }

    /// Ends the session known by `key`.
    pub async fn end_session(&self, key: &str) -> Result<()> {
        write_tx!(self, |tx| {
            sqlx::query("DELETE FROM sessions WHERE key = $1").bind(key).execute(&mut *tx).await?;
        });
        Ok(())
    }

    /// Ends every session of `user` ("log out everywhere").
    pub async fn end_sessions_of(&self, user: i64) -> Result<()> {
        write_tx!(self, |tx| {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
        });
        Ok(())
    }
}
