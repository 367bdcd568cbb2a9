/// The self-contained live dashboard (no external assets): polls `/api/state` every 2 s.
///
/// Layout: a grid of panels (`<section>`), three columns at 1400 px; `wide` panels span two
/// columns, tables never clip (scripts/check-dashboard.py checks it in headless Chromium at
/// 1400 px: renders, live values, no console errors, no panel clipping — in `make test`).
/// Edit and check without rebuilding: `scripts/check-dashboard.py --page` with this file.
enum DashboardPage {
    static let html = #"""
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>bfxrun dashboard</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='6' fill='%235fd38d'/%3E%3C/svg%3E">
    <style>
    :root{color-scheme:dark} *{box-sizing:border-box}
    body{font:13px/1.4 system-ui,sans-serif;margin:0;background:#0f1419;color:#d6dde6}
    header{padding:10px 16px;background:#17202a;display:flex;flex-wrap:wrap;gap:4px 24px;align-items:baseline}
    #updated{margin-left:auto}
    h1{font-size:16px;margin:0} h2{font-size:12px;margin:0 0 6px;color:#8fa3b8;text-transform:uppercase;letter-spacing:.03em}
    main{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,430px),1fr));grid-auto-flow:row dense;gap:12px;padding:12px}
    section{background:#17202a;border-radius:6px;padding:10px 12px;min-width:0;overflow-x:auto}
    @media (min-width:940px){section.wide{grid-column:span 2}}
    table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
    td,th{padding:2px 6px;text-align:right;white-space:nowrap}
    td:first-child,th:first-child{text-align:left;padding-left:0} td:last-child,th:last-child{padding-right:0}
    th{color:#8fa3b8;font-weight:normal;border-bottom:1px solid #243241} tr:hover td{background:#1c2835}
    .ok{color:#5fd38d}.bad{color:#ff6b6b}.warn{color:#ffc857} .bid{color:#5fd38d}.ask{color:#ff6b6b} .muted{color:#6b7c8f}
    svg{display:block;width:100%;height:80px;background:#0f1419;border-radius:4px}
    .sub{margin-bottom:8px} .sub:last-child{margin-bottom:0} .sub>b{color:#e8eef5}
    .pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,260px),1fr));gap:4px 24px;margin-top:4px;align-items:start}
    h3{font-size:11px;font-weight:normal;color:#8fa3b8;text-transform:uppercase;margin:10px 0 2px}
    .kv{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,190px),1fr));gap:0 16px}
    .kv div{display:flex;justify-content:space-between;gap:8px;padding:1px 0;border-bottom:1px solid #1c2835}
    </style></head><body>
    <header><h1>bfxrun</h1><span id="status" class="muted">loading…</span><span id="updated" class="muted"></span></header>
    <main>
    <section class="wide"><h2>Message rate (msg/s)</h2><svg id="chart-msgs"></svg></section>
    <section><h2>Nonce usage (issued/s) and queue depth</h2><svg id="chart-nonces"></svg></section>
    <section><h2>Connections</h2><table id="connections"></table><h3>Integrity counters</h3><div id="integrity" class="kv"></div></section>
    <section class="wide"><h2>Channels</h2><table id="channels"></table></section>
    <section><h2>Tickers and candles</h2><table id="tickers"></table><h3>Current candles</h3><table id="candles"></table></section>
    <section><h2>Books</h2><div id="books"></div></section>
    <section><h2>Recent trades</h2><table id="trades"></table></section>
    <section class="wide"><h2>Accounts (user-data streams)</h2><div id="accounts"></div></section>
    <section><h2>Queues</h2><table id="queues"></table></section>
    <section class="wide"><h2>Nonces</h2><table id="nonces"></table></section>
    <section><h2>Alerts</h2><table id="alerts"></table></section>
    <section class="wide"><h2>Gateway (local clients)</h2><div id="gateway-info" class="muted"></div><table id="gateway-clients"></table><h3>Shared upstream channels</h3><table id="gateway-channels"></table></section>
    </main>
    <script>
    const esc = s => String(s ?? "").replace(/[&<>"]/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
    const num = (v, d=2) => (v === null || v === undefined) ? "–" : Number(v).toFixed(d);
    // Prices and balances as the API sends them (no padding zeros), with thousands separators.
    const fmt = v => (v === null || v === undefined || v === "") ? "–" : Number(v).toLocaleString("en-US", {maximumFractionDigits: 8});
    const pct = v => (v === null || v === undefined) ? "–" :
      `<span class="${v > 0 ? "bid" : v < 0 ? "ask" : ""}">${v > 0 ? "+" : ""}${(v * 100).toFixed(2)}%</span>`;
    const tag = (text, cls) => `<span class="${cls}">${esc(text)}</span>`;
    const side = s => tag(s, s === "buy" ? "bid" : "ask");
    const warnIf = v => v ? tag(v, "bad") : v;
    function rowsHTML(head, rows, empty) {
      return "<tr>" + head.map(h => "<th>" + esc(h) + "</th>").join("") + "</tr>" + (rows.length
        ? rows.map(r => "<tr>" + r.map(c => "<td>" + c + "</td>").join("") + "</tr>").join("")
        : `<tr><td colspan="${head.length}" class="muted">${esc(empty || "none")}</td></tr>`);
    }
    function table(id, head, rows, empty) { document.getElementById(id).innerHTML = rowsHTML(head, rows, empty); }
    function chart(id, series, colors, labels) {
      const svg = document.getElementById(id), w = Math.max(100, svg.clientWidth || 400), h = 80;
      svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
      const max = Math.max(1, ...series.flat());   // lines below y = 14: the legend row stays clear
      svg.innerHTML = series.map((s, i) => {
        if (s.length < 2) return "";
        const pts = s.map((v, j) => `${(j / (s.length - 1) * w).toFixed(1)},${(h - 4 - v / max * (h - 18)).toFixed(1)}`).join(" ");
        return `<polyline fill="none" stroke="${colors[i]}" stroke-width="1.5" points="${pts}"/>`;
      }).join("") + `<text x="6" y="11" fill="#6b7c8f" font-size="10">max ${num(max, 1)}</text>` +
        `<text x="${w - 6}" y="11" text-anchor="end" font-size="10">` + labels.map((l, i) =>
          `<tspan fill="${colors[i]}" dx="${i ? 12 : 0}">${esc(l)} ${num(series[i].at(-1), 1)}</tspan>`).join("") + "</text>";
    }
    async function refresh() {
      try {
        const s = await (await fetch("/api/state", {cache: "no-store"})).json();
        const st = s.status;
        document.getElementById("status").innerHTML = `${esc(st.phase)} · ${esc(st.endpoint)} · up ${num(st.uptimeSeconds, 0)}s · ` +
          `${st.connections} conn · ${st.channels} channels · ${st.messages} msgs · ${st.reconnects} reconnects · ` +
          (st.alertsFiring ? `<span class="bad">${st.alertsFiring} alerts firing</span>` : `<span class="ok">no alerts</span>`);
        document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
        chart("chart-msgs", [s.history.map(p => p.messagesPerSecond)], ["#5fa8ff"], ["msg/s"]);
        chart("chart-nonces", [s.history.map(p => p.noncesPerSecond), s.history.map(p => p.queueDepth)],
          ["#ffc857", "#ff6b6b"], ["issued/s", "queue depth"]);
        table("connections", ["id", "kind", "state", "subs", "msgs", "opens", "age s"], s.connections.map(c =>
          [c.id, esc(c.kind), tag(c.state, c.state === "open" ? "ok" : "warn"),
           `${c.liveSubscriptions}/${c.subscriptions}`, c.messages, c.opens, num(c.lastMessageAgeSeconds, 1)]));
        table("channels", ["channel", "group", "conn", "state", "msgs", "checksums ok", "bad", "gaps", "resyncs", "age s"], s.channels.map(c =>
          [esc(c.name), esc(c.group), c.connection ?? "–", tag(c.state, c.state === "live" ? "ok" : "warn"), c.messages,
           c.checksumsVerified, warnIf(c.checksumMismatches), warnIf(c.sequenceGaps), c.resyncs, num(c.lastMessageAgeSeconds, 1)]));
        table("tickers", ["symbol", "bid", "ask", "last", "volume", "24h"], s.tickers.map(t =>
          [esc(t.symbol), fmt(t.bid), fmt(t.ask), fmt(t.last), num(t.volume, 2), pct(t.dailyChangeRelative)]), "no tickers");
        // trade:1m:tBTCUSD → "tBTCUSD 1m" (funding keys keep their period: fUSD:p30 1m)
        table("candles", ["candle", "open", "high", "low", "close", "volume"], (s.candles || []).map(c =>
          [esc(c.key.split(":").slice(2).join(":") + " " + (c.key.split(":")[1] || "")), fmt(c.open), fmt(c.high), fmt(c.low), fmt(c.close), num(c.volume, 2)]), "no candle channels");
        const bad = new Set(["checksumMismatches", "sequenceGaps", "giveUps", "malformedFrames", "restErrors", "restRateLimitHits",
          "tradeGaps", "userDataAuthFailures", "channelStalls", "stalls", "serverRestarts", "reconnects"]);
        document.getElementById("integrity").innerHTML = Object.entries(s.integrity || {}).map(([k, v]) =>
          `<div><span class="muted">${esc(k.replace(/[A-Z]/g, c => " " + c.toLowerCase()))}</span>${v && bad.has(k) ? tag(v, "warn") : esc(v)}</div>`).join("");
        document.getElementById("books").innerHTML = s.books.map(b => {
          const rows = [];
          for (let i = 0; i < Math.max(b.bids.length, b.asks.length); i++) {
            const bd = b.bids[i], ak = b.asks[i];
            rows.push([bd ? tag(bd.amount, "bid") : "", bd ? tag(fmt(bd.price), "bid") : "",
                       ak ? tag(fmt(ak.price), "ask") : "", ak ? tag(ak.amount, "ask") : ""]);
          }
          return `<div class="sub"><b>${esc(b.symbol)}</b> <span class="muted">${esc(b.prec)} · ${b.checksumsVerified} checksums ` +
            `${b.checksumOK === false ? '<span class="bad">mismatch</span>' : "ok"}</span>` +
            `<table>${rowsHTML(["bid size", "bid", "ask", "ask size"], rows, "empty book")}</table></div>`;
        }).join("") || `<span class="muted">no books</span>`;
        document.getElementById("accounts").innerHTML = (s.accounts || []).map(a =>
          `<div class="sub"><b>${esc(a.key)}</b> ${tag(a.phase, a.phase === "ready" ? "ok" : "warn")} <span class="muted">· connection ` +
          `${esc(a.connection)} · ${a.wallets.length} wallets · ${a.orders.length} open orders · ${a.positions} positions</span>` +
          `<div class="pair"><table>${rowsHTML(["wallet", "currency", "balance", "available"], a.wallets.map(w =>
            [esc(w.type), esc(w.currency), fmt(w.balance), fmt(w.available)]), "no wallets")}</table>` +
          `<table>${rowsHTML(["open order", "amount", "symbol", "price"], a.orders.map(o =>
            [side(o.side) + ` <span class="muted">${esc(o.type)}</span>`, esc(o.amount), esc(o.symbol), fmt(o.price)]), "no open orders")}</table></div></div>`
        ).join("") || `<span class="muted">no user-data streams (no key with a connection)</span>`;
        table("queues", ["key", "class", "depth", "limit", "in flight"], s.queues.map(q =>
          [esc(q.key), esc(q.priorityClass), q.depth, q.limit, q.inFlight ? "yes" : ""]));
        table("nonces", ["key", "store", "last nonce", "issued", "ok", "10114", "errors", "p50 wait ms", "p99 wait ms", "issued/s"], s.nonces.map(n =>
          [esc(n.key), esc(n.store), n.lastNonce, n.issued, n.succeeded, warnIf(n.nonceRejected), warnIf(n.errors),
           num(n.waitP50Micros / 1000, 1), num(n.waitP99Micros / 1000, 1), num(n.issuedPerSecond, 1)]), "no signed calls");
        table("alerts", ["rule", "state", "kind: value / threshold", "fired"], s.alerts.map(a =>
          [esc(a.name), tag(a.state, a.state === "firing" ? "bad" : "ok"),
           `<span class="muted">${esc(a.kind)}</span> ${fmt(Number(a.value).toFixed(2))} <span class="muted">/ ${fmt(a.threshold)}</span>`,
           a.episodes]), "no alert rules");
        const g = s.gateway;
        document.getElementById("gateway-info").innerHTML = g
          ? `${esc(g.wsURL)} · ${g.state.clients.length} clients · ${g.state.channels.length} upstream channels · ` +
            `${g.state.upstreamSubscribes} upstream subscribes · ${g.state.overflows ? tag(g.state.overflows + " overflows", "warn") : "0 overflows"}` +
            (g.state.maintenance ? ` · ${tag("maintenance", "warn")}` : "")
          : "not configured (add a gateway: section, see docs/gateway.md)";
        table("gateway-clients", ["id", "remote", "channels", "frames out", "queued", "lag ms", "dropped", "errors"], g ? g.state.clients.map(c =>
          [c.id, esc(c.remote), c.channels.length, c.framesOut, c.queued, num(c.lagMillis, 1), warnIf(c.dropped), warnIf(c.errors)]) : [], "no local clients");
        table("gateway-channels", ["channel", "chanId", "subscribers", "packets", "healed", "upstream issues"], g ? g.state.channels.map(c =>
          [esc(c.channel), c.chanId, c.lingering ? tag("lingering", "warn") : c.subscribers, c.packets, c.healed, warnIf(c.integrityEvents)]) : [], "no shared channels");
        table("trades", ["symbol", "id", "side", "amount", "price"], s.trades.slice(0, 12).map(t =>
          [esc(t.symbol), t.id, side(t.side), num(t.amount, 4), fmt(t.price)]), "no trades yet");
      } catch (e) {
        document.getElementById("status").innerHTML = `<span class="bad">cannot reach runtime: ${esc(e)}</span>`;
      }
    }
    refresh(); setInterval(refresh, 2000);
    </script></body></html>
    """#
}
