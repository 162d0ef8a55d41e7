//! `tidings user`: accounts from the command line.

use std::io::BufRead;

use anyhow::{Context, bail};
use jiff::Timestamp;
use tidings_accounts::{Role, check_name, check_password, hash_password};
use tidings_store::NewUser;

use super::{data_dir, open_store};
use crate::cli::Global;

/// Random bytes from the operating system.
pub(crate) fn random<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("the system gave no random bytes: {e}"))?;
    Ok(bytes)
}

/// A new password: one line of standard input, or asked for twice on the terminal.
fn new_password(from_stdin: bool) -> anyhow::Result<String> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("could not read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else {
        let first = rpassword::prompt_password("Password: ").context("could not read the password")?;
        let again = rpassword::prompt_password("Again: ").context("could not read the password")?;
        if first != again {
            bail!("the two passwords differ; nothing was changed");
        }
        first
    };
    check_password(&password)?;
    Ok(password)
}

/// Hashes off the runtime: Argon2id takes tens of milliseconds on purpose.
async fn hashed(password: String) -> anyhow::Result<String> {
    let salt = random::<16>()?;
    Ok(tokio::task::spawn_blocking(move || hash_password(&password, &salt)).await??)
}

pub(crate) async fn add(global: &Global, name: &str, admin: bool, password_stdin: bool) -> anyhow::Result<()> {
    check_name(name)?;
    let password = new_password(password_stdin)?;
    let store = open_store(global, &data_dir(global)).await?;
    let role = if admin { Role::Admin } else { Role::Reader };
    let new = NewUser { name: name.to_string(), password_hash: hashed(password).await?, role: role.as_str().into() };
    match store.add_user(&new, Timestamp::now()).await {
        Ok(user) => println!("Created {} account {}.", role.as_str(), user.name),
        Err(tidings_store::Error::Conflict(_)) => bail!("there is already an account named {name}"),
        Err(e) => return Err(e.into()),
    }
    store.close().await;
    Ok(())
}

pub(crate) async fn list(global: &Global) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    let users = store.users().await?;
    if users.is_empty() {
        println!("No accounts yet. Create an administrator with `tidings user add NAME --admin`.");
    }
    for u in users {
        println!("{:<40} {:<7} created {}", u.name, u.role, u.created_at.strftime("%Y-%m-%d %H:%M UTC"));
    }
    store.close().await;
    Ok(())
}

pub(crate) async fn passwd(global: &Global, name: &str, password_stdin: bool) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    let Some(user) = store.user_by_name(name).await? else {
        bail!("there is no account named {name}; `tidings user list` lists them");
    };
    let password = new_password(password_stdin)?;
    store.set_password(user.id, &hashed(password).await?).await?;
    println!("Changed the password of {}; it is logged out everywhere.", user.name);
    store.close().await;
    Ok(())
}
