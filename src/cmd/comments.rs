//! `tidings comments`: erasing an author's comments, and the word and address lists.

use jiff::Timestamp;
use tidings_store::{CommentBlock, Screening};

use super::{data_dir, open_store};
use crate::cli::Global;

pub(crate) async fn erase(global: &Global, email: &str) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    let erased = store.erase_email(&tidings_accounts::email_key(email)).await?;
    // The email is not repeated back: it may be in a terminal log nobody meant to keep.
    println!("Erased {erased} comment{} and everything kept of that email.", if erased == 1 { "" } else { "s" });
    store.close().await;
    Ok(())
}

pub(crate) async fn block(global: &Global, kind: &str, value: &str, spam: bool) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    let verdict = if spam { Screening::Spam } else { Screening::Hold };
    store
        .add_comment_block(&CommentBlock { kind: kind.into(), value: value.into(), verdict }, Timestamp::now())
        .await?;
    println!(
        "Comments matching {kind} {value:?} are now {}.",
        if spam { "marked as spam" } else { "held for moderation" }
    );
    store.close().await;
    Ok(())
}

pub(crate) async fn unblock(global: &Global, kind: &str, value: &str) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    store.remove_comment_block(kind, value).await?;
    println!("Removed {kind} {value:?} from the lists.");
    store.close().await;
    Ok(())
}

pub(crate) async fn blocks(global: &Global) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    let blocks = store.comment_blocks().await?;
    if blocks.is_empty() {
        println!("The lists are empty. Add to them with `tidings comments block word|ip VALUE [--spam]`.");
    }
    for b in blocks {
        println!("{:<5} {:<8} {}", b.kind, if b.verdict == Screening::Spam { "spam" } else { "hold" }, b.value);
    }
    store.close().await;
    Ok(())
}
