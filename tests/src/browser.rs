//! A real headless Chromium for end-to-end tests of the browser admin, driven through
//! chromedriver (WebDriver) with fantoccini. Each `Browser` has its own chromedriver on a free
//! port and its own throw-away profile; screenshots go to
//! `$CARGO_TARGET_DIR/test-artifacts/browser/` (or `target/…` at the workspace root).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tempfile::TempDir;

/// How long a wait for something on the page lasts before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);

const CHROMEDRIVER: &str = "chromedriver";
/// Debian's Chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// WebDriver key codes.
pub mod keys {
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
}

/// Chromium switches for the browser player without a GPU: WebGL2 through SwiftShader,
/// videos may autoplay with sound (as a kiosk browser is set up).
pub const PLAYER_ARGS: [&str; 3] = [
    "--enable-unsafe-swiftshader",
    "--use-angle=swiftshader",
    "--autoplay-policy=no-user-gesture-required",
];

/// How long the browser player gets to reach a state (it loads a 10 MB wasm first).
const PLAYER_WAIT: Duration = Duration::from_secs(40);

pub struct Browser {
    pub client: Client,
    /// chromedriver's address, for the WebDriver extensions fantoccini does not speak.
    driver_url: String,
    driver: Child,
    _profile: TempDir,
}

/// Where chromedriver is, if it is installed.
fn find_on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// The folder for screenshots and other artifacts of browser tests.
pub fn artifacts_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("test-artifacts").join("browser")
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium session. Without chromedriver on
    /// PATH: fails when `CI` is set, else prints a notice and returns `None` (skip the test).
    pub async fn start() -> Option<Browser> {
        Browser::start_with(&[]).await
    }

    /// `start` with more Chromium switches.
    pub async fn start_with(extra_args: &[&str]) -> Option<Browser> {
        let Some(driver_path) = find_on_path(CHROMEDRIVER) else {
            if std::env::var_os("CI").is_some() {
                panic!("chromedriver is not on PATH (install chromium-driver)");
            }
            eprintln!("NOTICE: chromedriver is not on PATH; browser test not run");
            return None;
        };
        let port = free_port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--window-size=1280,900".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        args.extend(extra_args.iter().map(|a| (*a).to_owned()));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({"binary": CHROMIUM, "args": args}),
        );
        let url = format!("http://127.0.0.1:{port}");
        // chromedriver takes a moment to listen.
        let deadline = tokio::time::Instant::now() + WAIT;
        let client = loop {
            let mut builder =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
            builder.capabilities(caps.clone());
            match builder.connect(&url).await {
                Ok(client) => break client,
                Err(e) if tokio::time::Instant::now() > deadline => {
                    panic!("cannot start a Chromium session: {e}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        Some(Browser {
            client,
            driver_url: url,
            driver,
            _profile: profile,
        })
    }

    /// Signs in through the login page of `base` and waits for the dashboard (not merely
    /// for a heading, which the login page has too).
    pub async fn sign_in(&self, base: &str, email: &str, password: &str) {
        self.goto(&format!("{base}/login")).await;
        self.fill("#f-email", email).await;
        self.fill("#f-password", password).await;
        self.click("main button[type=submit]").await;
        self.wait_script("return location.pathname === '/dashboard'")
            .await;
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("the page loads");
    }

    /// The current URL's path and query.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("a current URL");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The first element matching `css`, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    /// Replaces the value of the input matching `css` with `text`, typed as keys.
    pub async fn fill(&self, css: &str, text: &str) {
        let input = self.find(css).await;
        input.clear().await.expect("the input clears");
        input.send_keys(text).await.expect("keys are typed");
    }

    /// Chooses the option with `value` in the select matching `css`.
    pub async fn select(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("no option {value} in {css}: {e}"));
    }

    /// Chooses the option whose visible text is `label` in the select matching `css`.
    pub async fn select_text(&self, css: &str, label: &str) {
        self.find(css).await;
        let script = format!(
            "const s = document.querySelector({css}); \
             const o = [...s.options].find(o => o.text.trim() === {label}); \
             if (!o) return [...s.options].map(o => o.text).join(' | '); \
             s.value = o.value; s.dispatchEvent(new Event('change')); return true;",
            css = json!(css),
            label = json!(label)
        );
        let chosen = self.run(&script).await;
        assert_eq!(
            chosen,
            json!(true),
            "no option {label} in {css}; there are: {chosen}"
        );
    }

    /// Grants the current page's origin a permission (`screen-wake-lock`), as a kiosk's
    /// browser is set up to, through the WebDriver Permissions extension.
    pub async fn grant(&self, permission: &str) {
        let session = self
            .client
            .session_id()
            .await
            .expect("a session")
            .expect("a session id");
        let answer = reqwest::Client::new()
            .post(format!("{}/session/{session}/permissions", self.driver_url))
            .json(&json!({"descriptor": {"name": permission}, "state": "granted"}))
            .send()
            .await
            .expect("chromedriver answers");
        assert!(
            answer.status().is_success(),
            "granting {permission}: {}",
            answer.text().await.unwrap_or_default()
        );
    }

    /// Resizes the window, e.g. to a phone's width.
    pub async fn resize(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("the window resizes");
    }

    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .expect("the element clicks");
    }

    /// Sends keys to whatever has the focus (keyboard-only use).
    pub async fn keys(&self, keys: &str) {
        let element = self
            .client
            .active_element()
            .await
            .expect("a focused element");
        element.send_keys(keys).await.expect("keys are sent");
    }

    /// The `id` of the focused element.
    pub async fn focused_id(&self) -> String {
        let element = self
            .client
            .active_element()
            .await
            .expect("a focused element");
        element.attr("id").await.ok().flatten().unwrap_or_default()
    }

    /// The text of the first element matching `css` (empty when there is none).
    pub async fn text(&self, css: &str) -> String {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Waits until the element matching `css` contains `text`; panics with what it shows.
    pub async fn wait_text(&self, css: &str, text: &str) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let shown = self.text(css).await;
            if shown.contains(text) {
                return;
            }
            if tokio::time::Instant::now() > deadline {
                self.screenshot("failed-wait").await;
                panic!(
                    "{css} shows {shown:?}, not {text:?} (at {})",
                    self.path().await
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until `script` (a function body returning a value) returns `true`.
    pub async fn wait_script(&self, script: &str) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if self.run(script).await == Value::Bool(true) {
                return;
            }
            if tokio::time::Instant::now() > deadline {
                self.screenshot("failed-wait").await;
                panic!("never true: {script}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Runs a script in the page (a function body; `return` gives the value).
    pub async fn run(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// The page's HTML.
    pub async fn source(&self) -> String {
        self.client.source().await.expect("the page source")
    }

    /// Saves a PNG of the viewport as `<artifacts>/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = artifacts_dir();
        std::fs::create_dir_all(&dir).expect("the artifacts folder");
        let path = dir.join(format!("{name}.png"));
        match self.client.screenshot().await {
            Ok(png) => std::fs::write(&path, png).expect("the screenshot is written"),
            Err(e) => eprintln!("no screenshot {name}: {e}"),
        }
        path
    }

    /// Sizes the window so that the page gets `width × height` CSS pixels.
    pub async fn viewport(&self, width: u32, height: u32) {
        self.resize(width, height).await;
        let chrome = self
            .run("return [outerWidth - innerWidth, outerHeight - innerHeight];")
            .await;
        let extra = |i: usize| chrome[i].as_u64().unwrap_or(0) as u32;
        self.resize(width + extra(0), height + extra(1)).await;
    }

    /// The browser player's state (`window.vitrinState()`, see `web/src/lib.rs`), or why it
    /// could not start.
    pub async fn player_state(&self) -> Value {
        self.run(
            "return window.vitrinState ? window.vitrinState() \
             : {problem: window.vitrinProblem || null};",
        )
        .await
    }

    /// Waits until `check` finds what it wants in the browser player's state; fails with a
    /// screenshot and the state.
    pub async fn wait_player<T>(&self, what: &str, check: impl Fn(&Value) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + PLAYER_WAIT;
        loop {
            let state = self.player_state().await;
            if let Some(found) = check(&state) {
                return found;
            }
            if tokio::time::Instant::now() > deadline {
                self.screenshot(&format!("player-failed-{}", what.replace(' ', "-")))
                    .await;
                panic!("the browser player never got to {what}; its state: {state}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Ends the session and chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A failed test never leaves chromedriver (and its Chromium) behind.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
