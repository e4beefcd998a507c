import HTTPServer

/// `/__admin/ui`: one page, everything embedded, that reads and steers the admin API: the tasks,
/// a timeline per task (its states, the client's requests, the advised poll interval beside the
/// gaps left, the findings), the journal, the verdict, and controls (each key's clock, the
/// scenarios in force, reset, completing or failing a task). It loads nothing from another origin.
enum Dashboard {
    static let page: HTTPResponse = {
        var response = HTTPResponse(status: 200, contentType: "text/html; charset=utf-8", bytes: Array((head + body + script).utf8))
        // Nothing from elsewhere, ever: the page works offline and in CI.
        response.headers.set(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; media-src 'self'")
        response.headers.set("Cache-Control", "no-store")
        return response
    }()

    private static let head = #"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>VideoMock</title>
        <link rel="icon" href="data:,">
        <style>
        body { font: 13px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f4f5f8; }
        header { background: #1d2330; color: #fff; padding: .6em 1.2em; display: flex; gap: 1em; align-items: center; }
        header h1 { font-size: 1.15em; margin: 0; } header .grow { flex: 1; }
        main { padding: 1em 1.2em; display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
        section { background: #fff; border-radius: 6px; padding: .7em 1em; box-shadow: 0 1px 2px #0002; overflow: auto; }
        section.wide { grid-column: 1 / 3; } h2 { font-size: 1em; margin: .2em 0 .6em; }
        table { border-collapse: collapse; width: 100%; } td, th { padding: .2em .5em; border-bottom: 1px solid #e4e6ee; text-align: left; }
        tr.selected { background: #e8eefc; } tbody tr { cursor: pointer; }
        button { font: inherit; padding: .15em .6em; cursor: pointer; } select, input { font: inherit; }
        .status { padding: 0 .4em; border-radius: 3px; color: #fff; }
        .queued, .pending { background: #7986a8; } .in_progress { background: #3f6fd8; } .completed { background: #2e7d32; }
        .failed { background: #c62828; } .expired { background: #8d6e63; } .unknown { background: #999; }
        .error { color: #c62828; } .warning { color: #b26a00; } .info { color: #1565c0; }
        .finding { margin: .4em 0; } code { font: 12px ui-monospace, monospace; }
        .lane text { font: 11px ui-monospace, monospace; } #login { display: none; }
        pre { background: #f6f7fa; padding: .5em; white-space: pre-wrap; word-break: break-all; }
        </style></head>
        """#

    private static let body = #"""
        <body>
        <header><h1>VideoMock</h1><span class="grow" id="summary"></span>
        <label>key <select id="key"><option value="">every key</option></select></label>
        <label>provider <select id="provider"><option value="">any</option><option>aihubmix</option><option>mixroute</option>
        <option>amux</option></select></label>
        <label>status <select id="status"><option value="">any</option><option>queued</option><option>in_progress</option>
        <option>completed</option><option>failed</option><option>unknown</option></select></label>
        <button id="reset" title="POST /__admin/reset (of the key chosen, or of everything)">Reset</button></header>
        <div id="login"><section class="wide"><h2>The admin API needs its token</h2>
        <form id="login-form"><input id="token" type="password" placeholder="admin token"> <button>Open</button></form></section></div>
        <main id="app">
        <section class="wide"><h2>Tasks</h2><table id="tasks"><thead><tr><th>id</th><th>provider</th><th>key</th><th>model</th>
        <th>status</th><th>progress</th><th>created</th><th></th></tr></thead><tbody></tbody></table></section>
        <section class="wide"><h2>Timelines <small>(each on its key's clock: states, requests, advised waits, findings)</small></h2>
        <div id="timelines"></div></section>
        <section><h2>Task</h2><div id="detail">Choose a task.</div></section>
        <section><h2>Clocks and scenarios</h2><div id="clocks"></div><div id="scenarios"></div></section>
        <section><h2>Verdict</h2><div id="verdict"></div></section>
        <section><h2>Journal</h2><input id="journal-filter" placeholder="filter: path, endpoint, status"><table id="journal">
        <tbody></tbody></table></section>
        </main>
        """#

    private static let script = #"""
        <script>
        const state = { tasks: [], requests: [], verdict: null, scenarios: [], clocks: {}, selected: null, open: new Set() };
        const $ = (id) => document.getElementById(id);
        const esc = (text) => String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;",
          '"': "&quot;", "'": "&#39;" })[c]);
        const time = (t) => t == null ? "" : new Date(t * 1000).toISOString().slice(11, 23);

        async function api(method, path, body) {
          const response = await fetch("/__admin/" + path, { method, credentials: "same-origin",
            headers: body ? { "Content-Type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
          if (response.status === 401) { $("login").style.display = "block"; $("app").style.display = "none"; throw "token"; }
          return response.json();
        }

        function filtered() {
          const key = $("key").value, provider = $("provider").value, status = $("status").value;
          return state.tasks.filter((t) => (!key || t.api_key === key) && (!provider || t.provider === provider)
            && (!status || t.status === status));
        }

        async function refresh() {
          try {
            const scope = $("key").value ? "?api_key=" + encodeURIComponent($("key").value) : "";
            const [tasks, requests, verdict, scenarios] = await Promise.all([api("GET", "tasks"), api("GET", "requests"),
              api("GET", "verdict" + scope), api("GET", "scenarios")]);
            state.tasks = tasks.tasks; state.requests = requests.requests; state.verdict = verdict;
            state.scenarios = scenarios.scenarios;
            const keys = [...new Set(state.tasks.map((t) => t.api_key).concat(state.requests.map((r) => r.api_key)))]
              .filter((k) => k);
            for (const key of keys) state.clocks[key] = await api("GET", "clock?api_key=" + encodeURIComponent(key));
            render(keys);
          } catch (error) { if (error !== "token") console.warn(error); }
        }

        function render(keys) {
          const chosen = $("key").value;
          $("key").innerHTML = '<option value="">every key</option>' + keys.map((k) =>
            `<option ${k === chosen ? "selected" : ""}>${esc(k)}</option>`).join("");
          const tasks = filtered();
          $("summary").textContent = `${state.tasks.length} tasks, ${state.requests.length} requests, verdict: `
            + (state.verdict ? state.verdict.verdict : "?");
          $("tasks").tBodies[0].innerHTML = tasks.map((t) => `<tr data-id="${esc(t.id)}" class="${t.id === state.selected
            ? "selected" : ""}"><td><code title="${esc(t.id)}">…${esc(t.id.slice(-16))}</code></td><td>${esc(t.provider)}</td>
            <td>${esc(t.api_key)}</td>
            <td>${esc(t.model)}</td><td><span class="status ${esc(t.status)}">${esc(t.status)}</span></td><td>${t.progress}%</td>
            <td>${time(t.created_at)}</td><td><button data-act="complete" data-id="${esc(t.id)}">complete</button>
            <button data-act="fail" data-id="${esc(t.id)}">fail</button></td></tr>`).join("");
          $("timelines").innerHTML = tasks.map(lane).join("");
          renderDetail(); renderClocks(keys); renderVerdict(); renderJournal();
        }

        const colors = { queued: "#7986a8", in_progress: "#3f6fd8", completed: "#2e7d32", failed: "#c62828", expired: "#8d6e63",
          unknown: "#999" };

        function lane(task) {
          const marks = state.requests.filter((r) => r.task === task.id);
          const now = (state.clocks[task.api_key] || {}).now || task.created_at;
          const start = task.created_at, end = Math.max(now, ...marks.map((r) => r.time), start + 1);
          const width = 1000, left = 150, x = (t) => left + (t - start) / (end - start) * (width - left - 10);
          let svg = `<svg class="lane" data-task="${esc(task.id)}" width="${width}" height="44">`
            + `<text x="0" y="22">…${esc(task.id.slice(-16))}</text>`;
          for (const s of task.states) {
            const to = s.to ?? end;
            svg += `<rect class="state" x="${x(s.from)}" y="12" width="${Math.max(1, x(to) - x(s.from))}" height="12"`
              + ` fill="${colors[s.status] || "#999"}"><title>${esc(s.status)} ${time(s.from)} → `
              + `${s.to ? time(s.to) : "now"}</title></rect>`;
          }
          for (const r of marks) {
            if (r.poll_after_ms != null && r.poll_after_ms > 0) {
              const until = Math.min(end, r.time + r.poll_after_ms / 1000);
              svg += `<line x1="${x(r.time)}" x2="${x(until)}" y1="30" y2="30" stroke="#3f6fd8" stroke-width="3" opacity=".45">`
                + `<title>advised wait ${r.poll_after_ms} ms</title></line>`;
            }
            const bad = r.status >= 400;
            svg += `<line class="mark" data-journal="${r.id}" x1="${x(r.time)}" x2="${x(r.time)}" y1="6" y2="36"`
              + ` stroke="${bad ? "#c62828" : "#1d2330"}" stroke-width="2"><title>${esc(r.endpoint)} → ${r.status}`
              + ` at ${time(r.time)}</title></line>`;
            if (r.findings.length) svg += `<a href="#finding-${esc(r.findings[0])}"><path class="finding-mark" d="M${x(r.time) - 5} 42`
              + ` L${x(r.time) + 5} 42 L${x(r.time)} 34 Z" fill="#c62828"><title>${esc(r.findings.join(", "))}</title></path></a>`;
          }
          return svg + "</svg>";
        }

        function renderDetail() {
          const task = state.tasks.find((t) => t.id === state.selected);
          if (!task) { $("detail").textContent = "Choose a task."; return; }
          let html = `<p><code>${esc(task.id)}</code><br>${esc(task.model)}: ${esc(task.prompt)}<br>${task.duration} s,
            ${task.width}×${task.height}, ${task.has_audio ? "with" : "without"} sound</p>`;
          if (task.error) html += `<p class="error">${esc(task.error.code)}: ${esc(task.error.message)}</p>`;
          if (task.status === "completed") {
            const media = "tasks/" + encodeURIComponent(task.id) + "/media";
            html += `<video id="video" controls height="220" src="/__admin/${media}"></video>`
              + ` <img id="thumbnail" height="110" alt="thumbnail" src="/__admin/${media}?variant=thumbnail">`;
          }
          if ($("detail").dataset.task !== task.id + task.status) {
            $("detail").innerHTML = html; $("detail").dataset.task = task.id + task.status;
          }
        }

        function renderClocks(keys) {
          $("clocks").innerHTML = keys.map((k) => `<p><b>${esc(k)}</b> ${time((state.clocks[k] || {}).now)}
            ${[1, 10, 60].map((s) => `<button data-advance="${s}" data-key="${esc(k)}">+${s} s</button>`).join(" ")}</p>`).join("");
          $("scenarios").innerHTML = state.scenarios.map((s) => `<p><b>${esc(s.source)}</b> ${s.scope ? "for " + esc(s.scope) : ""}
            <br>${s.rules.map((r) => `${esc(r.name)}: matched ${r.matched}, applied ${r.applied}`).join("<br>")}</p>`).join("");
        }

        function renderVerdict() {
          const v = state.verdict;
          if (!v) return;
          const order = ["error", "warning", "info"];
          const findings = [...v.findings].sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
          $("verdict").innerHTML = `<p>${esc(v.verdict)}: ${v.requests} requests, ${v.tasks} tasks</p>` + findings.map((f) =>
            `<div class="finding" id="finding-${esc(f.code)}"><b class="${esc(f.severity)}">${esc(f.severity)} ${esc(f.code)}</b>
            ${esc(f.message)}<br>${f.evidence.map((e) => e.journal_id == null ? esc(e.method + " " + e.path)
              : `<a class="evidence" href="#journal-${e.journal_id}">#${e.journal_id} ${esc(e.method)} → ${e.status}</a>`).join(" ")}
            ${f.evidence_total > f.evidence.length ? `(${f.evidence.length} of ${f.evidence_total} shown)` : ""}</div>`).join("");
        }

        function renderJournal() {
          const text = $("journal-filter").value.toLowerCase();
          const rows = state.requests.filter((r) => !text || `${r.path} ${r.endpoint} ${r.status}`.toLowerCase().includes(text))
            .slice(-300).reverse();
          $("journal").tBodies[0].innerHTML = rows.map((r) => `<tr id="journal-${r.id}" data-journal="${r.id}"><td>#${r.id}</td>
            <td>${time(r.time)}</td><td>${esc(r.method)} <code>${esc(r.path)}</code></td><td>${r.status}</td>
            <td class="error">${esc(r.findings.join(" "))}</td></tr>` + (state.open.has(r.id) ? `<tr><td colspan="5"><pre>`
            + esc(`${r.method} ${r.path}${r.query ? "?" + r.query : ""}\n` + Object.entries(r.headers).map(([n, v]) => n + ": " + v)
              .join("\n") + "\n\n" + r.body + `\n\n→ ${r.status}` + (r.rule ? ` (rule: ${r.rule})` : "")
              + (r.poll_after_ms != null ? `, advised wait ${r.poll_after_ms} ms` : "") + (r.task ? `, task ${r.task}` : ""))
            + `</pre></td></tr>` : ""))
            .join("");
        }

        document.addEventListener("click", async (event) => {
          const target = event.target.closest("button, tr");
          if (!target) return;
          if (target.dataset.act) { await api("POST", `tasks/${encodeURIComponent(target.dataset.id)}/${target.dataset.act}`); }
          else if (target.dataset.advance) {
            await api("POST", "clock/advance?api_key=" + encodeURIComponent(target.dataset.key),
              { seconds: Number(target.dataset.advance) });
          } else if (target.id === "reset") {
            await api("POST", "reset" + ($("key").value ? "?api_key=" + encodeURIComponent($("key").value) : ""));
          } else if (target.dataset.id) { state.selected = target.dataset.id; }
          else if (target.dataset.journal) {
            const id = Number(target.dataset.journal);
            state.open.has(id) ? state.open.delete(id) : state.open.add(id);
          } else return;
          refresh();
        });
        for (const id of ["key", "provider", "status"]) $(id).addEventListener("change", refresh);
        $("journal-filter").addEventListener("input", renderJournal);
        $("login-form").addEventListener("submit", async (event) => {
          event.preventDefault();
          const response = await fetch("/__admin/session", { method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: $("token").value }) });
          if (response.ok) { $("login").style.display = "none"; $("app").style.display = ""; refresh(); }
        });
        refresh();
        setInterval(refresh, 1000);
        </script></body></html>
        """#
}
