//! Command-line arguments.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

/// Tidings follows news outlets, extracts their articles, groups coverage of the same event into
/// stories and publishes it all as a web site.
///
/// Start with `tidings demo` to see it work on bundled sample outlets with no network. To follow
/// real outlets: `tidings add https://example.com/`, then `tidings serve`.
#[derive(Debug, Parser)]
#[command(name = "tidings", version, propagate_version = true)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// A TOML file of settings: each key is an option's long name (`host-delay = 2`,
    /// `database = "postgres://…"`, `listen = "0.0.0.0:8080"`). Flags and TIDINGS_* variables
    /// override it.
    #[arg(long, global = true, env = "TIDINGS_CONFIG", value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Folder for Tidings' data; the SQLite database lives here unless --database is given.
    /// Defaults to ./tidings-data (for `demo`, a fresh temporary folder).
    #[arg(long, global = true, env = "TIDINGS_DATA")]
    pub(crate) data: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB. Defaults to DATA/tidings.db.
    #[arg(long, global = true, env = "TIDINGS_DATABASE_URL")]
    pub(crate) database: Option<String>,
    /// Allow fetching from loopback and private networks (for feeds on your own network).
    /// Off by default: it protects the machine's network from being probed through feed URLs.
    #[arg(long, global = true, env = "TIDINGS_ALLOW_PRIVATE_NETWORKS")]
    pub(crate) allow_private_networks: bool,
    /// Seconds one fetch (a feed or an article page, redirects included) may take.
    #[arg(long, global = true, env = "TIDINGS_FETCH_TIMEOUT", default_value_t = 30)]
    pub(crate) fetch_timeout: u64,
    /// Seconds between two requests to the same host (politeness; robots.txt may ask for more).
    #[arg(long, global = true, env = "TIDINGS_HOST_DELAY", default_value_t = 1.0)]
    pub(crate) host_delay: f64,
    /// Folder of the image proxy's resized images (default: `images` in the data folder).
    #[arg(long, global = true, env = "TIDINGS_IMAGE_CACHE")]
    pub(crate) image_cache: Option<PathBuf>,
    /// Megabytes the image folder may take; the oldest images are removed past it.
    #[arg(long, global = true, env = "TIDINGS_IMAGE_CACHE_MB", default_value_t = 1024)]
    pub(crate) image_cache_mb: u64,
    /// Seconds one outlet may take in one round, its article pages and the waits for its hosts
    /// included; entries not reached are fetched in the next round, which comes soon.
    #[arg(long, global = true, env = "TIDINGS_FEED_BUDGET", default_value_t = 120)]
    pub(crate) feed_budget: u64,
    /// Feeds fetched at the same time in a round (one host is still one request at a time).
    #[arg(long, global = true, env = "TIDINGS_FEEDS_AT_ONCE", default_value_t = 8)]
    pub(crate) feeds_at_once: usize,
    /// The site's name, in its header and page titles (an admin may change it on /admin/settings,
    /// which then wins over this default; so do the sign-up and comment settings below).
    #[arg(long, global = true, env = "TIDINGS_SITE_NAME", default_value = "Tidings")]
    pub(crate) site_name: String,
    /// Close the sign-up page: only the operator creates accounts (`tidings user add`).
    #[arg(long, global = true, env = "TIDINGS_SIGNUP_CLOSED")]
    pub(crate) signup_closed: bool,
    /// Comments one address may post in ten minutes (0: no limit).
    #[arg(long, global = true, env = "TIDINGS_COMMENTS_PER_ADDRESS", default_value_t = 10)]
    pub(crate) comments_per_address: u32,
    /// Comments one email may post in ten minutes (0: no limit).
    #[arg(long, global = true, env = "TIDINGS_COMMENTS_PER_EMAIL", default_value_t = 5)]
    pub(crate) comments_per_email: u32,
    /// Seconds a person needs at least to fill in the comment form; faster is refused as a bot.
    #[arg(long, global = true, env = "TIDINGS_COMMENT_MIN_FILL", default_value_t = 3)]
    pub(crate) comment_min_fill: i64,
    /// Requests one address may make to the reader APIs per minute (0: no limit).
    #[arg(long, global = true, env = "TIDINGS_API_REQUESTS_PER_MINUTE", default_value_t = tidings_web::DEFAULT_REQUESTS_PER_MINUTE)]
    pub(crate) api_requests_per_minute: u32,
    /// Serve Prometheus metrics at /metrics to scrapers sending `Authorization: Bearer TOKEN`
    /// (off without it). A `tidings worker` serves them with --metrics-listen.
    #[arg(long, global = true, env = "TIDINGS_METRICS_TOKEN", hide_env_values = true)]
    pub(crate) metrics_token: Option<String>,
    /// Log filter, e.g. "info" or "tidings_engine=debug".
    #[arg(long, global = true, env = "TIDINGS_LOG")]
    pub(crate) log: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the site and the fetching workers in one process.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "TIDINGS_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
    /// Run the site alone: a web node beside `tidings worker` processes sharing one PostgreSQL
    /// database (see docs/operations.md).
    Web {
        /// Address to listen on.
        #[arg(long, env = "TIDINGS_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
    /// Run the fetching worker alone: fetch, extract, group and store until stopped. Several
    /// workers may share one PostgreSQL database; each feed is leased to one of them at a time.
    Worker {
        /// Address on which to serve /metrics (with --metrics-token), e.g. 127.0.0.1:9464.
        #[arg(long, env = "TIDINGS_METRICS_LISTEN")]
        metrics_listen: Option<SocketAddr>,
    },
    /// Fetch the outlets that are due (every outlet with --once), then store what is new.
    Fetch {
        /// Fetch every outlet once, print a summary and exit (instead of running as a worker).
        #[arg(long)]
        once: bool,
    },
    /// Follow an outlet: give its feed URL, or its site's URL and Tidings finds the feed.
    Add {
        /// Feed or site URL.
        url: String,
        /// Name to show instead of the feed's title.
        #[arg(long)]
        name: Option<String>,
        /// Category to file it under.
        #[arg(long)]
        category: Option<String>,
        /// Keep the feed's own text instead of fetching each article's page.
        #[arg(long)]
        no_full_text: bool,
    },
    /// Follow every outlet in an OPML subscription list (folders become categories), or load a
    /// `tidings export` into a new, empty database.
    Import {
        /// The OPML file, or the export (JSON Lines).
        file: PathBuf,
        /// Keep the feeds' own text instead of fetching each article's page.
        #[arg(long)]
        no_full_text: bool,
    },
    /// Turn fetching each article's full page on or off for an outlet.
    FullText {
        /// The outlet's id, as `tidings outlets` shows it.
        id: i64,
        /// on: fetch and extract each article's page; off: keep the feed's own text.
        #[arg(value_enum)]
        setting: Switch,
    },
    /// Write everything in the database as JSON Lines (while Tidings keeps running), for
    /// `tidings import` into another database: the way from SQLite to PostgreSQL.
    Export {
        /// Write to this new file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write every followed outlet as an OPML subscription list.
    ExportOpml {
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// List the outlets with their health (last fetch, last error, next fetch) and settings;
    /// `tidings outlets set` changes an outlet's settings.
    Outlets {
        #[command(subcommand)]
        action: Option<OutletsCommand>,
    },
    /// List the categories with their outlets; `tidings categories rename` renames one.
    Categories {
        #[command(subcommand)]
        action: Option<CategoriesCommand>,
    },
    /// Resume fetching an outlet that was paused after repeated failures.
    Resume {
        /// The outlet's id, as `tidings outlets` shows it.
        id: i64,
    },
    /// Extract the article from a page: a file, a URL, or (with --jsonl) every *.html in a folder.
    #[command(arg_required_else_help = true)]
    Extract {
        /// An HTML file or an http(s) URL.
        #[arg(conflicts_with = "jsonl")]
        input: Option<String>,
        /// What to print for one page.
        #[arg(long, value_enum, default_value = "text")]
        format: ExtractFormat,
        /// Extract every *.html in DIR and print one JSON line per page (id = file stem).
        #[arg(long, value_name = "DIR")]
        jsonl: Option<PathBuf>,
        /// Pages extracted in parallel with --jsonl.
        #[arg(long, default_value_t = 1)]
        jobs: usize,
    },
    /// Extract stored articles again (after an upgrade): each page is fetched anew, and the old
    /// text stays wherever the new extraction looks wrong.
    Reextract {
        /// Only this outlet's articles (its id, as `tidings outlets` shows it).
        #[arg(long)]
        outlet: Option<i64>,
        /// Only articles fetched since this date (YYYY-MM-DD) or time (RFC 3339).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
    },
    /// Group articles into stories as the engine does: reads JSON lines
    /// {"id","time","title","text",…} in time order, prints {"id","story"} for each.
    Cluster {
        /// The articles file.
        #[arg(long, value_name = "FILE")]
        jsonl: PathBuf,
        /// Minimum similarity for a report to join a story (default: the engine's).
        #[arg(long)]
        threshold: Option<f64>,
    },
    /// Search the stored articles, as the site's search page does: prints id, score, time,
    /// outlet, story and title of each result.
    Search {
        /// What to look for: words, "a phrase", -word to leave out.
        #[arg(allow_hyphen_values = true)]
        query: String,
        /// Print the results as JSON.
        #[arg(long)]
        json: bool,
        /// Results to print at most (one per story).
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Rebuild the search index from every stored article (with Tidings stopped).
    Reindex,
    /// Work with feed files.
    #[command(subcommand)]
    Feed(FeedCommand),
    /// Bring the database's schema up to date (every command does this at start) and print its
    /// version.
    Migrate,
    /// Write a consistent copy of the SQLite database to FILE while Tidings keeps running.
    Backup {
        /// The new file to write (it must not exist).
        file: PathBuf,
    },
    /// Manage accounts: admins and readers.
    #[command(subcommand)]
    User(UserCommand),
    /// Reader comments: erase an author's, and the word and address lists that hold or spam them.
    #[command(subcommand)]
    Comments(CommentsCommand),
    /// API tokens for reader apps and scripts, and the Fever API key.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Run everything on bundled sample outlets, with no network needed, and serve the site.
    Demo {
        /// Address to serve the site on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
}

/// On or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Switch {
    /// On.
    On,
    /// Off.
    Off,
}

/// Output of `tidings extract` for one page.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum ExtractFormat {
    /// The article's plain text.
    Text,
    /// Text, HTML and metadata as JSON.
    Json,
    /// The article's sanitized HTML.
    Html,
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Create an account (a reader unless --admin); the password is asked for.
    Add {
        /// The account's name: letters, digits, '.', '-' and '_'.
        name: String,
        /// Make it an administrator (manages outlets, moderation and settings).
        #[arg(long)]
        admin: bool,
        /// Read the password from standard input instead of asking for it.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the accounts.
    List,
    /// Set an account's password (this logs it out everywhere).
    Passwd {
        /// The account's name.
        name: String,
        /// Read the password from standard input instead of asking for it.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum CommentsCommand {
    /// Erase every comment written with this email, and that it was an approved author.
    Erase {
        /// The email address, in any case.
        email: String,
    },
    /// Hold for moderation (or with --spam, mark as spam) comments that contain WORD or come
    /// from address IP.
    Block {
        /// "word" or "ip".
        #[arg(value_parser = ["word", "ip"])]
        kind: String,
        /// The word (matched without case, anywhere in the name, website or text) or address.
        value: String,
        /// Mark matching comments as spam instead of holding them.
        #[arg(long)]
        spam: bool,
    },
    /// Remove an entry from the lists.
    Unblock {
        /// "word" or "ip".
        #[arg(value_parser = ["word", "ip"])]
        kind: String,
        /// The word or address.
        value: String,
    },
    /// Show the word and address lists.
    Blocks,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Make an API token for an account and print it (once).
    Add {
        /// The account's name.
        user: String,
        /// What the token is for, as the account page lists it.
        #[arg(long, default_value = "command line")]
        name: String,
    },
    /// List an account's tokens.
    List {
        /// The account's name.
        user: String,
    },
    /// Revoke one of an account's tokens.
    Revoke {
        /// The account's name.
        user: String,
        /// The token's id, as `tidings token list` shows it.
        id: i64,
    },
    /// Turn the Fever API on for an account (its key is made from the account's password,
    /// which is asked for).
    Fever {
        /// The account's name.
        user: String,
        /// Read the password from standard input instead of asking for it.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum OutletsCommand {
    /// Change an outlet: its name and category, its article pages or its feed's text, the
    /// selector of the article body on its pages, the user agent it is fetched with.
    #[command(arg_required_else_help = true)]
    Set {
        /// The outlet's id, as `tidings outlets` shows it.
        id: i64,
        /// The name pages show for it.
        #[arg(long)]
        name: Option<String>,
        /// Its category (an OPML folder); "" takes it out of its category.
        #[arg(long)]
        category: Option<String>,
        /// on: fetch and extract each article's page; off: keep the feed's own text.
        #[arg(long, value_enum)]
        full_text: Option<Switch>,
        /// CSS selector of the article body on its pages, for when extraction picks the wrong
        /// part (e.g. "article .story-body"); "" goes back to choosing automatically.
        #[arg(long, value_name = "CSS")]
        selector: Option<String>,
        /// User agent its feed and pages are fetched with, for a site that turns Tidings' away;
        /// "" goes back to Tidings' own. robots.txt is still read for Tidings.
        #[arg(long, value_name = "UA")]
        user_agent: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum CategoriesCommand {
    /// Move every outlet of a category to another name (joining that category if it exists).
    #[command(arg_required_else_help = true)]
    Rename {
        /// The category's name, as `tidings categories` shows it.
        from: String,
        /// The new name; "" takes its outlets out of any category.
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum FeedCommand {
    /// Parse feed files (RSS, Atom, JSON Feed) and show what Tidings reads in them.
    Parse {
        /// Print one JSON line per file: {"file": …, "actual": …} or {"file": …, "error": …}.
        #[arg(long)]
        json: bool,
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

impl Cli {
    /// Reads the command line, taking defaults from the configuration file when one is named
    /// (`--config FILE` or `TIDINGS_CONFIG`); exits with clap's message on bad arguments.
    pub(crate) fn read() -> anyhow::Result<Self> {
        let mut command = Self::command();
        if let Some(file) = config_file() {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("could not read the configuration file {}", file.display()))?;
            command = with_config_defaults(command, &text)
                .with_context(|| format!("the configuration file {} is not usable", file.display()))?;
        }
        Ok(Self::from_arg_matches(&command.get_matches())?)
    }
}

/// The configuration file named by `--config FILE`, `--config=FILE` or `TIDINGS_CONFIG`.
fn config_file() -> Option<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if arg == "--config" {
            return args.next().map(PathBuf::from);
        }
        if let Some(file) = arg.to_str().and_then(|a| a.strip_prefix("--config=")) {
            return Some(PathBuf::from(file));
        }
    }
    std::env::var_os("TIDINGS_CONFIG").map(PathBuf::from)
}

/// `command` with each setting of the TOML `text` as the default of the option of that long name,
/// wherever the option appears (globally or in a subcommand); a key that is no option is an error.
fn with_config_defaults(mut command: clap::Command, text: &str) -> anyhow::Result<clap::Command> {
    let table: toml::Table = text.parse().context("it is not valid TOML")?;
    for (key, value) in table {
        let long = key.replace('_', "-");
        let value = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            _ => anyhow::bail!("`{key}` must be a single string, number or true/false"),
        };
        let has = |c: &clap::Command| c.get_arguments().any(|a| a.get_long() == Some(long.as_str()));
        let mut found = false;
        if has(&command) {
            found = true;
            command = set_default(command, &long, &value);
        }
        let names: Vec<String> =
            command.get_subcommands().filter(|c| has(c)).map(|c| c.get_name().to_string()).collect();
        for name in names {
            found = true;
            command = command.mut_subcommand(name, |c| set_default(c, &long, &value));
        }
        if !found {
            anyhow::bail!("`{key}` is not an option of tidings (see `tidings help` for the long option names)");
        }
    }
    Ok(command)
}

fn set_default(command: clap::Command, long: &str, value: &str) -> clap::Command {
    let id = command.get_arguments().find(|a| a.get_long() == Some(long)).map(|a| a.get_id().clone());
    match id {
        Some(id) => command.mut_arg(id, |a| a.default_value(value.to_string())),
        None => command,
    }
}

impl Global {
    /// The database URL in use, given the data folder.
    pub(crate) fn database_url(&self, data: &std::path::Path) -> String {
        self.database.clone().unwrap_or_else(|| format!("sqlite://{}", data.join("tidings.db").display()))
    }
}

/// Logs go to standard error; long-running commands log at info, one-shot commands at warn.
pub(crate) fn init_logging(cli: &Cli) {
    let default = match cli.command {
        Command::Serve { .. }
        | Command::Web { .. }
        | Command::Worker { .. }
        | Command::Demo { .. }
        | Command::Fetch { once: false } => "info",
        // html5ever reports every recovered parse error; pages are full of them.
        _ => "warn,html5ever=error",
    };
    let filter = cli.global.log.clone().unwrap_or_else(|| default.to_string());
    let filter =
        tracing_subscriber::EnvFilter::try_new(&filter).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}
