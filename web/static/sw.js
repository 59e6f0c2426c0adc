// The browser player's app cache: the page, its script and its wasm, so that a reload plays
// on with the network and the server gone. Network first (a new server version is picked up
// at once), the cache when the server does not answer within a few seconds. Media blobs are
// the player's own business (its Cache Storage bucket); the API is outside this scope.
const BUILD = "__BUILD__";
const APP_CACHE = "vitrin-app-" + BUILD;
const SHELL = ["./", "app.js", "app_bg.wasm", "manifest.webmanifest", "icon.svg"];
const NETWORK_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(APP_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key.startsWith("vitrin-app-") && key !== APP_CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const scope = new URL(self.registration.scope);
  if (request.method !== "GET" || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) {
    return;
  }
  // The page is one entry whatever its query (?clock=, ?preview=).
  const key = request.mode === "navigate" ? scope.href : url.origin + url.pathname;
  event.respondWith(networkFirst(request, key));
});

async function networkFirst(request, key) {
  const cache = await caches.open(APP_CACHE);
  try {
    const response = await within(fetch(request), NETWORK_MS);
    if (response.ok) {
      await cache.put(key, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(key);
    if (cached) {
      return cached;
    }
    throw error;
  }
}

function within(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no answer within " + ms + " ms")), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}
