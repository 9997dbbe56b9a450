// The dashboard: talks only to the admin API and its event stream. No build step, no dependencies.
// Everything the server sends is shown through textContent, never parsed as HTML.
"use strict";

const ADMIN = location.pathname.replace(/\/ui\/?[^/]*$/, "");
const TOKEN_KEY = "mockserver-admin-token";
const NEEDS_TOKEN = document.querySelector('meta[name="mockserver-admin-auth"]').content === "token";
const MAX_ROWS = 500;
const state = { entries: new Map(), arrived: null, providers: [], views: {}, clock: null, filter: {}, live: false, listening: false };

// -- helpers -----------------------------------------------------------------------------------

const $ = (selector, root = document) => root.querySelector(selector);
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith("data-") || key.startsWith("aria-") || !(key in node)) node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children.filter((child) => child !== null && child !== undefined).map(
    (child) => (child instanceof Node ? child : String(child))));
  return node;
}
const svg = (tag, attrs = {}, ...children) => {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
};
const time = (ms) => new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
const json = (value) => JSON.stringify(value, null, 2);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function table(columns, rows, empty) {
  if (!rows.length) return el("p", { className: "empty" }, empty);
  const head = el("tr", {}, ...columns.map(([title]) => el("th", { scope: "col" }, title)));
  const body = rows.map((row) => el("tr", { "data-id": row.id ?? row.request_id ?? "" },
    ...columns.map(([, cell]) => el("td", {}, cell(row) ?? "—"))));
  return el("table", {}, el("thead", {}, head), el("tbody", {}, ...body));
}

function notice(message) {
  const box = $("#notice");
  box.hidden = !message;
  box.textContent = message || "";
}

// -- the admin API -----------------------------------------------------------------------------

function headers(extra = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}

async function api(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }) };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  const response = await fetch(ADMIN + path, init);
  const data = await response.json().catch(() => null);
  if (response.status === 401) {
    askForToken();
    throw new Error("The admin token was missing or refused.");
  }
  if (!response.ok) throw new Error(data && data.message ? `${data.error}: ${data.message}` : `HTTP ${response.status}`);
  return data;
}

async function act(work) {
  try {
    const result = await work();
    notice("");
    return result;
  } catch (error) {
    notice(error.message);
    return null;
  }
}

function askForToken(why) {
  sessionStorage.removeItem(TOKEN_KEY);
  $("#login").hidden = false;
  for (const view of document.querySelectorAll(".view")) view.hidden = true;
  if (why) notice(why);
  $("#token").focus();
}

// -- live stream: fetch() rather than EventSource, so the token goes in a header, never in a URL ----

// A browser keeps at most six connections per server for all its tabs: a hidden or closed tab gives its stream up.
let stopStream = () => {};
const visible = () => (document.hidden ? new Promise((resolve) => document.addEventListener("visibilitychange", resolve, { once: true })) : null);

async function listen() {
  state.listening = true;
  for (;;) {
    await visible();
    try {
      const controller = new AbortController();
      stopStream = () => controller.abort();
      const response = await fetch(`${ADMIN}/events`, { headers: headers({ Accept: "text/event-stream" }), signal: controller.signal });
      if (response.status === 401) {
        state.listening = false;
        return askForToken("The admin token was missing or refused.");
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        for (let cut = buffer.indexOf("\n\n"); cut >= 0; cut = buffer.indexOf("\n\n")) {
          onFrame(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch (error) { /* the server went away: say so, then try again */ }
    setLive(false);
    await sleep(2000);
  }
}

function onFrame(frame) {
  let kind = "message", data = "";
  for (const line of frame.split("\n")) {
    if (line.startsWith("event: ")) kind = line.slice(7);
    else if (line.startsWith("data: ")) data += line.slice(6);
  }
  if (!data) return;
  const payload = JSON.parse(data);
  if (kind === "ready") { setLive(true); loadJournal(); }
  else if (kind === "request") { addEntry(payload); refreshSoon(); }
  else if (kind === "lost") loadJournal();
  else if (kind === "admin") {
    if (/\/(journal|reset|state)$/.test(payload.path)) loadJournal();
    refreshSoon();
  }
}

function setLive(live) {
  state.live = live;
  renderSummary();
}

// -- traffic -------------------------------------------------------------------------------------

async function loadJournal() {
  state.arrived = [];  // what the stream brings meanwhile is merged in, not lost
  const data = await act(() => api("GET", `/journal?limit=${MAX_ROWS}`));
  const arrived = state.arrived || [];
  state.arrived = null;
  if (!data) return;
  const merged = [...data.entries, ...arrived].sort((a, b) => a.seq - b.seq).slice(-MAX_ROWS);
  state.entries = new Map(merged.map((entry) => [entry.seq, entry]));
  renderTraffic();
}

function addEntry(entry) {
  if (state.arrived) state.arrived.push(entry);
  if (state.entries.has(entry.seq)) return;
  state.entries.set(entry.seq, entry);
  if (state.entries.size > MAX_ROWS) state.entries.delete(state.entries.keys().next().value);
  if (!matches(entry)) return renderCount();
  const rows = $("#traffic-rows");
  rows.prepend(trafficRow(entry));
  while (rows.children.length > MAX_ROWS) rows.lastChild.remove();
  renderCount();
}

function matches(entry) {
  const { provider, status, path } = state.filter;
  if (provider && entry.provider !== provider) return false;
  const code = entry.status === null ? "dropped" : String(entry.status);
  if (status && (/^\dxx$/i.test(status) ? code[0] !== status[0] : code !== status)) return false;
  if (!path) return true;
  if (!path.includes("*")) return entry.path.includes(path);
  const pattern = path.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${pattern}$`).test(entry.path);
}

function trafficRow(entry) {
  const open = el("button", { type: "button", className: "link", onclick: () => showDetail(entry.seq) }, entry.path);
  const status = entry.status === null ? "dropped" : entry.status;
  return el("tr", { "data-seq": entry.seq },
    el("td", {}, entry.seq), el("td", {}, time(entry.at_ms)), el("td", {}, entry.provider ?? "none"),
    el("td", {}, entry.method), el("td", {}, open),
    el("td", { className: `status s${String(status)[0]}` }, status), el("td", {}, entry.fault ?? "—"));
}

function renderTraffic() {
  const shown = [...state.entries.values()].filter(matches).reverse();
  $("#traffic-rows").replaceChildren(...shown.map(trafficRow));
  renderCount();
}

function renderCount() {
  const shown = $("#traffic-rows").children.length;
  $("#traffic-count").textContent = `${shown} of the ${state.entries.size} latest requests shown.`;
}

function pairs(mapping) {
  const names = Object.keys(mapping || {});
  if (!names.length) return el("p", { className: "empty" }, "none");
  return el("dl", { className: "pairs" }, ...names.flatMap((name) => [el("dt", {}, name), el("dd", {}, mapping[name].join(", "))]));
}

const ruleText = (rule) => `${rule.id}: ${rule.kind === "status" ? `answer ${rule.status}` : rule.kind}` +
  `${rule.latency_ms ? ` after ${rule.latency_ms} ms` : ""} for ${rule.method ?? "any method"} ` +
  `${rule.provider ?? "any provider"} ${rule.path ?? "*"}, ${rule.remaining ?? "unlimited"} left`;

function bodyBlock(body, note) {
  if (body === null || body === undefined) return el("p", { className: "empty" }, "no body");
  return el("pre", {}, (typeof body === "string" ? body : json(body)) + (note || ""));
}

async function showDetail(seq) {
  const entry = await act(() => api("GET", `/journal/${seq}`));
  if (!entry) return;
  const answer = entry.answer;
  const replay = entry.replay;
  const copy = navigator.clipboard ? el("button", { type: "button", onclick: () => navigator.clipboard.writeText(replay.command) }, "Copy") : null;
  $("#detail-h").textContent = `Request #${entry.seq}: ${entry.method} ${entry.path}`;
  $("#detail-body").replaceChildren(
    el("p", {}, `${time(entry.at_ms)} · ${entry.provider ?? "no provider"} · answered ${entry.status ?? "nothing (connection dropped)"}`),
    el("h4", {}, "Query"), pairs(entry.query),
    el("h4", {}, "Request headers (secrets masked)"), pairs(entry.headers),
    el("h4", {}, "Request body"), bodyBlock(entry.body),
    el("h4", {}, `Answer: ${answer.status ?? "none"}`), pairs(answer.headers),
    bodyBlock(answer.body, answer.truncated ? `\n… (${answer.size} bytes in all; the journal keeps the start)` : ""),
    el("h4", {}, "Fault rule that fired"),
    el("p", {}, entry.fault_rule ? `${ruleText(entry.fault_rule)}; it had fired ${entry.fault_rule.fired} time(s)` : "none"),
    el("h4", {}, "Replay with curl"),
    replay.variables.length ? el("p", {}, `Set ${replay.variables.map((v) => "$" + v).join(", ")} to the real credentials first.`) : null,
    el("pre", { className: "command" }, replay.command), copy);
  $("#detail").hidden = false;
  $("#detail-h").focus();
}

// -- clock ---------------------------------------------------------------------------------------

function eventList(target, events, omitted, empty) {
  const items = events.map((event) => el("li", {}, `${event.at} · ${event.provider} · ${event.what}`));
  if (omitted) items.push(el("li", {}, `… and ${omitted} more`));
  $(target).replaceChildren(...(items.length ? items : [el("li", { className: "empty" }, empty)]));
}

async function loadClock() {
  const [clock, upcoming] = await Promise.all([api("GET", "/clock"), api("GET", "/clock/upcoming?within=1h&limit=50")]);
  state.clock = { ...clock, readAt: Date.now() };
  renderClock();
  eventList("#upcoming", upcoming.events, upcoming.omitted, "Nothing is due in the next hour.");
}

function renderClock() {
  const clock = state.clock;
  if (!clock) return;
  const now = clock.mode === "frozen" ? clock.now_ms : clock.now_ms + Date.now() - clock.readAt;
  $("#clock-mode").textContent = { frozen: "frozen (moves only when told)", offset: "running, shifted", system: "running (real time)" }[clock.mode];
  $("#clock-now").textContent = new Date(now).toISOString();
  $("#clock-offset").textContent = `${clock.offset_ms} ms`;
  renderSummary();
}

async function moveClock(path, body) {
  const moved = await act(() => api("POST", `/clock/${path}`, body));
  if (!moved) return;
  $("#fell-due-note").textContent = `Moved to ${moved.now}; ${moved.ran} scheduled job(s) ran.`;
  eventList("#fell-due", moved.fell_due, moved.fell_due_omitted, "Nothing fell due.");
  await refresh();
}

// -- asynchronous work and usage -------------------------------------------------------------------

const view = (provider, name) => (state.views[provider] || []).includes(name) ? api("GET", `/providers/${provider}/${name}`) : null;
const short = (id) => (id.length > 14 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id);

async function loadWork() {
  const [tasks, jobs, callbacks] = await Promise.all([view("outx", "tasks"), view("nyne", "jobs"), view("nyne", "callbacks")]);
  $("#tasks").replaceChildren(!tasks ? el("p", {}, "OutX is not served here.") : table([
    ["Task", (t) => el("code", { title: t.id }, short(t.id))], ["Team", (t) => t.team_id], ["Post", (t) => t.social_urn],
    ["Status", (t) => t.status + (t.error ? `: ${t.error}` : "")], ["Accepted", (t) => time(t.submitted_ms)],
    ["Ends", (t) => time(t.completes_ms)],
  ], tasks.tasks, "No agent tasks yet: POST /linkedin-agent/like-post creates one."));
  $("#jobs").replaceChildren(!jobs ? el("p", {}, "Nyne.ai is not served here.") : table([
    ["Request", (j) => el("code", { title: j.request_id }, short(j.request_id))], ["Key", (j) => j.credential_id],
    ["Lookup", (j) => `${j.type} of ${j.target}`], ["Status", (j) => j.status + (j.error ? `: ${j.error}` : "")],
    ["Ends", (j) => time(j.completes_ms)],
    ["Credits", (j) => (j.credits === null ? "—" : `${j.credits}${j.credits_settled ? "" : " (when it completes)"}`)],
    ["Callback", (j) => (j.callback ? `${j.callback.id}: ${j.callback.state}` : "none")],
  ], jobs.jobs, "No lookups yet: POST /person/interactions submits one."));
  $("#callbacks").replaceChildren(!callbacks ? "" : table([
    ["Delivery", (d) => d.id], ["URL", (d) => d.url], ["State", (d) => d.state],
    ["Attempts", (d) => (d.attempts.length ? el("ol", {}, ...d.attempts.map((a) => el("li", {},
      `${time(a.attempted_ms)}: ${a.status ?? a.error}${a.acknowledged ? " (acknowledged)" : ""}`))) : "none yet")],
    ["Next attempt", (d) => (d.next_due_ms === null ? "none" : time(d.next_due_ms))],
  ], callbacks, "No callbacks: give a callback_url when submitting a lookup."));
}

function usageCard(account) {
  const rows = Object.entries(account.actions).map(([kind, use]) => el("tr", {},
    el("th", { scope: "row" }, kind.replace("_", " ")),
    el("td", {}, el("meter", { min: 0, max: Math.max(use.limit, 1), value: use.performed, "aria-label": `${kind}: ${use.performed} of ${use.limit}` })),
    el("td", {}, `${use.performed} of ${use.limit} (${use.remaining} left)`)));
  return el("article", { className: "card", "data-id": account.account_id },
    el("h4", {}, `${account.account_id} · ${account.status}`),
    el("p", {}, `${account.workspace_name}; next action ${account.next_action_at ?? "none"}; resets ${account.resets_at}`),
    el("table", { className: "usage" }, el("tbody", {}, ...rows)));
}

function graphCard(watchlist) {
  const days = watchlist.graph_data;
  const top = Math.max(1, ...days.flatMap((d) => [d.like_count, d.comment_count]));
  const chart = svg("svg", { viewBox: "0 0 280 130", role: "img", "aria-label": `Likes and comments per day on ${watchlist.name}` },
    svg("defs", {}, svg("pattern", { id: `hatch-${watchlist.id}`, width: 4, height: 4, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
      svg("rect", { width: 4, height: 4, fill: "white" }), svg("line", { x1: 0, y1: 0, x2: 0, y2: 4, stroke: "black", "stroke-width": 2 }))));
  days.forEach((day, i) => {
    const x = 8 + i * 39;
    for (const [offset, count, fill, what] of [[0, day.like_count, "black", "likes"], [16, day.comment_count, `url(#hatch-${watchlist.id})`, "comments"]]) {
      const height = Math.round((count / top) * 100);
      chart.append(svg("rect", { x: x + offset, y: 105 - height, width: 14, height, fill, stroke: "black" },
        svg("title", {}, `${day.posted_at}: ${count} ${what}`)));
    }
    chart.append(svg("text", { x: x + 15, y: 122, "text-anchor": "middle", "font-size": 10 }, day.posted_at.slice(5)));
  });
  const numbers = table([["Day", (d) => d.posted_at], ["Likes", (d) => d.like_count], ["Comments", (d) => d.comment_count]], days, "");
  return el("figure", { className: "card", "data-id": watchlist.id }, chart,
    el("figcaption", {}, `${watchlist.name} (${watchlist.team_name}): ${watchlist.interactions} interactions`),
    el("details", {}, el("summary", {}, "Numbers"), numbers));
}

async function loadUsage() {
  const [accounts, watchlists] = await Promise.all([view("outfame", "accounts"), view("outx", "watchlists")]);
  $("#accounts").replaceChildren(...(accounts ? accounts.map(usageCard) : [el("p", {}, "Outfame is not served here.")]));
  $("#watchlists").replaceChildren(...(watchlists ? watchlists.map(graphCard) : [el("p", {}, "OutX is not served here.")]));
}

// -- steering ------------------------------------------------------------------------------------

async function loadSteering() {
  const [faults, flags, scenario] = await Promise.all([api("GET", "/faults"), api("GET", "/flags"), api("GET", "/scenario")]);
  const remove = (rule) => el("button", { type: "button", "aria-label": `Delete ${rule.id}`, onclick: () => act(() => api("DELETE", `/faults/${rule.id}`)).then(refresh) }, "Delete");
  $("#faults").replaceChildren(table([
    ["Rule", ruleText], ["Probability", (r) => r.probability], ["Fired", (r) => r.fired], ["", remove],
  ], faults.faults, "No fault rules: every request is answered normally."),
  faults.faults.length ? el("button", { type: "button", onclick: () => act(() => api("DELETE", "/faults")).then(refresh) }, "Delete all rules") : "");
  const groups = Object.entries(flags).map(([provider, values]) => el("fieldset", {}, el("legend", {}, provider),
    ...Object.entries(values).map(([name, on]) => el("label", { className: "flag" },
      el("input", { type: "checkbox", checked: on, onchange: (event) => act(() => api("PATCH", "/flags", { [provider]: { [name]: event.target.checked } })) }), ` ${name}`))));
  $("#flags").replaceChildren(...(groups.length ? groups : [el("p", {}, "No flags.")]));
  $("#scenario").replaceChildren(tree(scenario.scenario, "scenario", true));
}

function tree(value, label, open = false) {
  if (value === null || typeof value !== "object") return el("span", {}, `${label}: ${JSON.stringify(value)}`);
  const items = Object.entries(value).map(([key, child]) => el("li", {}, tree(child, key)));
  const size = Array.isArray(value) ? `${value.length} items` : `${items.length} fields`;
  return el("details", { open }, el("summary", {}, `${label} (${size})`), el("ul", { className: "tree" }, ...items));
}

function faultSpec(form) {
  const spec = {};
  for (const [name, raw] of new FormData(form)) {
    const value = String(raw).trim();
    if (!value) continue;
    if (name === "body") {
      try { spec.body = JSON.parse(value); } catch { throw new Error("The fault body is not valid JSON."); }
    }
    else spec[name] = ["status", "latency_ms", "count", "probability"].includes(name) ? Number(value) : value;
  }
  if (spec.kind !== "status") delete spec.status;
  return spec;
}

// -- views, summary and refreshing ----------------------------------------------------------------

const loaders = { clock: loadClock, work: loadWork, usage: loadUsage, steering: loadSteering };
let pending = null;

function current() {
  const name = location.hash.slice(1);
  return document.getElementById(name)?.classList.contains("view") ? name : "traffic";
}

async function refresh() {
  const loader = loaders[current()];
  if (loader) await act(loader);
  if (current() !== "clock") await act(async () => { state.clock = { ...(await api("GET", "/clock")), readAt: Date.now() }; renderSummary(); });
}

function refreshSoon() {
  clearTimeout(pending);
  pending = setTimeout(refresh, 200);
}

function show() {
  if (!$("#login").hidden) return;
  const name = current();
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== name;
  for (const link of document.querySelectorAll("nav a")) {
    if (link.hash === `#${name}`) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  refresh();
}

function renderSummary() {
  const clock = state.clock ? `clock ${state.clock.mode} at ${$("#clock-now").textContent || state.clock.now}` : "";
  $("#summary").textContent = [`serving ${state.providers.join(", ") || "…"}`, clock,
    state.live ? "live: requests appear as they arrive" : "not connected: retrying"].filter(Boolean).join(" · ");
}

async function start() {
  const health = await act(() => api("GET", "/health"));
  if (!health) return;
  const index = await act(() => api("GET", "/providers"));
  $("#login").hidden = true;
  if (!state.providers.length) {  // once per page: a token asked for again later only resumes
    state.providers = health.providers;
    state.views = Object.fromEntries(Object.entries(index || {}).map(([name, offered]) => [name, offered.views]));
    for (const select of document.querySelectorAll('select[name="provider"]')) {
      select.append(...state.providers.map((name) => el("option", { value: name }, name)));
    }
    setInterval(() => { renderClock(); if (state.clock && state.clock.mode !== "frozen" && current() !== "traffic") refreshSoon(); }, 3000);
  }
  show();
  if (!state.listening) listen();
}

function wire() {
  window.addEventListener("hashchange", show);
  window.addEventListener("pagehide", () => stopStream());
  document.addEventListener("visibilitychange", () => document.hidden && stopStream());
  $("#login").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("#token").value.trim());
    $("#token").value = "";
    notice("");
    start();
  });
  $("#traffic-filter").addEventListener("input", (event) => {
    state.filter = Object.fromEntries(new FormData(event.currentTarget));
    renderTraffic();
  });
  $("#traffic-filter").addEventListener("reset", () => { state.filter = {}; setTimeout(renderTraffic); });
  for (const button of document.querySelectorAll("[data-advance]")) button.onclick = () => moveClock("advance", { by: button.dataset.advance });
  for (const button of document.querySelectorAll("[data-clock]")) button.onclick = () => moveClock(button.dataset.clock, {});
  $("#advance-form").addEventListener("submit", (event) => {
    event.preventDefault();
    moveClock("advance", { by: event.currentTarget.elements.by.value.trim() });
  });
  $("#fault-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const added = await act(() => api("POST", "/faults", faultSpec(event.currentTarget)));
    if (added) { notice(""); await refresh(); }
  });
  $("#reset-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const seed = event.currentTarget.elements.seed.value.trim();
    if (await act(() => api("POST", "/reset", seed ? { seed: Number(seed) } : {}))) await refresh();
  });
  $("#export-state").onclick = () => act(async () => {
    const snapshot = await api("GET", "/state");
    const link = el("a", { href: URL.createObjectURL(new Blob([json(snapshot)], { type: "application/json" })), download: "mockserver-state.json" });
    link.click();
    URL.revokeObjectURL(link.href);
  });
  $("#import-state").onchange = (event) => act(async () => {
    const file = event.target.files[0];
    if (file) await api("PUT", "/state", await file.text());
    event.target.value = "";
    await refresh();
  });
}

wire();
if (NEEDS_TOKEN && !sessionStorage.getItem(TOKEN_KEY)) askForToken(); else start();
