// The check page: builds the class list, previews the logo, posts the form to /v1/check and shows the answer.
// Plain DOM, no dependencies, no requests other than this app's own endpoints. Bahasa Indonesia by default.
"use strict";

const STRINGS = {
  id: {
    title: "Cek Kemiripan Merek",
    tagline: "Periksa apakah nama atau logo merek Anda mirip dengan merek yang sudah terdaftar, sebelum mendaftar ke DJKI.",
    disclaimer: "Penyaringan kemiripan, bukan pendapat hukum.",
    name: "Nama merek", namePlaceholder: "mis. Kopi Kenangan",
    classes: "Kelas Nice (barang/jasa)", classFilter: "Cari kelas: kopi, pakaian, 43 …",
    selected: (n) => (n ? `${n} dipilih` : "semua kelas"),
    logo: "Logo (opsional)", logoClear: "Hapus logo", logoChoose: "Pilih logo …", noFile: "belum ada file",
    logoHint: "PNG, JPEG, WebP, GIF, BMP, TIFF atau SVG, maks. 5 MB.",
    submit: "Periksa", checking: "Memeriksa …",
    risk: "Risiko", matches: "Merek yang mirip", noMatches: "Tidak ada merek yang cukup mirip di registri ini.",
    report: "Unduh laporan HTML", reportFile: "laporan-kemiripan-merek.html", yourLogo: "Logo Anda", theirLogo: "Logo terdaftar",
    score: "skor", classWord: "kelas", owner: "pemilik", number: "no.",
    factors: { sight: "Tampilan", sound: "Bunyi", meaning: "Makna", logo: "Logo", goods: "Barang/jasa" },
    risks: { high: "tinggi", medium: "sedang", low: "rendah", clear: "aman" },
    statuses: { registered: "terdaftar", pending: "dalam proses", expired: "kedaluwarsa", refused: "ditolak" },
    needInput: "Isi nama merek atau pilih logo.",
    tooBig: (mb) => `Logo terlalu besar (maks. ${mb} MB).`,
    failed: "Pemeriksaan gagal", network: "Tidak dapat menghubungi server — coba lagi.",
    registry: (n, d) => `Registri: ${n.toLocaleString("id-ID")} merek${d ? `, dibangun ${d}` : ""}.`,
    switchTo: "English", switchLabel: "Switch to English",
  },
  en: {
    title: "Brand Similarity Check",
    tagline: "Check whether your brand name or logo is similar to a registered mark before you file with DJKI.",
    disclaimer: "Similarity screen, not a legal opinion.",
    name: "Brand name", namePlaceholder: "e.g. Kopi Kenangan",
    classes: "Nice classes (goods/services)", classFilter: "Find a class: coffee, clothing, 43 …",
    selected: (n) => (n ? `${n} selected` : "all classes"),
    logo: "Logo (optional)", logoClear: "Remove logo", logoChoose: "Choose a logo …", noFile: "no file chosen",
    logoHint: "PNG, JPEG, WebP, GIF, BMP, TIFF or SVG, up to 5 MB.",
    submit: "Check", checking: "Checking …",
    risk: "Risk", matches: "Similar marks", noMatches: "No mark in this registry is similar enough.",
    report: "Download the HTML report", reportFile: "brand-similarity-report.html", yourLogo: "Your logo", theirLogo: "Registered logo",
    score: "score", classWord: "class", owner: "owner", number: "no.",
    factors: { sight: "Sight", sound: "Sound", meaning: "Meaning", logo: "Logo", goods: "Goods/services" },
    risks: { high: "high", medium: "medium", low: "low", clear: "clear" },
    statuses: { registered: "registered", pending: "pending", expired: "expired", refused: "refused" },
    needInput: "Enter a brand name or choose a logo.",
    tooBig: (mb) => `The logo is too large (at most ${mb} MB).`,
    failed: "The check failed", network: "Cannot reach the server — try again.",
    registry: (n, d) => `Registry: ${n.toLocaleString("en-US")} marks${d ? `, built ${d}` : ""}.`,
    switchTo: "Bahasa Indonesia", switchLabel: "Ganti ke Bahasa Indonesia",
  },
};
const FACTORS = ["sight", "sound", "meaning", "logo", "goods"];

const config = JSON.parse(document.getElementById("config").textContent);
const $ = (id) => document.getElementById(id);
let lang = new URLSearchParams(location.search).get("lang") || localStorage.getItem("similarity.lang") || "id";
if (!STRINGS[lang]) lang = "id";
let lastResult = null;
let lastForm = null;
let previewUrl = null;
let registry = null;

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
  document.querySelectorAll("#class-list .class-title").forEach((node) => {
    node.textContent = node.dataset[lang];
  });
  updateClassCount();
  showRegistry();
  const file = $("logo").files[0];
  $("logo-name").textContent = file ? file.name : t("noFile");
}

// ------------------------------------------------------------------ classes
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
  list.addEventListener("change", updateClassCount);
  $("class-filter").addEventListener("input", (event) => {
    const q = event.target.value.trim().toLowerCase();
    list.querySelectorAll(".class-item").forEach((item) => {
      item.hidden = q !== "" && !item.dataset.search.includes(q) && !item.querySelector("input").checked;
    });
  });
}

function selectedClasses() {
  return [...document.querySelectorAll("#class-list input:checked")].map((box) => box.value);
}

function updateClassCount() {
  $("class-count").textContent = `(${t("selected", selectedClasses().length)})`;
}

// ------------------------------------------------------------------ logo preview
function onLogoChosen() {
  const file = $("logo").files[0];
  $("logo-name").textContent = file ? file.name : t("noFile");
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = file ? URL.createObjectURL(file) : null;
  $("logo-preview").hidden = !file;
  $("logo-clear").hidden = !file;
  if (file) $("logo-preview").src = previewUrl;
}

function clearLogo() {
  $("logo").value = "";
  onLogoChosen();
}

// ------------------------------------------------------------------ check
async function submitCheck(event) {
  if (event) event.preventDefault();
  hideError();
  const name = $("name").value.trim();
  const file = $("logo").files[0];
  if (!name && !file) return showError(t("needInput"));
  if (file && file.size > config.maxLogoBytes) return showError(t("tooBig", config.maxLogoBytes / 1048576));
  const body = new FormData();
  if (name) body.append("name", name);
  const classes = selectedClasses();
  if (classes.length) body.append("classes", classes.join(","));
  if (file) body.append("logo", file);
  body.append("lang", lang);
  const button = $("submit");
  button.disabled = true;
  button.textContent = t("checking");
  try {
    const response = await fetch("/v1/check", { method: "POST", body });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) return showError(`${t("failed")}: ${describeError(data)}`);
    lastResult = { data, hasLogo: Boolean(file), lang };
    lastForm = body;
    renderResult();
  } catch (error) {
    showError(t("network"));
  } finally {
    button.disabled = false;
    button.textContent = t("submit");
  }
}

function describeError(data) {
  const detail = data && data.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("; ");
  return (data && data.error) || "?";
}

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = false;
}

function hideError() { $("error").hidden = true; }

// ------------------------------------------------------------------ result
function renderResult() {
  const { data, hasLogo } = lastResult;
  const verdict = data.verdict;
  $("result").hidden = false;
  const badge = $("verdict-label");
  badge.textContent = t("risks")[verdict.risk] || verdict.label;
  badge.className = `badge risk-${verdict.risk}`;
  $("verdict-score").textContent = `${t("score")} ${Math.round(verdict.score * 100)}%`;
  fillList($("verdict-reasons"), verdict.reasons);
  fillList($("verdict-notes"), verdict.notes);
  $("report-link").hidden = !config.report;

  const list = $("matches");
  list.replaceChildren();
  $("match-count").textContent = data.matches.length ? `(${data.matches.length})` : "";
  $("no-matches").hidden = data.matches.length > 0;
  const template = $("match-template");
  for (const match of data.matches) list.append(renderMatch(template, match, hasLogo));
}

function fillList(list, items) {
  list.replaceChildren(...items.map((text) => el("li", {}, text)));
}

function renderMatch(template, match, hasLogo) {
  const node = template.content.firstElementChild.cloneNode(true);
  const mark = match.mark;
  node.querySelector(".mark-name").textContent = mark.name;
  const risk = node.querySelector(".mark-risk");
  risk.textContent = t("risks")[match.risk];
  risk.classList.add(`risk-${match.risk}`);
  node.querySelector(".mark-score").textContent = `${Math.round(match.score * 100)}%`;
  const meta = [];
  if (mark.owner) meta.push(`${t("owner")}: ${mark.owner}`);
  if (mark.classes.length) meta.push(`${t("classWord")} ${mark.classes.join(", ")}`);
  meta.push(t("statuses")[mark.status] || mark.status);
  if (mark.number) meta.push(`${t("number")} ${mark.number}`);
  node.querySelector(".mark-meta").textContent = meta.join(" · ");

  const logos = node.querySelector(".logos");
  if (mark.logo) {
    if (hasLogo && previewUrl) logos.append(figure(previewUrl, t("yourLogo")));
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
  const reasons = match.reasons_detail.map((r) => (lang === "en" ? r.en : r.id));
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

// ------------------------------------------------------------------ report
async function downloadReport() {
  if (!lastForm) return;
  hideError();
  const link = $("report-link");
  link.disabled = true;
  try {
    const response = await fetch("/v1/report", { method: "POST", body: lastForm });
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      return showError(`${t("failed")}: ${describeError(data)}`);
    }
    const url = URL.createObjectURL(await response.blob());
    const save = el("a", { href: url, download: t("reportFile") });
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    showError(t("network"));
  } finally {
    link.disabled = false;
  }
}

// ------------------------------------------------------------------ registry info
async function loadRegistry() {
  try {
    const response = await fetch("/v1/index");
    if (response.ok) registry = await response.json();
  } catch (error) { registry = null; }
  showRegistry();
}

function showRegistry() {
  if (!registry) return;
  $("registry-info").textContent = t("registry", registry.marks, (registry.built_at || "").slice(0, 10));
}

// ------------------------------------------------------------------ start
function switchLanguage() {
  lang = lang === "id" ? "en" : "id";
  localStorage.setItem("similarity.lang", lang);
  applyLanguage();
  // verdict reasons come from the server in one language: ask again in the other
  if (lastResult) submitCheck();
}

buildClassList();
$("version").textContent = config.version;
$("logo").addEventListener("change", onLogoChosen);
$("logo-clear").addEventListener("click", clearLogo);
$("check-form").addEventListener("submit", submitCheck);
$("lang-switch").addEventListener("click", switchLanguage);
$("report-link").addEventListener("click", downloadReport);
applyLanguage();
loadRegistry();
