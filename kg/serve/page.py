"""The HTML page at ``/``: a query box, the shipped queries as examples, results as a table."""

from __future__ import annotations

import html
import json

from kg.query import shipped_queries


def page(network_view: bool) -> str:
    """The HTML page at ``/``: a query box, the shipped queries as examples, results as a table."""
    examples = {name: path.read_text(encoding="utf-8") for name, path in shipped_queries().items()}
    options = "".join(f"<option>{html.escape(name)}</option>" for name in examples)
    data = json.dumps(examples).replace("</", "<\\/")
    link = '<p><a href="graph.html">Open the network view</a></p>' if network_view else ""
    return _PAGE.format(options=options, examples=data, link=link)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL endpoint</title>
<style>body{{font-family:sans-serif;margin:1.5em}}textarea{{width:100%;height:16em;
font-family:monospace}}table{{border-collapse:collapse;margin-top:1em}}td,th{{border:1px solid
#ccc;padding:.2em .4em;vertical-align:top;font-size:90%}}#status{{color:#555}}</style></head>
<body><h1>kg SPARQL endpoint</h1>
<p>SPARQL 1.1 Protocol at <code>/sparql</code> (GET or POST). Examples from <code>queries/</code>:
<select id="example"><option value="">choose…</option>{options}</select></p>
{link}
<form id="form"><textarea id="query" name="query">SELECT * WHERE {{ ?s ?p ?o }} LIMIT 20</textarea>
<p><button type="submit">Run</button> <span id="status"></span></p></form>
<div id="results"></div>
<script id="examples" type="application/json">{examples}</script>
<script>
const examples = JSON.parse(document.getElementById("examples").textContent);
const box = document.getElementById("query");
document.getElementById("example").onchange = e => {{ if (e.target.value) box.value =
  examples[e.target.value]; }};
document.getElementById("form").onsubmit = async e => {{
  e.preventDefault();
  const status = document.getElementById("status"), out = document.getElementById("results");
  status.textContent = "running…"; out.replaceChildren();
  const response = await fetch("sparql", {{method: "POST", body: new URLSearchParams(
    {{query: box.value}}), headers: {{"Accept": "application/sparql-results+json, text/turtle"}}}});
  const text = await response.text();
  if (!response.ok || !(response.headers.get("Content-Type") || "").includes("json")) {{
    const pre = document.createElement("pre"); pre.textContent = text; out.append(pre);
    status.textContent = response.ok ? "" : response.status + " " + response.statusText; return;
  }}
  const data = JSON.parse(text);
  if ("boolean" in data) {{ status.textContent = String(data.boolean); return; }}
  const table = document.createElement("table"), head = table.insertRow();
  for (const v of data.head.vars) {{ const th = document.createElement("th");
    th.textContent = v; head.append(th); }}
  for (const row of data.results.bindings) {{ const tr = table.insertRow();
    for (const v of data.head.vars) {{ tr.insertCell().textContent = row[v] ? row[v].value : "";
    }} }}
  status.textContent = data.results.bindings.length + " rows"; out.append(table);
}};
</script></body></html>
"""
