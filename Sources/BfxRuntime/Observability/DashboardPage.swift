/// The self-contained live dashboard (no external assets): polls `/api/state` every 2 s.
enum DashboardPage {
    static let html = #"""
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>bfxrun dashboard</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <style>
    body{font:13px/1.4 system-ui,sans-serif;margin:0;background:#0f1419;color:#d6dde6}
    header{padding:10px 16px;background:#17202a;display:flex;gap:24px;align-items:baseline}
    h1{font-size:16px;margin:0} h2{font-size:13px;margin:0 0 6px;color:#8fa3b8;text-transform:uppercase}
    main{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px;padding:12px}
    section{background:#17202a;border-radius:6px;padding:10px}
    table{border-collapse:collapse;width:100%} td,th{padding:2px 6px;text-align:right;white-space:nowrap}
    th{color:#8fa3b8;font-weight:normal} td:first-child,th:first-child{text-align:left}
    .ok{color:#5fd38d}.bad{color:#ff6b6b}.warn{color:#ffc857} .bid{color:#5fd38d}.ask{color:#ff6b6b}
    svg{width:100%;height:70px;background:#0f1419;border-radius:4px} .muted{color:#6b7c8f}
    </style></head><body>
    <header><h1>bfxrun</h1><span id="status" class="muted">loading…</span><span id="updated" class="muted"></span></header>
    <main>
    <section><h2>Message rate (msg/s)</h2><svg id="chart-msgs"></svg></section>
    <section><h2>Nonce usage (issued/s) and queue depth</h2><svg id="chart-nonces"></svg></section>
    <section><h2>Connections</h2><table id="connections"></table></section>
    <section><h2>Channels</h2><table id="channels"></table></section>
    <section><h2>Tickers</h2><table id="tickers"></table></section>
    <section><h2>Books</h2><div id="books"></div></section>
    <section><h2>Accounts (user-data streams)</h2><table id="accounts"></table></section>
    <section><h2>Nonces</h2><table id="nonces"></table></section>
    <section><h2>Queues</h2><table id="queues"></table></section>
    <section><h2>Alerts</h2><table id="alerts"></table></section>
    <section><h2>Recent trades</h2><table id="trades"></table></section>
    </main>
    <script>
    const esc = s => String(s ?? "").replace(/[&<>"]/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
    const num = (v, d=2) => (v === null || v === undefined) ? "–" : Number(v).toFixed(d);
    function table(id, head, rows) {
      document.getElementById(id).innerHTML = "<tr>" + head.map(h => "<th>" + esc(h) + "</th>").join("") + "</tr>" +
        rows.map(r => "<tr>" + r.map(c => "<td>" + c + "</td>").join("") + "</tr>").join("");
    }
    function chart(id, series, colors) {
      const svg = document.getElementById(id), w = 400, h = 70;
      svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
      const max = Math.max(1, ...series.flat());
      svg.innerHTML = series.map((s, i) => {
        if (s.length < 2) return "";
        const pts = s.map((v, j) => `${(j / (s.length - 1) * w).toFixed(1)},${(h - 4 - v / max * (h - 8)).toFixed(1)}`).join(" ");
        return `<polyline fill="none" stroke="${colors[i]}" stroke-width="1.5" points="${pts}"/>`;
      }).join("") + `<text x="4" y="12" fill="#6b7c8f" font-size="10">max ${num(max, 1)}</text>`;
    }
    async function refresh() {
      try {
        const s = await (await fetch("/api/state", {cache: "no-store"})).json();
        const st = s.status;
        document.getElementById("status").innerHTML = `${esc(st.phase)} · ${esc(st.endpoint)} · up ${num(st.uptimeSeconds, 0)}s · ` +
          `${st.connections} conn · ${st.channels} channels · ${st.messages} msgs · ${st.reconnects} reconnects · ` +
          (st.alertsFiring ? `<span class="bad">${st.alertsFiring} alerts firing</span>` : `<span class="ok">no alerts</span>`);
        document.getElementById("updated").textContent = new Date().toLocaleTimeString();
        chart("chart-msgs", [s.history.map(p => p.messagesPerSecond)], ["#5fa8ff"]);
        chart("chart-nonces", [s.history.map(p => p.noncesPerSecond), s.history.map(p => p.queueDepth)], ["#ffc857", "#ff6b6b"]);
        table("connections", ["id", "kind", "state", "subs", "msgs", "opens", "age s"], s.connections.map(c =>
          [c.id, esc(c.kind), `<span class="${c.state === "connected" ? "ok" : "warn"}">${esc(c.state)}</span>`,
           `${c.liveSubscriptions}/${c.subscriptions}`, c.messages, c.opens, num(c.lastMessageAgeSeconds, 1)]));
        table("channels", ["channel", "state", "msgs", "cs ok", "cs bad", "gaps", "resyncs"], s.channels.map(c =>
          [esc(c.name), esc(c.state), c.messages, c.checksumsVerified,
           `<span class="${c.checksumMismatches ? "bad" : ""}">${c.checksumMismatches}</span>`, c.sequenceGaps, c.resyncs]));
        table("tickers", ["symbol", "bid", "ask", "last", "volume", "24h %"], s.tickers.map(t =>
          [esc(t.symbol), num(t.bid, 4), num(t.ask, 4), num(t.last, 4), num(t.volume, 2), num(t.dailyChangeRelative * 100, 2)]));
        document.getElementById("books").innerHTML = s.books.map(b => {
          const rows = [];
          for (let i = 0; i < Math.max(b.bids.length, b.asks.length); i++) {
            const bd = b.bids[i], ak = b.asks[i];
            rows.push(`<tr><td class="bid">${bd ? esc(bd.amount) : ""}</td><td class="bid">${bd ? esc(bd.price) : ""}</td>` +
              `<td class="ask">${ak ? esc(ak.price) : ""}</td><td class="ask">${ak ? esc(ak.amount) : ""}</td></tr>`);
          }
          return `<div><b>${esc(b.symbol)}</b> <span class="muted">${esc(b.prec)} · ${b.checksumsVerified} checksums ok</span>` +
            `<table><tr><th>bid size</th><th>bid</th><th>ask</th><th>ask size</th></tr>${rows.join("")}</table></div>`;
        }).join("");
        table("accounts", ["key", "phase", "wallets", "open orders", "positions"], (s.accounts || []).map(a =>
          [esc(a.key), esc(a.phase), a.wallets.map(w => esc(`${w.type} ${w.currency} ${w.balance}`)).join("<br>"),
           a.orders.map(o => `<span class="${o.side === "buy" ? "bid" : "ask"}">${esc(o.side)}</span> ` +
             esc(`${o.amount} ${o.symbol}${o.price ? " @ " + o.price : ""}`)).join("<br>"), a.positions]));
        table("nonces", ["key", "store", "last nonce", "issued", "ok", "10114", "errors", "p99 wait ms", "/s"], s.nonces.map(n =>
          [esc(n.key), esc(n.store), n.lastNonce, n.issued, n.succeeded, n.nonceRejected, n.errors, num(n.waitP99Micros / 1000, 1), num(n.issuedPerSecond, 1)]));
        table("queues", ["key", "class", "depth", "limit", "in flight"], s.queues.map(q =>
          [esc(q.key), esc(q.priorityClass), q.depth, q.limit, q.inFlight ? "yes" : ""]));
        table("alerts", ["rule", "kind", "state", "value", "threshold", "episodes"], s.alerts.map(a =>
          [esc(a.name), esc(a.kind), `<span class="${a.state === "firing" ? "bad" : "ok"}">${esc(a.state)}</span>`,
           num(a.value, 2), num(a.threshold, 2), a.episodes]));
        table("trades", ["symbol", "id", "side", "amount", "price"], s.trades.slice(0, 12).map(t =>
          [esc(t.symbol), t.id, `<span class="${t.side === "buy" ? "bid" : "ask"}">${esc(t.side)}</span>`, num(t.amount, 4), num(t.price, 4)]));
      } catch (e) {
        document.getElementById("status").innerHTML = `<span class="bad">cannot reach runtime: ${esc(e)}</span>`;
      }
    }
    refresh(); setInterval(refresh, 2000);
    </script></body></html>
    """#
}
