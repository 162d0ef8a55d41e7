//! A minimal WebDriver client driving Debian's headless Chromium through chromedriver.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};

/// A headless Chromium session.
#[derive(Debug)]
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    client: reqwest::Client,
}

/// The browser binaries, as Debian's `chromium` and `chromium-driver` packages install them.
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

type Result<T> = std::result::Result<T, String>;

impl Browser {
    /// Starts chromedriver and a headless session, or says what to install.
    pub async fn start() -> Result<Self> {
        for bin in [CHROMIUM, CHROMEDRIVER] {
            if !std::path::Path::new(bin).exists() {
                return Err(format!(
                    "{bin} is missing: run scripts/install-test-deps.sh (Debian packages chromium and chromium-driver)"
                ));
            }
        }
        let port = crate::free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start chromedriver: {e}"))?;
        let base = format!("http://127.0.0.1:{port}");
        // Starting Chromium and each command can take long on a machine busy with other tests
        // (CI once needed more than 30 s for a session): a slow browser is not a failed test.
        #[allow(clippy::disallowed_methods)] // test-only client for talking to chromedriver
        let client = reqwest::Client::builder().timeout(Duration::from_secs(120)).no_proxy().build();
        let client = client.map_err(|e| format!("could not make an HTTP client for chromedriver: {e}"))?;
        let mut browser = Self { driver, base, session: String::new(), client };
        if !crate::wait_until_up(&format!("{}/status", browser.base), Duration::from_secs(20)).await {
            return Err("chromedriver did not start within 20 seconds".to_string());
        }
        let profile = std::env::temp_dir().join(format!("tidings-chromium-{}-{port}", std::process::id()));
        let caps = json!({ "capabilities": { "alwaysMatch": { "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1280,1600", format!("--user-data-dir={}", profile.display())]
        }}}});
        let v = browser.call("POST", "/session", Some(caps)).await?;
        browser.session = v["sessionId"].as_str().ok_or("no session id")?.to_string();
        Ok(browser)
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let req = match method {
            "GET" => self.client.get(&url),
            "DELETE" => self.client.delete(&url),
            _ => self.client.post(&url).json(&body.unwrap_or_else(|| json!({}))),
        };
        let resp = req.send().await.map_err(|e| format!("{method} {path}: {e}"))?;
        let v: Value = resp.json().await.map_err(|e| format!("{method} {path}: {e}"))?;
        if let Some(err) = v["value"]["error"].as_str() {
            return Err(format!("{method} {path}: {err}: {}", v["value"]["message"]));
        }
        Ok(v["value"].clone())
    }

    /// Opens `url`.
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.call("POST", "/url", Some(json!({ "url": url }))).await.map(|_| ())
    }

    /// The current address.
    pub async fn url(&self) -> Result<String> {
        Ok(self.call("GET", "/url", None).await?.as_str().unwrap_or_default().to_string())
    }

    async fn find(&self, css: &str) -> Result<String> {
        let v = self.call("POST", "/element", Some(json!({ "using": "css selector", "value": css }))).await?;
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(|id| id.as_str())
            .map(str::to_string)
            .ok_or_else(|| format!("no element matches {css}"))
    }

    /// Clicks the first element matching `css`.
    pub async fn click(&self, css: &str) -> Result<()> {
        let id = self.find(css).await?;
        self.call("POST", &format!("/element/{id}/click"), None).await.map(|_| ())
    }

    /// Clicks the first element matching `css`, which sends a form or follows a link, and waits
    /// until the page it leads to has loaded: a `goto` straight after a plain `click` can cancel
    /// the form's request before its answer (a login's cookie, say) arrives.
    pub async fn submit(&self, css: &str) -> Result<()> {
        self.mark_page().await?;
        self.click(css).await?;
        self.next_page(&format!("clicking {css}")).await
    }

    /// Presses `keys` (as [`Browser::press`]) where they lead to another page, and waits until
    /// that page has loaded.
    pub async fn press_to_navigate(&self, keys: &str) -> Result<()> {
        self.mark_page().await?;
        self.press(keys).await?;
        self.next_page(&format!("pressing {keys}")).await
    }

    async fn mark_page(&self) -> Result<()> {
        self.execute("window.__tidingsOldPage = true; return true;").await.map(|_| ())
    }

    async fn next_page(&self, what: &str) -> Result<()> {
        for _ in 0..200 {
            let loaded = self
                .execute("return window.__tidingsOldPage === undefined && document.readyState === 'complete';")
                .await
                .unwrap_or(Value::Bool(false));
            if loaded == Value::Bool(true) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!("{what} did not lead to a new page within 10 s"))
    }

    /// The visible text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> Result<String> {
        let id = self.find(css).await?;
        Ok(self.call("GET", &format!("/element/{id}/text"), None).await?.as_str().unwrap_or_default().to_string())
    }

    /// Types `text` into the first element matching `css` (after clearing it).
    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let id = self.find(css).await?;
        self.call("POST", &format!("/element/{id}/clear"), None).await?;
        self.call("POST", &format!("/element/{id}/value"), Some(json!({ "text": text }))).await.map(|_| ())
    }

    /// Runs `script` (a function body; `return` gives the result) in the page, outside its
    /// Content-Security-Policy, and gives back what it returned.
    pub async fn execute(&self, script: &str) -> Result<Value> {
        self.call("POST", "/execute/sync", Some(json!({ "script": script, "args": [] }))).await
    }

    /// Runs `script` (a function body whose last argument is a callback to call with the result)
    /// in the page, outside its Content-Security-Policy, and gives back what it was called with.
    pub async fn execute_async(&self, script: &str) -> Result<Value> {
        self.call("POST", "/execute/async", Some(json!({ "script": script, "args": [] }))).await
    }

    /// Presses and releases each key of `keys` in turn, as a person typing would, wherever the
    /// focus is.
    pub async fn press(&self, keys: &str) -> Result<()> {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|k| {
                [
                    json!({ "type": "keyDown", "value": k.to_string() }),
                    json!({ "type": "keyUp", "value": k.to_string() }),
                ]
            })
            .collect();
        let body = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] });
        self.call("POST", "/actions", Some(body)).await.map(|_| ())
    }

    /// Sends a Chrome DevTools Protocol command (`Emulation.setEmulatedMedia`, …) to the page.
    pub async fn devtools(&self, cmd: &str, params: Value) -> Result<Value> {
        self.call("POST", "/goog/cdp/execute", Some(json!({ "cmd": cmd, "params": params }))).await
    }

    /// A PNG screenshot of the window.
    pub async fn screenshot(&self) -> Result<Vec<u8>> {
        let b64 = self.call("GET", "/screenshot", None).await?;
        base64::engine::general_purpose::STANDARD.decode(b64.as_str().unwrap_or_default()).map_err(|e| e.to_string())
    }

    /// Ends the session and chromedriver.
    pub async fn close(mut self) {
        let _ = self.call("DELETE", "", None).await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}
