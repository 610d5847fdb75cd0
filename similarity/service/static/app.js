// The check page: picks classes by goods words, checks the logo before sending it, posts the form to /v1/check,
// shows the verdict with what it means, and lets a clerk filter, page, export and share the answer.
// Plain DOM, no dependencies, no requests other than this app's own endpoints. Bahasa Indonesia by default.
"use strict";

const STRINGS = {
  id: {
    title: "Cek Kemiripan Merek",
    tagline: "Periksa apakah nama atau logo merek Anda mirip dengan merek yang sudah terdaftar, sebelum mendaftar ke DJKI.",
    disclaimer: "Penyaringan kemiripan, bukan pendapat hukum.",
    name: "Nama merek", namePlaceholder: "mis. Kopi Kenangan",
    classes: "Barang/jasa yang Anda jual (kelas Nice)",
    classHelp: "Ketik barang atau jasa Anda (mis. keripik, hijab, laundry) atau nomor kelas, lalu pilih kelasnya.",
    classFilter: "keripik, hijab, laundry, 43 …", allClasses: "Semua 45 kelas",
    selected: (n) => (n ? `${n} dipilih` : "belum dipilih: dibandingkan dengan semua kelas"),
    remove: "hapus", choose: "pilih", chosen: "dipilih", classWord: "kelas",
    goodsUnknown: (q, s) => `"${q}" tidak ada di daftar barang/jasa.${s ? ` Maksud Anda: ${s}?` : " Pilih kelas dari daftar lengkap."}`,
    goodsTyping: "Pilih kelas yang sesuai dengan barang/jasa Anda:",
    logo: "Logo (opsional)", logoClear: "Hapus logo", logoChoose: "Pilih logo …", noFile: "belum ada file",
    logoHint: "PNG, JPEG, WebP, GIF, BMP, TIFF atau SVG, maks. 5 MB.",
    badType: (name) => `"${name}" bukan logo yang didukung — pilih file PNG, JPEG, WebP, GIF, BMP, TIFF atau SVG.`,
    badImage: (name) => `"${name}" tidak dapat dibuka sebagai gambar — ekspor ulang logonya sebagai PNG atau JPEG.`,
    tooBig: (mb) => `Logo terlalu besar (maks. ${mb} MB) — pilih file yang lebih kecil.`,
    submit: "Periksa", checking: "Memeriksa …",
    risk: "Risiko", matches: "Merek yang mirip", noMatches: "Tidak ada merek yang cukup mirip di registri ini.",
    noFiltered: "Tidak ada merek yang cocok dengan saringan ini.",
    report: "Unduh laporan HTML", reportFile: "laporan-kemiripan-merek.html", csv: "Unduh CSV",
    csvFile: "hasil-kemiripan-merek.csv", share: "Tautan pemeriksaan ini", more: "Tampilkan lebih banyak",
    yourLogo: "Logo Anda", theirLogo: "Logo terdaftar",
    score: "skor", owner: "pemilik", number: "no.", filed: "diajukan", registered: "terdaftar",
    sameBrand: (n) => `+${n} baris lain merek yang sama`,
    filterStatus: "Status", filterClass: "Kelas", sortBy: "Urutkan", all: "semua",
    sorts: { score: "skor tertinggi", date: "tanggal pengajuan" },
    factors: { sight: "Tampilan", sound: "Bunyi", meaning: "Makna", logo: "Logo", goods: "Barang/jasa" },
    risks: { high: "tinggi", medium: "sedang", low: "rendah", clear: "aman" },
    statuses: { registered: "terdaftar", pending: "dalam proses", expired: "kedaluwarsa", refused: "ditolak" },
    notComputed: "— pada faktor: faktor itu tidak dihitung (mis. tidak ada logo untuk dibandingkan).",
    needInput: "Isi nama merek atau pilih logo.",
    failed: "Pemeriksaan gagal", network: "Tidak dapat menghubungi server — coba lagi.",
    switchTo: "English", switchLabel: "Switch to English",
    months: ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"],
  },
  en: {
    title: "Brand Similarity Check",
    tagline: "Check whether your brand name or logo is similar to a registered mark before you file with DJKI.",
    disclaimer: "Similarity screen, not a legal opinion.",
    name: "Brand name", namePlaceholder: "e.g. Kopi Kenangan",
    classes: "Goods/services you sell (Nice classes)",
    classHelp: "Type what you sell (e.g. chips, hijab, laundry) or a class number, then pick its class.",
    classFilter: "keripik, hijab, laundry, 43 …", allClasses: "All 45 classes",
    selected: (n) => (n ? `${n} selected` : "none chosen: compared against all classes"),
    remove: "remove", choose: "choose", chosen: "chosen", classWord: "class",
    goodsUnknown: (q, s) => `"${q}" is not in the goods/services list.${s ? ` Did you mean: ${s}?` : " Pick a class from the full list."}`,
    goodsTyping: "Pick the class that fits what you sell:",
    logo: "Logo (optional)", logoClear: "Remove logo", logoChoose: "Choose a logo …", noFile: "no file chosen",
    logoHint: "PNG, JPEG, WebP, GIF, BMP, TIFF or SVG, up to 5 MB.",
    badType: (name) => `"${name}" is not a supported logo — choose a PNG, JPEG, WebP, GIF, BMP, TIFF or SVG file.`,
    badImage: (name) => `"${name}" cannot be opened as an image — export the logo again as PNG or JPEG.`,
    tooBig: (mb) => `The logo is too large (at most ${mb} MB) — choose a smaller file.`,
    submit: "Check", checking: "Checking …",
    risk: "Risk", matches: "Similar marks", noMatches: "No mark in this registry is similar enough.",
    noFiltered: "No mark matches these filters.",
    report: "Download the HTML report", reportFile: "brand-similarity-report.html", csv: "Download CSV",
    csvFile: "brand-similarity-matches.csv", share: "Link to this check", more: "Show more",
    yourLogo: "Your logo", theirLogo: "Registered logo",
    score: "score", owner: "owner", number: "no.", filed: "filed", registered: "registered",
    sameBrand: (n) => `+${n} more rows of the same brand`,
    filterStatus: "Status", filterClass: "Class", sortBy: "Sort by", all: "all",
    sorts: { score: "highest score", date: "filing date" },
    factors: { sight: "Sight", sound: "Sound", meaning: "Meaning", logo: "Logo", goods: "Goods/services" },
    risks: { high: "high", medium: "medium", low: "low", clear: "clear" },
    statuses: { registered: "registered", pending: "pending", expired: "expired", refused: "refused" },
    notComputed: "— for a factor: that factor was not computed (e.g. no logo to compare).",
    needInput: "Enter a brand name or choose a logo.",
    failed: "The check failed", network: "Cannot reach the server — try again.",
    switchTo: "Bahasa Indonesia", switchLabel: "Ganti ke Bahasa Indonesia",
    months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
  },
};
const FACTORS = ["sight", "sound", "meaning", "logo", "goods"];
const PAGE = 10;
const LOGO_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp", "image/tiff", "image/svg+xml"];
const LOGO_EXT = /\.(png|jpe?g|webp|gif|bmp|tiff?|svg)$/i;
const UNDECODABLE = /\.(tiff?)$/i; // browsers cannot draw TIFF: the server checks it

const config = JSON.parse(document.getElementById("config").textContent);
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
let lang = params.get("lang") || localStorage.getItem("similarity.lang") || "id";
if (!STRINGS[lang]) lang = "id";
let state = null; // {data, matches, hasLogo, form}: the answer being shown
let lastError = null; // {key, args} for a message of the page, {server: true} for the server's
let previewUrl = null;
let logoOk = true;
let registry = null;
let goodsTimer = null;
let goodsSeq = 0;
let goodsResult = null;

function t(key, ...args) {
  const value = STRINGS[lang][key];
  return typeof value === "function" ? value(...args) : value;
}

function el(tag, props = {}, text) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  if (text !== undefined) node.textContent = text;
  return node;
}

function dateText(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value || "");
  return m ? `${Number(m[3])} ${t("months")[Number(m[2]) - 1]} ${m[1]}` : value;
}

// ------------------------------------------------------------------ language
function applyLanguage() {
  document.documentElement.lang = lang;
  document.title = t("title");
  document.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((node) => {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  });
  const button = $("lang-switch");
  button.textContent = t("switchTo");
  button.setAttribute("aria-label", t("switchLabel"));
  document.querySelectorAll("#class-list .class-title").forEach((node) => { node.textContent = node.dataset[lang]; });
  const file = $("logo").files[0];
  $("logo-name").textContent = file ? file.name : t("noFile");
  fillViewControls();
  showChosen();
  showRegistry();
  if ($("class-filter").value.trim()) searchGoods();
  if (lastError && !lastError.server) showError(t(lastError.key, ...lastError.args), lastError);
  if (!$("logo-error").hidden && $("logo").dataset.problem) showLogoError(...JSON.parse($("logo").dataset.problem));
}

function switchLanguage() {
  lang = lang === "id" ? "en" : "id";
  localStorage.setItem("similarity.lang", lang);
  applyLanguage();
  // reasons and server errors come in one language: ask again in the other
  if (state || (lastError && lastError.server)) submitCheck(null, { keepView: true });
}

// ------------------------------------------------------------------ classes: goods words and the full list
function classTitle(number) {
  const row = config.classes.find((c) => c[0] === number);
  return row ? (lang === "en" ? row[2] : row[1]) : "";
}

function buildClassList() {
  const list = $("class-list");
  for (const [number, titleId, titleEn] of config.classes) {
    const label = el("label", { className: "class-item" });
    const box = el("input", { type: "checkbox", name: "classes", value: String(number) });
    const title = el("span", { className: "class-title" }, lang === "en" ? titleEn : titleId);
    title.dataset.id = titleId;
    title.dataset.en = titleEn;
    label.append(box, el("span", { className: "class-no" }, String(number)), title);
    label.dataset.search = `${number} ${titleId} ${titleEn}`.toLowerCase();
    list.append(label);
  }
  list.addEventListener("change", () => { showChosen(); showGoodsHits(); });
  const filter = $("class-filter");
  filter.addEventListener("input", () => {
    filterClassList();
    clearTimeout(goodsTimer);
    goodsTimer = setTimeout(searchGoods, 150);
  });
  filter.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault(); // Enter picks, it does not send the form
    pickFirst();
  });
}

function classBox(number) { return $("class-list").querySelector(`input[value='${number}']`); }

function setClass(number, on) {
  const box = classBox(number);
  if (box) box.checked = on;
  showChosen();
  showGoodsHits();
}

function filterClassList() {
  const q = $("class-filter").value.trim().toLowerCase();
  let shown = 0;
  const items = [...$("class-list").querySelectorAll(".class-item")];
  items.forEach((item) => {
    item.hidden = q !== "" && !item.dataset.search.includes(q);
    if (!item.hidden) shown += 1;
  });
  if (!shown) items.forEach((item) => { item.hidden = false; }); // a goods word no heading holds: the whole list
  if (q && /^\d+$/.test(q)) $("all-classes").open = true;
  return shown;
}

async function searchGoods() {
  const q = $("class-filter").value.trim();
  const seq = ++goodsSeq;
  if (!q || /^\d+$/.test(q)) { $("goods-hits").replaceChildren(); $("goods-status").textContent = ""; return; }
  try {
    const response = await fetch(`/v1/goods?${new URLSearchParams({ q, lang, limit: "4" })}`);
    if (!response.ok || seq !== goodsSeq) return;
    goodsResult = await response.json();
    showGoodsHits();
  } catch (error) { /* the full list still works */ }
}

function showGoodsHits() {
  const list = $("goods-hits");
  list.replaceChildren();
  const q = $("class-filter").value.trim();
  if (!goodsResult || !q || goodsResult.query !== q) { $("goods-status").textContent = ""; return; }
  if (!goodsResult.found) {
    const close = goodsResult.hits.map((h) => h.term).slice(0, 3).join(", ");
    $("goods-status").textContent = t("goodsUnknown", q, close);
  } else {
    $("goods-status").textContent = t("goodsTyping");
  }
  for (const hit of goodsResult.hits) {
    const item = el("li", { className: "goods-hit" });
    item.append(el("span", { className: "goods-term" }, hit.term));
    const options = el("ul", { className: "goods-classes" });
    for (const c of hit.classes) {
      const on = Boolean(classBox(c.number) && classBox(c.number).checked);
      const option = el("li");
      const button = el("button", { type: "button", className: `pick${on ? " on" : ""}` });
      button.dataset.class = String(c.number);
      button.setAttribute("aria-pressed", String(on));
      button.append(el("span", { className: "class-no" }, String(c.number)), el("span", {}, c.why));
      button.addEventListener("click", () => setClass(c.number, !on));
      option.append(button);
      options.append(option);
    }
    item.append(options);
    list.append(item);
  }
}

function pickFirst() {
  const q = $("class-filter").value.trim();
  if (/^\d+$/.test(q) && classBox(Number(q))) { setClass(Number(q), true); return; }
  const first = $("goods-hits").querySelector("button.pick:not(.on)");
  if (first) { setClass(Number(first.dataset.class), true); return; }
  const item = [...$("class-list").querySelectorAll(".class-item")].find((i) => !i.hidden && !i.querySelector("input").checked);
  if (item && q) setClass(Number(item.querySelector("input").value), true);
}

function selectedClasses() {
  return [...document.querySelectorAll("#class-list input:checked")].map((box) => box.value);
}

function showChosen() {
  const chosen = selectedClasses();
  $("class-count").textContent = `(${t("selected", chosen.length)})`;
  const box = $("chosen");
  box.replaceChildren(...chosen.map((number) => {
    const chip = el("button", { type: "button", className: "chip", title: t("remove") });
    chip.append(el("strong", {}, number), el("span", {}, ` ${classTitle(Number(number))} ✕`));
    chip.setAttribute("aria-label", `${t("remove")} ${t("classWord")} ${number}`);
    chip.addEventListener("click", () => setClass(Number(number), false));
    return chip;
  }));
}

// ------------------------------------------------------------------ logo: checked before anything is sent
function onLogoChosen() {
  const file = $("logo").files[0];
  hideLogoError();
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = null;
  $("logo-preview").hidden = true;
  $("logo-preview").removeAttribute("src");
  $("logo-name").textContent = file ? file.name : t("noFile");
  $("logo-clear").hidden = !file;
  logoOk = true;
  if (!file) return;
  if (!LOGO_TYPES.includes(file.type) && !LOGO_EXT.test(file.name)) return rejectLogo("badType", [file.name]);
  if (file.size > config.maxLogoBytes) return rejectLogo("tooBig", [config.maxLogoBytes / 1048576]);
  if (UNDECODABLE.test(file.name) || file.type === "image/tiff") return;
  const url = URL.createObjectURL(file);
  const probe = new Image();
  logoOk = false; // until the browser has drawn it
  probe.onload = () => {
    if ($("logo").files[0] !== file) return URL.revokeObjectURL(url);
    logoOk = true;
    previewUrl = url;
    $("logo-preview").src = url;
    $("logo-preview").hidden = false;
  };
  probe.onerror = () => { URL.revokeObjectURL(url); if ($("logo").files[0] === file) rejectLogo("badImage", [file.name]); };
  probe.src = url;
}

function rejectLogo(key, args) {
  $("logo").value = ""; // nothing unusable is kept or sent
  $("logo-name").textContent = t("noFile");
  $("logo-clear").hidden = true;
  logoOk = true;
  $("logo").dataset.problem = JSON.stringify([key, args]);
  showLogoError(key, args);
}

function showLogoError(key, args) {
  $("logo-error").textContent = t(key, ...args);
  $("logo-error").hidden = false;
}

function hideLogoError() { $("logo-error").hidden = true; delete $("logo").dataset.problem; }

function clearLogo() {
  $("logo").value = "";
  onLogoChosen();
}

// ------------------------------------------------------------------ check
function viewParams() {
  return { status: $("filter-status").value, filterClass: $("filter-class").value, sort: $("sort").value };
}

function checkForm(offset = 0, top = PAGE) {
  const body = new FormData();
  const name = $("name").value.trim();
  const file = $("logo").files[0];
  if (name) body.append("name", name);
  const classes = selectedClasses();
  if (classes.length) body.append("classes", classes.join(","));
  if (file) body.append("logo", file);
  const view = viewParams();
  if (view.status) body.append("status", view.status);
  if (view.filterClass) body.append("filter_class", view.filterClass);
  if (view.sort && view.sort !== "score") body.append("sort", view.sort);
  body.append("offset", String(offset));
  body.append("top", String(top));
  body.append("lang", lang);
  return body;
}

async function submitCheck(event, options = {}) {
  if (event) event.preventDefault();
  hideError();
  if (!options.keepView) resetView();
  $("result").hidden = true; // the old answer never stands under a new check or an error
  state = null;
  const name = $("name").value.trim();
  const file = $("logo").files[0];
  if (!name && !file) return showError(t("needInput"), { key: "needInput", args: [] });
  if (!logoOk) return; // the logo is still being read, or was refused with its message
  const button = $("submit");
  button.disabled = true;
  button.textContent = t("checking");
  try {
    const form = checkForm();
    const response = await fetch("/v1/check", { method: "POST", body: form });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) return showError(`${t("failed")}: ${describeError(data)}`, { server: true });
    state = { data, matches: data.matches, hasLogo: Boolean(file) };
    renderResult();
    rememberInAddress();
    $("verdict").scrollIntoView({ behavior: "smooth", block: "start" });
    $("verdict").focus({ preventScroll: true });
  } catch (error) {
    showError(t("network"), { key: "network", args: [] });
  } finally {
    button.disabled = false;
    button.textContent = t("submit");
  }
}

async function loadMore() {
  if (!state) return;
  const button = $("more");
  button.disabled = true;
  try {
    const response = await fetch("/v1/check", { method: "POST", body: checkForm(state.matches.length) });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) return showError(`${t("failed")}: ${describeError(data)}`, { server: true });
    state.matches = state.matches.concat(data.matches);
    state.data.paging = data.paging;
    renderMatches();
  } catch (error) {
    showError(t("network"), { key: "network", args: [] });
  } finally {
    button.disabled = false;
  }
}

function describeError(data) {
  const detail = data && data.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("; ");
  return (data && data.error) || "?";
}

function showError(message, source) {
  lastError = source || null;
  const box = $("error");
  box.textContent = message;
  box.hidden = false;
  $("result").hidden = true;
  box.scrollIntoView({ behavior: "smooth", block: "center" });
}

function hideError() { $("error").hidden = true; lastError = null; }

// ------------------------------------------------------------------ result
function renderResult() {
  const { data } = state;
  const verdict = data.verdict;
  $("result").hidden = false;
  const badge = $("verdict-label");
  badge.textContent = t("risks")[verdict.risk] || verdict.label;
  badge.className = `badge risk-${verdict.risk}`;
  $("verdict-score").textContent = data.matches.length ? `${t("score")} ${Math.round(verdict.score * 100)}%` : "";
  $("verdict-meaning").textContent = verdict.meaning || "";
  $("verdict-next").textContent = verdict.next_step || "";
  fillList($("verdict-reasons"), verdict.reasons);
  fillList($("verdict-notes"), verdict.notes);
  $("report-link").hidden = !config.report;
  if (data.registry) registry = { ...(registry || {}), fromCheck: data.registry };
  showRegistry();
  fillClassFilter();
  renderMatches();
}

function renderMatches() {
  const list = $("matches");
  const matches = state.matches;
  list.replaceChildren();
  const paging = state.data.paging || {};
  const total = paging.total === null || paging.total === undefined ? "" : ` / ${paging.total}`;
  $("match-count").textContent = matches.length ? `(${matches.length}${total})` : "";
  const filtered = Boolean(viewParams().status || viewParams().filterClass);
  $("no-matches").textContent = filtered ? t("noFiltered") : t("noMatches");
  $("no-matches").hidden = matches.length > 0;
  $("csv-link").hidden = matches.length === 0;
  const template = $("match-template");
  matches.forEach((match) => list.append(renderMatch(template, match)));
  $("more").hidden = !paging.more;
  const legend = [t("notComputed")];
  if (matches.some((m) => !m.mark.classes.length)) legend.push(config.text[lang].unknownClasses);
  $("legend").textContent = legend.join(" ");
}

function fillList(list, items) {
  list.replaceChildren(...items.map((text) => el("li", {}, text)));
}

function renderMatch(template, match) {
  const node = template.content.firstElementChild.cloneNode(true);
  const mark = match.mark;
  node.querySelector(".mark-name").textContent = mark.name;
  const risk = node.querySelector(".mark-risk");
  risk.textContent = t("risks")[match.risk];
  risk.classList.add(`risk-${match.risk}`);
  node.querySelector(".mark-score").textContent = `${Math.round(match.score * 100)}%`;
  node.querySelector(".mark-id").textContent = mark.id;
  const meta = [];
  meta.push(`${t("classWord")} ${mark.classes.length ? mark.classes.join(", ") : "—"}`);
  meta.push(t("statuses")[mark.status] || mark.status);
  if (mark.number && mark.number !== mark.id) meta.push(`${t("number")} ${mark.number}`);
  if (mark.filed) meta.push(`${t("filed")} ${dateText(mark.filed)}`);
  if (mark.registered) meta.push(`${t("registered")} ${dateText(mark.registered)}`);
  if (mark.owner) meta.push(`${t("owner")}: ${mark.owner}`);
  if (match.same_brand && match.same_brand.length) meta.push(t("sameBrand", match.same_brand.length));
  node.querySelector(".mark-meta").textContent = meta.join(" · ");

  const logos = node.querySelector(".logos");
  if (mark.logo) {
    if (state.hasLogo && previewUrl) logos.append(figure(previewUrl, t("yourLogo")));
    logos.append(figure(`/v1/marks/${encodeURIComponent(mark.id)}/logo.png`, t("theirLogo")));
  } else {
    logos.remove();
  }

  const factors = node.querySelector(".factors");
  for (const name of FACTORS) {
    // a mark without a logo has no logo similarity, whatever number came with it
    const value = name === "logo" && !mark.logo ? null : match.factors[name];
    const row = el("div", { className: "factor" });
    const bar = el("span", { className: "bar" });
    const fill = el("span", { className: "fill" });
    if (value === null || value === undefined) row.classList.add("absent");
    else fill.style.width = `${Math.round(value * 100)}%`;
    bar.append(fill);
    row.append(el("span", { className: "factor-name" }, t("factors")[name]), bar,
      el("span", { className: "factor-value" }, value === null || value === undefined ? "—" : `${Math.round(value * 100)}%`));
    factors.append(row);
  }
  const reasons = match.reasons_detail.map((r) => (lang === "en" ? r.text_en ?? r.en : r.text_id ?? r.id));
  fillList(node.querySelector(".reasons"), reasons);
  return node;
}

function figure(src, caption) {
  const fig = el("figure", { className: "logo-fig" });
  const img = el("img", { src, alt: caption, className: "thumb", loading: "lazy" });
  img.addEventListener("error", () => fig.remove());
  fig.append(img, el("figcaption", {}, caption));
  return fig;
}

// ------------------------------------------------------------------ filters, sort, share
function option(value, text) { return el("option", { value }, text); }

function fillViewControls() {
  const status = $("filter-status").value;
  $("filter-status").replaceChildren(option("", t("all")),
    ...Object.entries(t("statuses")).map(([value, text]) => option(value, text)));
  $("filter-status").value = status;
  const sort = $("sort").value || "score";
  $("sort").replaceChildren(...Object.entries(t("sorts")).map(([value, text]) => option(value, text)));
  $("sort").value = sort;
  fillClassFilter();
}

function fillClassFilter() {
  const current = $("filter-class").value;
  const numbers = new Set(selectedClasses().map(Number));
  if (state) state.matches.forEach((m) => m.mark.classes.forEach((c) => numbers.add(c)));
  if (current) numbers.add(Number(current));
  $("filter-class").replaceChildren(option("", t("all")),
    ...[...numbers].sort((a, b) => a - b).map((n) => option(String(n), `${n} ${classTitle(n)}`)));
  $("filter-class").value = current;
}

function resetView() {
  $("filter-status").value = "";
  $("filter-class").value = "";
  $("sort").value = "score";
}

function onViewChange() { if (state) submitCheck(null, { keepView: true }); }

function shareUrl() {
  const query = new URLSearchParams();
  const name = $("name").value.trim();
  if (name) query.set("name", name);
  selectedClasses().forEach((c) => query.append("class", c));
  query.set("lang", lang);
  return `${location.pathname}?${query}`;
}

function rememberInAddress() {
  const url = shareUrl();
  history.replaceState(null, "", url);
  $("share-link").href = url;
}

function restoreFromAddress() {
  const name = params.get("name");
  params.getAll("class").forEach((c) => { const box = classBox(Number(c)); if (box) box.checked = true; });
  showChosen();
  if (name) {
    $("name").value = name;
    submitCheck(null);
  }
}

// ------------------------------------------------------------------ downloads
async function download(path, body, filename, button) {
  hideError();
  button.disabled = true;
  try {
    const response = await fetch(path, { method: "POST", body });
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      return showError(`${t("failed")}: ${describeError(data)}`, { server: true });
    }
    const url = URL.createObjectURL(await response.blob());
    const save = el("a", { href: url, download: filename });
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    showError(t("network"), { key: "network", args: [] });
  } finally {
    button.disabled = false;
  }
}

function downloadReport() { if (state) download("/v1/report", checkForm(), t("reportFile"), $("report-link")); }

function downloadCsv() {
  // every match shown, in the order shown
  if (state) download("/v1/export.csv", checkForm(0, Math.max(1, state.matches.length)), t("csvFile"), $("csv-link"));
}

// ------------------------------------------------------------------ registry info
async function loadRegistry() {
  try {
    const response = await fetch("/v1/index");
    if (response.ok) registry = { ...(await response.json()), ...(registry || {}) };
  } catch (error) { /* the footer stays empty */ }
  showRegistry();
}

function showRegistry() {
  if (!registry) return;
  const label = (registry.label && registry.label[lang]) || (registry.fromCheck && registry.fromCheck.label);
  $("registry-info").textContent = label || "";
  const demo = Boolean(registry.demo || (registry.fromCheck && registry.fromCheck.demo));
  $("demo-notice").hidden = !demo;
  $("demo-notice").textContent = config.text[lang].demo;
}

// ------------------------------------------------------------------ start
buildClassList();
fillViewControls();
$("version").textContent = config.version;
$("logo").addEventListener("change", onLogoChosen);
$("logo-clear").addEventListener("click", clearLogo);
$("check-form").addEventListener("submit", submitCheck);
$("lang-switch").addEventListener("click", switchLanguage);
$("report-link").addEventListener("click", downloadReport);
$("csv-link").addEventListener("click", downloadCsv);
$("more").addEventListener("click", loadMore);
["filter-status", "filter-class", "sort"].forEach((id) => $(id).addEventListener("change", onViewChange));
applyLanguage();
loadRegistry();
restoreFromAddress();
