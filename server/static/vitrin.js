// Vitrin admin: progressive enhancement only. Every page works without this file; with it,
// forms marked data-partial update the page in place, uploads show progress and accept
// dropped files, lists marked data-sortable reorder by drag and drop, and the screen status
// updates live. Hand-written, no dependencies.

/** Replaces this page's <main> with the <main> of an HTML document (a server response). */
function swapMain(html, url) {
  const next = new DOMParser().parseFromString(html, "text/html");
  const main = next.querySelector("main");
  if (!main) {
    return false;
  }
  document.querySelector("main").replaceWith(main);
  if (next.title) {
    document.title = next.title;
  }
  if (url && url !== location.href) {
    history.pushState({}, "", url);
  }
  enhance(main);
  main.focus();
  return true;
}

/** `<select data-autosubmit>` submits its form when changed (the button stays for no-JS). */
function autosubmit(root) {
  for (const select of root.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
}

/** `<form data-partial>`: submitted with fetch; the answer's <main> replaces this one. */
function partialForms(root) {
  for (const form of root.querySelectorAll("form[data-partial]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = new FormData(form, event.submitter);
      const method = (form.method || "get").toUpperCase();
      let url = form.action;
      const init = { method, credentials: "same-origin" };
      if (method === "GET") {
        url += (url.includes("?") ? "&" : "?") + new URLSearchParams(body);
      } else {
        init.body = new URLSearchParams(body);
      }
      try {
        const response = await fetch(url, init);
        if (!swapMain(await response.text(), response.url)) {
          location.href = response.url;
        }
      } catch {
        form.submit();
      }
    });
  }
}

/**
 * `<form data-upload>` with one file input: files can be dropped on the form, and the upload
 * goes through XMLHttpRequest to show a progress bar. A file over `data-max-bytes` is refused
 * before sending, with the input's `data-too-large` text.
 */
function uploads(root) {
  for (const form of root.querySelectorAll("form[data-upload]")) {
    const input = form.querySelector("input[type=file]");
    const bar = form.querySelector("progress") || document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.hidden = true;
    if (!bar.isConnected) {
      form.append(bar);
    }
    const message = form.querySelector("[data-upload-message]");
    const say = (text) => {
      if (message) {
        message.textContent = text;
        message.hidden = !text;
      }
    };
    for (const type of ["dragenter", "dragover"]) {
      form.addEventListener(type, (event) => {
        event.preventDefault();
        form.classList.add("over");
      });
    }
    for (const type of ["dragleave", "drop"]) {
      form.addEventListener(type, () => form.classList.remove("over"));
    }
    form.addEventListener("drop", (event) => {
      event.preventDefault();
      if (event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const file = input.files[0];
      const max = Number(input.dataset.maxBytes || 0);
      if (file && max && file.size > max) {
        say(input.dataset.tooLarge || "");
        return;
      }
      say("");
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) {
          bar.hidden = false;
          bar.value = Math.round((e.loaded / e.total) * 100);
        }
      });
      xhr.addEventListener("load", () => {
        bar.value = 100;
        if (!swapMain(xhr.responseText, xhr.responseURL)) {
          location.href = xhr.responseURL || form.action;
        }
      });
      xhr.addEventListener("error", () => form.submit());
      xhr.send(new FormData(form));
    });
  }
}

/**
 * `<ol data-sortable>`: items (`draggable="true"`) reorder by drag and drop, and with their
 * `[data-move=up|down]` buttons from the keyboard. Hidden inputs inside the items follow, so
 * the form posts the new order.
 */
function sortables(root) {
  for (const list of root.querySelectorAll("[data-sortable]")) {
    list.classList.add("sortable");
    let dragged = null;
    list.addEventListener("dragstart", (event) => {
      dragged = event.target.closest("[draggable=true]");
      dragged?.classList.add("dragging");
    });
    list.addEventListener("dragend", () => {
      dragged?.classList.remove("dragging");
      dragged = null;
      list.dispatchEvent(new Event("change", { bubbles: true }));
    });
    list.addEventListener("dragover", (event) => {
      event.preventDefault();
      const over = event.target.closest("[draggable=true]");
      if (!dragged || !over || over === dragged) {
        return;
      }
      const box = over.getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
    });
    list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-move]");
      if (!button) {
        return;
      }
      event.preventDefault();
      const item = button.closest("[draggable=true]");
      if (button.dataset.move === "up" && item.previousElementSibling) {
        item.parentNode.insertBefore(item, item.previousElementSibling);
      } else if (button.dataset.move === "down" && item.nextElementSibling) {
        item.parentNode.insertBefore(item.nextElementSibling, item);
      }
      button.focus();
      list.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }
}

/**
 * `[data-live-screens]`: the server sends the screens' status (EventSource, or polling when
 * that is unavailable); every `[data-screen=<id>]` element updates its `[data-field]` parts.
 */
let liveSource = null;

function liveScreens(root) {
  const box = root.querySelector("[data-live-screens]");
  if (!box) {
    return;
  }
  const apply = (screens) => {
    for (const s of screens) {
      for (const el of document.querySelectorAll(`[data-screen="${s.id}"]`)) {
        const badge = el.querySelector("[data-field=status]");
        if (badge) {
          badge.textContent = s.status_text;
          badge.className = `badge ${s.status}`;
        }
        const showing = el.querySelector("[data-field=showing]");
        if (showing) {
          showing.textContent = s.showing;
        }
        const seen = el.querySelector("[data-field=seen]");
        if (seen) {
          seen.textContent = s.seen;
        }
      }
    }
    const count = document.querySelector("[data-field=online-count]");
    if (count) {
      count.textContent = screens.length ? screens[0].online_count_text : count.textContent;
    }
  };
  const src = box.dataset.liveScreens;
  if ("EventSource" in window) {
    liveSource?.close();
    liveSource = new EventSource(src);
    liveSource.addEventListener("screens", (e) => apply(JSON.parse(e.data)));
  } else {
    setInterval(async () => {
      const response = await fetch(`${src}?once=1`, { credentials: "same-origin" });
      const text = await response.text();
      const data = text.split("\n").find((l) => l.startsWith("data:"));
      if (data) {
        apply(JSON.parse(data.slice(5)));
      }
    }, 15000);
  }
}

// --- Content pages (menus, schedule; issue 8 part B) ------------------------------------------
// The rule form's cron line is explained while it is typed, in the page's language, by the
// server (the same words the page shows after saving).
function cronExplain(root) {
  for (const input of root.querySelectorAll("input[data-cron-explain]")) {
    const out = document.getElementById(input.id + "-words");
    if (!out) continue;
    let timer;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const line = input.value.trim();
        if (!line) {
          out.textContent = "";
          return;
        }
        const url = input.dataset.cronExplain + "?line=" + encodeURIComponent(line);
        const response = await fetch(url, { credentials: "same-origin" });
        out.textContent = await response.text();
        out.classList.toggle("field-error", !response.ok);
        input.setAttribute("aria-invalid", response.ok ? "false" : "true");
      }, 250);
    });
  }
}

// The weekly grid becomes paintable: pick a playlist as the brush, then press on a cell and
// drag across others. Each cell keeps its select, so the keyboard and the plain form still work.
function paintGrid(root) {
  for (const form of root.querySelectorAll("form[data-paint-grid]")) {
    const brushRow = form.querySelector(".brush");
    const brush = brushRow && brushRow.querySelector("select");
    if (!brush) continue;
    brushRow.hidden = false;
    let painting = false;
    const paint = (cell) => {
      const select = cell.querySelector("select");
      if (!select) return;
      select.value = brush.value;
      cell.classList.add("painted");
    };
    form.addEventListener("pointerdown", (event) => {
      const cell = event.target.closest("td.cell");
      if (!cell || event.target.closest("select")) return;
      painting = true;
      paint(cell);
      event.preventDefault();
    });
    form.addEventListener("pointerover", (event) => {
      const cell = painting && event.target.closest("td.cell");
      if (cell) paint(cell);
    });
    window.addEventListener("pointerup", () => {
      painting = false;
    });
  }
}
// --- end of the content pages' section ----------------------------------------------------------

/**
 * `[data-scan-code="<input id>"]` (the counter): where the browser can read QR codes
 * (BarcodeDetector), the button opens the camera and puts the first code it sees into the
 * input and submits its form. A USB scanner needs none of this: it types the code and Enter.
 */
function scanCodes(root) {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  for (const button of root.querySelectorAll("[data-scan-code]")) {
    const input = document.getElementById(button.dataset.scanCode);
    if (!input) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const video = document.createElement("video");
      video.setAttribute("playsinline", "");
      video.className = "scanner";
      button.after(video);
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      } catch {
        video.remove();
        return;
      }
      video.srcObject = stream;
      await video.play();
      const detector = new BarcodeDetector({ formats: ["qr_code"] });
      const stop = () => { stream.getTracks().forEach((t) => t.stop()); video.remove(); };
      const look = async () => {
        if (!video.isConnected) return;
        const found = await detector.detect(video).catch(() => []);
        if (found.length) {
          stop();
          input.value = found[0].rawValue;
          input.form.requestSubmit();
        } else {
          setTimeout(look, 250);
        }
      };
      look();
    });
  }
}

function enhance(root) {
  scanCodes(root);
  autosubmit(root);
  partialForms(root);
  uploads(root);
  sortables(root);
  liveScreens(root);
  cronExplain(root);
  paintGrid(root);
}

window.addEventListener("popstate", () => location.reload());
enhance(document);
