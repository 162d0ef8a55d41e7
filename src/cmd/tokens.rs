//! `tidings token`: API tokens for reader apps and scripts, and the Fever key.

use std::io::BufRead;

use anyhow::{Context, bail};
use jiff::Timestamp;
use tidings_accounts::{fever_key, session_key, session_token, verify_password};
use tidings_store::{Store, TokenKind, User};

use super::users::random;
use super::{data_dir, open_store};
use crate::cli::Global;

async fn account(global: &Global, name: &str) -> anyhow::Result<(Store, User)> {
    let store = open_store(global, &data_dir(global)).await?;
    match store.user_by_name(name).await? {
        Some(user) => Ok((store, user)),
        None => bail!("there is no account named {name}; `tidings user list` lists them"),
    }
}

pub(crate) async fn add(global: &Global, name: &str, label: &str) -> anyhow::Result<()> {
    let (store, user) = account(global, name).await?;
    let token = session_token(&random::<32>()?);
    store.add_api_token(user.id, label, TokenKind::Api, &session_key(&token), Timestamp::now()).await?;
    println!("{token}");
    eprintln!(
        "Made the token {label:?} for {}. It is shown once: keep it. Apps send it as `Authorization: Bearer TOKEN`, \
         or use it as the password of a Google Reader login.",
        user.name
    );
    store.close().await;
    Ok(())
}

pub(crate) async fn list(global: &Global, name: &str) -> anyhow::Result<()> {
    let (store, user) = account(global, name).await?;
    let tokens = store.api_tokens(user.id).await?;
    if tokens.is_empty() {
        println!("{} has no tokens. Make one with `tidings token add {}`.", user.name, user.name);
    }
    for t in tokens {
        let kind = match t.kind {
            TokenKind::Api => "api",
            TokenKind::AppLogin => "app login",
            TokenKind::Fever => "fever",
        };
        println!("{:>6}  {:<10} {:<32} made {}", t.id, kind, t.name, t.created_at.strftime("%Y-%m-%d %H:%M UTC"));
    }
    store.close().await;
    Ok(())
}

pub(crate) async fn revoke(global: &Global, name: &str, id: i64) -> anyhow::Result<()> {
    let (store, user) = account(global, name).await?;
    match store.revoke_api_token(user.id, id).await {
        Ok(()) => println!("Revoked token {id} of {}; apps using it are logged out.", user.name),
        Err(tidings_store::Error::NotFound(_)) => {
            bail!("{} has no token {id}; `tidings token list {}` lists them", user.name, user.name)
        }
        Err(e) => return Err(e.into()),
    }
    store.close().await;
    Ok(())
}

/// Turns the Fever API on for an account: its key is md5(name:password), so the password is
/// needed once; it is checked against the account's before anything is kept.
pub(crate) async fn fever(global: &Global, name: &str, password_stdin: bool) -> anyhow::Result<()> {
    let (store, user) = account(global, name).await?;
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("could not read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else {
        rpassword::prompt_password(format!("Password of {}: ", user.name)).context("could not read the password")?
    };
    let (typed, stored) = (password.clone(), user.password_hash.clone());
    if !tokio::task::spawn_blocking(move || verify_password(&typed, &stored)).await? {
        bail!("that is not the password of {}; nothing was changed", user.name);
    }
    let key = fever_key(&user.name, &password);
    store.add_api_token(user.id, "Fever", TokenKind::Fever, &session_key(&key), Timestamp::now()).await?;
    println!(
        "Fever is on for {}: in the app, give this site's address with /api/fever.php, the name {} and the same password.",
        user.name, user.name
    );
    store.close().await;
    Ok(())
}
