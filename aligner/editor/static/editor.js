// aligner edit: the page. Plain JS, no dependencies. Every text from the server goes into the DOM
// through textContent (never innerHTML), so a sentence such as <img src=x onerror=...> stays text.
"use strict";

const state = {
  data: null,          // /api/state: sentences, beads, revision
  revision: -1,
  current: -1,         // index of the current bead in data.beads
  selected: { src: new Set(), tgt: new Set() },
  filter: "all",
  busy: false,
};

const FILTERS = {
  all: () => true,
  review: (b) => b.band === "check" || b.band === "bad" || b.band === "unaligned",
  check: (b) => b.band === "check",
  bad: (b) => b.band === "bad",
  unaligned: (b) => b.band === "unaligned",
};

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function say(text, kind) {
  const box = document.getElementById("message");
  box.textContent = text;
  box.className = kind || "";
}

async function call(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const response = await fetch(path, init);
  let data = {};
  try { data = await response.json(); } catch (e) { data = { error: `${response.status} ${response.statusText}` }; }
  if (!response.ok) {
    const err = new Error(data.error || `${response.status}`);
    err.status = response.status;
    throw err;
  }
  return data;
}

async function load(note) {
  const data = await call("api/state");
  state.data = data;
  state.revision = data.revision;
  document.title = `aligner edit: ${data.title}`;
  document.getElementById("title").textContent = data.title;
  document.getElementById("src-head").textContent = data.src_lang;
  document.getElementById("tgt-head").textContent = data.tgt_lang;
  render();
  if (note) say(note.text, note.kind);
  document.body.dataset.ready = "1";
}

function beadKey(b) { return `${b.src.join(",")}|${b.tgt.join(",")}`; }

function applyBeads(reply, verb) {
  const keep = state.current >= 0 && state.data.beads[state.current] ? state.data.beads[state.current] : null;
  state.data.beads = reply.beads;
  state.data.can_undo = reply.can_undo;
  state.revision = reply.revision;
  state.selected.src.clear();
  state.selected.tgt.clear();
  if (keep) {
    const firstSrc = keep.src[0], firstTgt = keep.tgt[0];
    state.current = reply.beads.findIndex((b) => (firstSrc !== undefined && b.src.includes(firstSrc))
      || (firstSrc === undefined && b.tgt.includes(firstTgt)));
  }
  render();
  if (reply.conflict) {
    say(`${verb} done, but this project had changed since this page last saw it (another tab or process);`
      + " your change was applied to the newest version, shown now.", "warn");
  } else {
    say(`${verb} done (revision ${reply.revision}).`, "ok");
  }
}

function render() {
  const box = document.getElementById("beads");
  const data = state.data;
  const keep = FILTERS[state.filter];
  const rows = document.createDocumentFragment();
  const counts = { good: 0, check: 0, bad: 0, unaligned: 0, manual: 0, confirmed: 0 };
  data.beads.forEach((b, k) => {
    counts[b.band] += b.band === "unaligned" ? b.src.length + b.tgt.length : 1;
    if (b.status === "confirmed" || b.status === "linked") counts.confirmed += 1;
    const row = el("div", {
      class: `row bead band-${b.band} status-${b.status}`, "data-k": String(k), "data-band": b.band,
      "data-status": b.status, "data-src": b.src.join(" "), "data-tgt": b.tgt.join(" "),
    });
    if (!keep(b)) row.hidden = true;
    if (k === state.current) row.classList.add("current");
    row.appendChild(side("src", b.src, data.src));
    const mark = el("div", { class: "mark", title: `${b.src.length}-${b.tgt.length} bead, ${b.status}` });
    mark.appendChild(el("span", { class: "band" }, b.band));
    mark.appendChild(el("span", { class: "score" }, b.score === null ? "–" : b.score.toFixed(3)));
    if (b.status !== "auto") mark.appendChild(el("span", { class: "status" }, b.status === "rejected" ? "not a translation" : b.status));
    row.appendChild(mark);
    row.appendChild(side("tgt", b.tgt, data.tgt));
    rows.appendChild(row);
  });
  box.replaceChildren(rows);
  const pairs = data.beads.filter((b) => b.band !== "unaligned").length;
  document.getElementById("counts").textContent = `${pairs} pairs: ${counts.good} good, ${counts.check} check, `
    + `${counts.bad} bad, ${counts.manual} linked by hand; ${counts.unaligned} unaligned sentences; `
    + `${counts.confirmed} confirmed; revision ${state.revision}`;
  document.body.dataset.revision = String(state.revision);
  document.querySelector('[data-action="undo"]').disabled = !data.can_undo;
}

function side(name, indexes, sentences) {
  const cell = el("div", { class: `side ${name}` });
  for (const i of indexes) {
    const s = sentences[i];
    const span = el("span", { class: "sentence", "data-side": name, "data-idx": String(i), tabindex: "-1" }, s.text);
    span.title = `${name} sentence ${i + 1}` + (s.flags.length ? ` (${s.flags.join(", ")})` : "");
    if (state.selected[name].has(i)) span.classList.add("selected");
    cell.appendChild(span);
  }
  return cell;
}

function setCurrent(k, scroll) {
  const old = document.querySelector(".row.current");
  if (old) old.classList.remove("current");
  state.current = k;
  const row = document.querySelector(`.row.bead[data-k="${k}"]`);
  if (row) {
    row.classList.add("current");
    if (scroll) row.scrollIntoView({ block: "nearest" });
  }
}

function move(step) {
  const rows = [...document.querySelectorAll(".row.bead:not([hidden])")];
  if (!rows.length) return;
  const at = rows.findIndex((r) => Number(r.dataset.k) === state.current);
  const next = at < 0 ? (step > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, at + step));
  setCurrent(Number(rows[next].dataset.k), true);
}

function currentBead() {
  const b = state.data.beads[state.current];
  if (!b) throw new Error("choose a bead first (click one of its sentences)");
  return b;
}

async function act(action) {
  if (state.busy) return;
  try {
    state.busy = true;
    let reply;
    const verb = { confirm: "confirm", unlink: "unlink", link: "link", split: "split",
      "not-translation": "not a translation", undo: "undo", realign: "re-align" }[action];
    if (action === "realign") {
      say("re-aligning everything not confirmed…", "busy");
      reply = await call("api/realign", { rev: state.revision });
    } else {
      const body = { action, rev: state.revision };
      if (action === "link") {
        body.src = [...state.selected.src].sort((a, b) => a - b);
        body.tgt = [...state.selected.tgt].sort((a, b) => a - b);
      } else if (action !== "undo") {
        const b = currentBead();
        body.bead = { src: b.src, tgt: b.tgt };
        if (action === "split") {
          const at = (side) => [...state.selected[side]].filter((i) => b[side].includes(i)).sort((x, y) => x - y)[0];
          if (at("src") !== undefined) body.src_at = at("src");
          if (at("tgt") !== undefined) body.tgt_at = at("tgt");
        }
      }
      reply = await call("api/edit", body);
    }
    applyBeads(reply, verb);
    if (action === "link") {
      const made = state.data.beads.findIndex((b) => b.status === "linked" && lastLink && beadKey(b) === lastLink);
      if (made >= 0) setCurrent(made, true);
    }
  } catch (err) {
    if (err.status === 409) {
      await load({ text: `${err.message}: the page now shows the newest version; nothing else was changed.`, kind: "error" });
    } else {
      say(err.message, "error");
    }
  } finally {
    state.busy = false;
  }
}

let lastLink = null;

async function exportAs(format) {
  try {
    say(`exporting ${format.toUpperCase()}…`, "busy");
    const r = await call("api/export", { format });
    say(`wrote ${r.path}: ${r.pairs} pairs in the translation memory, ${r.rows} rows.`, "ok");
  } catch (err) {
    say(err.message, "error");
  }
}

function toggleSentence(node) {
  const name = node.dataset.side, i = Number(node.dataset.idx);
  const set = state.selected[name];
  if (set.has(i)) { set.delete(i); node.classList.remove("selected"); } else { set.add(i); node.classList.add("selected"); }
}

async function poll() {
  if (!state.data || state.busy) return;
  try {
    const r = await call("api/revision");
    if (r.revision !== state.revision && !state.busy) {
      await load({ text: `The project changed in another tab or process (revision ${r.revision}); the page now shows it.`, kind: "warn" });
    }
  } catch (err) {
    say(`the editor's server does not answer (${err.message}); your saved edits are in the project file.`, "error");
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-action]").forEach((b) => b.addEventListener("click", () => {
    if (b.dataset.action === "link") lastLink = selectionKey();
    act(b.dataset.action);
  }));
  document.querySelectorAll("[data-export]").forEach((b) => b.addEventListener("click", () => exportAs(b.dataset.export)));
  document.getElementById("filter").addEventListener("change", (e) => { state.filter = e.target.value; render(); });
  document.getElementById("beads").addEventListener("click", (e) => {
    const row = e.target.closest(".row.bead");
    if (!row) return;
    setCurrent(Number(row.dataset.k), false);
    const sentence = e.target.closest(".sentence");
    if (sentence) toggleSentence(sentence);
  });
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("select, input, textarea")) return;
    const key = e.key;
    if ((e.ctrlKey || e.metaKey) && key.toLowerCase() === "z") { e.preventDefault(); act("undo"); return; }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const keys = { c: "confirm", u: "unlink", s: "split", n: "not-translation", z: "undo", r: "realign" };
    if (keys[key]) { e.preventDefault(); act(keys[key]); }
    else if (key === "l") { e.preventDefault(); lastLink = selectionKey(); act("link"); }
    else if (key === "j" || key === "ArrowDown") { e.preventDefault(); move(1); }
    else if (key === "k" || key === "ArrowUp") { e.preventDefault(); move(-1); }
    else if (key === "Escape") { state.selected.src.clear(); state.selected.tgt.clear(); render(); }
  });
  load().catch((err) => say(`cannot load the alignment: ${err.message}`, "error"));
  setInterval(poll, 3000);
});

function selectionKey() {
  const span = (set) => {
    if (!set.size) return [];
    const sorted = [...set].sort((a, b) => a - b);
    const out = [];
    for (let i = sorted[0]; i <= sorted[sorted.length - 1]; i += 1) out.push(i);
    return out;
  };
  return beadKey({ src: span(state.selected.src), tgt: span(state.selected.tgt) });
}
