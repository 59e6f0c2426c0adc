// Vitrin admin, layout editor: progressive enhancement of a free layout's form. The number
// inputs stay the truth (the form works without this file); with it, the drawing follows them
// as they are typed, and a zone can be dragged on the drawing to move it, or by its corner grip
// to resize it. A drag snaps to the other zones' and the screen's edges when one is within
// SNAP percent, else to a GRID percent grid; values are kept on the ¼ % grid the server stores.
// Positions are physical (x from the left edge) in both languages. Hand-written, no dependencies.

const GRID = 1;
const SNAP = 1.5;
const MIN = 2;
const SHAPES = {
  landscape: "1920 / 1080",
  portrait: "1080 / 1920",
  strip: "1920 / 360",
  ultra_wide: "3840 / 1080",
};

/** A typed percent (Persian decimal separator accepted), or null. */
function num(input) {
  const v = parseFloat(String(input.value).replace(/[٫,]/g, "."));
  return Number.isFinite(v) ? v : null;
}

/** On the server's ¼ % grid, written without trailing zeros. */
function text(v) {
  return String(Math.round(v * 4) / 4);
}

const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);

/** `v` moved onto the nearest edge within SNAP, else onto the grid. */
function snap(v, edges) {
  let best = null;
  for (const e of edges) {
    if (Math.abs(e - v) <= SNAP && (best === null || Math.abs(e - v) < Math.abs(best - v))) {
      best = e;
    }
  }
  return best !== null ? best : Math.round(v / GRID) * GRID;
}

/** A zone of size `size` starting at `v`: either of its edges snaps, whichever is nearer. */
function snapMove(v, size, edges) {
  let delta = null;
  for (const e of edges) {
    for (const d of [e - v, e - (v + size)]) {
      if (Math.abs(d) <= SNAP && (delta === null || Math.abs(d) < Math.abs(delta))) {
        delta = d;
      }
    }
  }
  return delta !== null ? v + delta : Math.round(v / GRID) * GRID;
}

function setup(form) {
  const map = form.querySelector("[data-layout-map]");
  if (!map || map.dataset.ready) return;
  map.dataset.ready = "1";
  const fields = (i) => {
    const row = form.querySelector(`[data-region-row="${i}"]`);
    const get = (f) => row && row.querySelector(`[data-field="${f}"]`);
    return { row, name: get("name"), x: get("x"), y: get("y"), w: get("w"), h: get("h"), overlay: get("overlay") };
  };
  const rectOf = (i) => {
    const f = fields(i);
    return { x: num(f.x), y: num(f.y), w: num(f.w), h: num(f.h) };
  };
  const boxes = () => [...map.querySelectorAll("[data-region]")];

  for (const box of boxes()) {
    const label = document.createElement("b");
    label.textContent = box.textContent;
    const grip = document.createElement("i");
    grip.className = "grip";
    box.textContent = "";
    box.append(label, grip);
  }

  function draw() {
    for (const box of boxes()) {
      const f = fields(box.dataset.region);
      if (!f.row) continue;
      const r = rectOf(box.dataset.region);
      box.hidden = Object.values(r).some((v) => v === null);
      if (box.hidden) continue;
      box.style.left = `${r.x}%`;
      box.style.top = `${r.y}%`;
      box.style.width = `${r.w}%`;
      box.style.height = `${r.h}%`;
      box.querySelector("b").textContent = f.name.value;
      box.classList.toggle("overlay", f.overlay.checked);
    }
  }

  /** Every other zone's edges and the screen's: [xs, ys] in percent. */
  function edges(except) {
    const xs = [0, 100];
    const ys = [0, 100];
    for (const box of boxes()) {
      if (box.dataset.region === except) continue;
      const r = rectOf(box.dataset.region);
      if (Object.values(r).some((v) => v === null)) continue;
      xs.push(r.x, r.x + r.w);
      ys.push(r.y, r.y + r.h);
    }
    return [xs, ys];
  }

  let drag = null;
  map.addEventListener("pointerdown", (event) => {
    const box = event.target.closest("[data-region]");
    if (!box) return;
    const start = rectOf(box.dataset.region);
    if (Object.values(start).some((v) => v === null)) return;
    const bounds = map.getBoundingClientRect();
    drag = {
      i: box.dataset.region,
      box,
      resize: event.target.classList.contains("grip"),
      start,
      px: event.clientX,
      py: event.clientY,
      bw: bounds.width,
      bh: bounds.height,
      edges: edges(box.dataset.region),
    };
    try {
      box.setPointerCapture(event.pointerId);
    } catch {
      // A synthetic event's pointer cannot be captured; the map still gets its moves.
    }
    box.classList.add("active");
    event.preventDefault();
  });
  map.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = ((event.clientX - drag.px) / drag.bw) * 100;
    const dy = ((event.clientY - drag.py) / drag.bh) * 100;
    const s = drag.start;
    const [xs, ys] = drag.edges;
    let r;
    if (drag.resize) {
      const right = clamp(snap(s.x + s.w + dx, xs), s.x + MIN, 100);
      const bottom = clamp(snap(s.y + s.h + dy, ys), s.y + MIN, 100);
      r = { x: s.x, y: s.y, w: right - s.x, h: bottom - s.y };
    } else {
      const x = clamp(snapMove(s.x + dx, s.w, xs), 0, Math.max(0, 100 - s.w));
      const y = clamp(snapMove(s.y + dy, s.h, ys), 0, Math.max(0, 100 - s.h));
      r = { x, y, w: s.w, h: s.h };
    }
    const f = fields(drag.i);
    for (const key of ["x", "y", "w", "h"]) {
      f[key].value = text(r[key]);
    }
    draw();
  });
  const end = () => {
    if (!drag) return;
    drag.box.classList.remove("active");
    const f = fields(drag.i);
    f.x.dispatchEvent(new Event("change", { bubbles: true }));
    drag = null;
  };
  map.addEventListener("pointerup", end);
  map.addEventListener("pointercancel", end);

  form.addEventListener("input", (event) => {
    if (event.target.closest("[data-region-row]")) draw();
  });
  form.addEventListener("change", (event) => {
    if (event.target.matches("[data-field=overlay]")) draw();
  });
  const shape = form.querySelector("[data-layout-aspect]");
  if (shape) {
    shape.addEventListener("change", () => {
      map.style.aspectRatio = SHAPES[shape.value] || SHAPES.landscape;
    });
  }
  draw();
}

for (const map of document.querySelectorAll("[data-layout-map]")) {
  setup(map.closest("form"));
}
