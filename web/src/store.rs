//! What the browser player keeps across reloads and outages: its identity, the last good
//! manifest and unsent proof of play in `localStorage` (small, synchronous), media blobs in
//! the Cache Storage (large, asynchronous), each blob checked against its sha256 when it is
//! stored and again when it is read.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use js_sys::{Array, Uint8Array};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use vitrin_shared::events::ProofOfPlay;
use vitrin_shared::manifest::Manifest;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Cache, Request, Response, ResponseInit};

use crate::net::js_text;

const IDENTITY: &str = "vitrin.identity";
const MANIFEST: &str = "vitrin.manifest";
const PLAYS: &str = "vitrin.plays";
/// The Cache Storage bucket of media blobs (the service worker's app cache is another).
pub const MEDIA_CACHE: &str = "vitrin-media-v1";
/// An admin's previews keep their media apart from a player's.
pub const PREVIEW_CACHE: &str = "vitrin-preview-v1";
/// Unsent proof-of-play records kept while the server is away (about 2.5 MB of localStorage,
/// whose quota is 5 MB); beyond that the oldest go first.
pub const MAX_PENDING_PLAYS: usize = 10_000;

/// The device token this browser was paired with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Identity {
    pub screen_id: i64,
    pub token: String,
}

fn storage() -> Option<web_sys::Storage> {
    crate::window().local_storage().ok().flatten()
}

fn load<T: for<'de> Deserialize<'de>>(key: &str) -> Option<T> {
    let text = storage()?.get_item(key).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

fn save(key: &str, value: &impl Serialize) -> Result<(), String> {
    let storage = storage().ok_or("this browser has no localStorage")?;
    let text = serde_json::to_string(value).expect("stored values serialize");
    storage
        .set_item(key, &text)
        .map_err(|e| format!("cannot store {key} (storage full?): {}", js_text(&e)))
}

pub fn identity() -> Option<Identity> {
    load(IDENTITY)
}

pub fn save_identity(identity: &Identity) -> Result<(), String> {
    save(IDENTITY, identity)
}

/// Forgets the token (the server revoked it) and what it fetched.
pub fn forget_identity() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(IDENTITY);
    }
}

#[derive(Serialize, Deserialize)]
struct SavedManifest {
    etag: String,
    manifest: Manifest,
}

/// The last manifest whose every blob was stored, with its ETag.
pub fn manifest() -> Option<(Manifest, String)> {
    load::<SavedManifest>(MANIFEST).map(|s| (s.manifest, s.etag))
}

pub fn save_manifest(manifest: &Manifest, etag: &str) -> Result<(), String> {
    save(
        MANIFEST,
        &SavedManifest {
            etag: etag.to_owned(),
            manifest: manifest.clone(),
        },
    )
}

/// Proof of play not yet accepted by the server, oldest first.
pub fn pending_plays() -> Vec<ProofOfPlay> {
    load(PLAYS).unwrap_or_default()
}

/// Adds `records` to the pending ones; returns how many old ones had to go to make room.
pub fn record_plays(records: &[ProofOfPlay]) -> Result<usize, String> {
    let mut pending = pending_plays();
    pending.extend_from_slice(records);
    let dropped = pending.len().saturating_sub(MAX_PENDING_PLAYS);
    pending.drain(..dropped);
    save(PLAYS, &pending)?;
    Ok(dropped)
}

/// Removes the first `n` pending records (sent, or refused for good).
pub fn confirm_plays(n: usize) -> Result<(), String> {
    let mut pending = pending_plays();
    pending.drain(..n.min(pending.len()));
    save(PLAYS, &pending)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Media blobs by sha256: in the Cache Storage, or in memory where the browser has none (a
/// page over plain http to anything but localhost is no "secure context": no Cache Storage and
/// no service worker, so it plays offline only until it is reloaded).
#[derive(Clone)]
pub struct MediaStore {
    backend: Backend,
    /// Absolute URL prefix of the keys (the Cache API keys responses by http(s) URL).
    prefix: String,
}

#[derive(Clone)]
enum Backend {
    Cache(Cache),
    Memory(Rc<RefCell<HashMap<String, Rc<Vec<u8>>>>>),
}

async fn promise<T: JsCast>(p: js_sys::Promise) -> Result<T, String> {
    JsFuture::from(p)
        .await
        .map(JsCast::unchecked_into)
        .map_err(|e| js_text(&e))
}

impl MediaStore {
    /// The bucket `name`; `origin_base` is the page's origin plus the server's base path.
    pub async fn open(origin_base: &str, name: &str) -> MediaStore {
        let prefix = format!("{origin_base}/play/{name}/");
        let cache = match crate::window().caches() {
            Ok(caches) => promise::<Cache>(caches.open(name)).await,
            Err(e) => Err(js_text(&e)),
        };
        let backend = match cache {
            Ok(cache) => Backend::Cache(cache),
            Err(e) => {
                tracing::warn!(
                    "no Cache Storage ({e}): media are kept in memory only; serve the player \
                     over https to keep them across reloads"
                );
                Backend::Memory(Rc::default())
            }
        };
        MediaStore { backend, prefix }
    }

    /// Whether blobs survive a reload of the page.
    pub fn is_persistent(&self) -> bool {
        matches!(self.backend, Backend::Cache(_))
    }

    fn key(&self, sha: &str) -> String {
        format!("{}{sha}", self.prefix)
    }

    /// The blobs stored, by sha256: one question to the Cache Storage however many blobs a
    /// manifest names (asking per blob cost a publish a round trip each).
    pub async fn stored(&self) -> HashSet<String> {
        match &self.backend {
            Backend::Cache(cache) => match promise::<Array>(cache.keys()).await {
                Ok(keys) => keys
                    .iter()
                    .filter_map(|request| {
                        let url = request.unchecked_into::<Request>().url();
                        url.strip_prefix(&self.prefix).map(str::to_owned)
                    })
                    .collect(),
                Err(_) => HashSet::new(),
            },
            Backend::Memory(blobs) => blobs.borrow().keys().cloned().collect(),
        }
    }

    /// Stores `bytes` as `sha` if they hash to it.
    pub async fn put(&self, sha: &str, bytes: &[u8]) -> Result<(), String> {
        let actual = sha256_hex(bytes);
        if actual != sha {
            return Err(format!("{sha} arrived corrupt (sha256 {actual}), not kept"));
        }
        let cache = match &self.backend {
            Backend::Cache(cache) => cache,
            Backend::Memory(blobs) => {
                blobs
                    .borrow_mut()
                    .insert(sha.to_owned(), Rc::new(bytes.to_vec()));
                return Ok(());
            }
        };
        let init = ResponseInit::new();
        init.set_status(200);
        let body = Uint8Array::from(bytes);
        let response = Response::new_with_opt_buffer_source_and_init(Some(&body), &init)
            .map_err(|e| js_text(&e))?;
        promise::<JsValue>(cache.put_with_str(&self.key(sha), &response))
            .await
            .map_err(|e| format!("cannot store {sha} (storage quota?): {e}"))?;
        Ok(())
    }

    /// The blob `sha`, if stored and still intact (a damaged one is deleted).
    pub async fn get(&self, sha: &str) -> Option<Vec<u8>> {
        let cache = match &self.backend {
            Backend::Cache(cache) => cache,
            Backend::Memory(blobs) => return blobs.borrow().get(sha).map(|b| b.to_vec()),
        };
        let found = JsFuture::from(cache.match_with_str(&self.key(sha)))
            .await
            .ok()?;
        if found.is_undefined() {
            return None;
        }
        let response: Response = found.unchecked_into();
        let buffer = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
        let bytes = Uint8Array::new(&buffer).to_vec();
        if sha256_hex(&bytes) != sha {
            tracing::warn!("stored blob {sha} is damaged: deleted, fetched again at the next sync");
            let _ = JsFuture::from(cache.delete_with_str(&self.key(sha))).await;
            return None;
        }
        Some(bytes)
    }

    /// Deletes every blob not in `keep`; returns how many went.
    pub async fn keep_only(&self, keep: &HashSet<String>) -> usize {
        let cache = match &self.backend {
            Backend::Cache(cache) => cache,
            Backend::Memory(blobs) => {
                let mut blobs = blobs.borrow_mut();
                let before = blobs.len();
                blobs.retain(|sha, _| keep.contains(sha));
                return before - blobs.len();
            }
        };
        let Ok(keys) = promise::<Array>(cache.keys()).await else {
            return 0;
        };
        let mut deleted = 0;
        for request in keys.iter() {
            let request: Request = request.unchecked_into();
            let url = request.url();
            let sha = url.rsplit('/').next().unwrap_or_default();
            if !keep.contains(sha) {
                let _ = JsFuture::from(cache.delete_with_request(&request)).await;
                deleted += 1;
            }
        }
        deleted
    }
}

/// Bytes the origin uses and may use, as the browser reports them.
pub async fn estimate() -> Option<(u64, u64)> {
    let storage = crate::window().navigator().storage();
    let estimate: web_sys::StorageEstimate = promise(storage.estimate().ok()?).await.ok()?;
    let usage = estimate.get_usage().unwrap_or(0.0) as u64;
    let quota = estimate.get_quota().unwrap_or(0.0) as u64;
    Some((usage, quota))
}

/// Asks the browser not to evict this origin's storage under pressure (granted silently to
/// installed apps and sites with engagement; a kiosk screen is both).
pub async fn ask_persistence() -> bool {
    let storage = crate::window().navigator().storage();
    match storage.persist() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_bool()) == Some(true),
        Err(_) => false,
    }
}
