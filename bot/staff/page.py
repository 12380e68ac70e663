"""`tandem dialogues graph TOOL --html`: one self-contained page that draws a script's flow.

The drawing is made in the browser by Mermaid. Staff may be offline and office PCs may block
outside sites, so the page carries Mermaid inside it: the ``mermaid.js`` bundled with the
mermaidx package (a dependency of Tandem). Without that package the page still shows the flow as
Mermaid text and as numbered steps, with a note, and tries Mermaid from a CDN as an extra.

Every script text reaches the page escaped twice over: Mermaid entity codes inside the diagram
source (`bot.engine.graph.escape`), then HTML escaping of that source in the page.
"""

from __future__ import annotations

import html
import importlib.util
from datetime import date
from pathlib import Path

from bot.engine import Script
from bot.engine import graph as flow

CDN = "https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.min.js"
LANG_NAMES = {"en": "English", "cy": "Welsh"}


def bundled_mermaid() -> str | None:
    """The text of mermaid.js from an installed package that bundles it, or None."""
    for package in ("mermaidx", "mmdc"):
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            continue
        for location in (spec.submodule_search_locations or []) if spec else []:
            path = Path(location) / "assets" / "mermaid.js"
            try:
                return path.read_text(encoding="utf-8")
            except OSError:
                continue
    return None


def _inline_script(code: str) -> str:
    # Inside <script>, "</script" would end the element and "<!--" can change how the rest is
    # read; "\x3C" is "<" to JavaScript in strings, regular expressions and templates alike.
    return code.replace("</script", "\\x3C/script").replace("<!--", "\\x3C!--")


_STYLE = """
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; margin: 0;
       color: #1a1a1a; background: #fafafa; }
header, main { max-width: 1100px; margin: 0 auto; padding: 0 1.2rem; }
header { padding-top: 1rem; }
h1 { margin: .2rem 0; font-size: 1.6rem; }
.meta { color: #555; font-size: .9rem; }
.legend { display: flex; flex-wrap: wrap; gap: .6rem; padding: 0; list-style: none; }
.legend li { padding: .2rem .7rem; border: 1.5px solid; font-size: .9rem; }
.legend .message { background: #eef6ff; border-color: #4a78b5; border-radius: .6rem; }
.legend .question { background: #fff8e6; border-color: #b7791f; }
.legend .choice { background: #fdf0f6; border-color: #b83280; border-style: double;
  border-width: 3px; }
.legend .check { background: #eefbf3; border-color: #2f855a; border-left-width: 5px;
  border-right-width: 5px; }
.legend .terminal { background: #f1f1f1; border-color: #555; border-radius: 2rem; }
.legend .unreachable { border-style: dashed; opacity: .7; }
#diagram { background: #fff; border: 1px solid #ddd; border-radius: .5rem; padding: 1rem;
           overflow: auto; margin: 1rem 0; min-height: 3rem; text-align: center; }
#diagram svg { max-width: 100%; height: auto; }
.note { background: #fff4d6; border: 1px solid #e0b64c; padding: .6rem .9rem;
        border-radius: .4rem; }
pre { background: #fff; border: 1px solid #ddd; padding: .8rem; overflow: auto;
      white-space: pre-wrap; font-size: .85rem; }
@media print { details, .note { display: none; } #diagram { border: 0; } }
"""

_RUN = """
(function () {
  var box = document.getElementById("diagram");
  var note = document.getElementById("note");
  var source = document.getElementById("source").textContent;
  function fail(why) {
    box.hidden = true;
    note.hidden = false;
    note.textContent = "The drawing could not be made here (" + why + "). " +
      "The flow is shown as text below.";
    document.getElementById("source-box").open = true;
  }
  function draw() {
    if (!window.mermaid) { fail("the drawing tool is missing"); return; }
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict",
      flowchart: { htmlLabels: true, useMaxWidth: true } });
    window.mermaid.render("tandem-flow", source).then(function (out) {
      box.innerHTML = out.svg;
      box.hidden = false;
      note.hidden = true;
    }).catch(function (err) { fail(String(err && err.message || err).slice(0, 200)); });
  }
  window.tandemDraw = draw;
  if (window.mermaid) { draw(); }
})();
"""


def page(script: Script, lang: str = "en", *, mermaid_js: str | None = None) -> str:
    """The whole HTML page. `mermaid_js` defaults to the bundled Mermaid (None: not found)."""
    lang = script.lang(lang)
    if mermaid_js is None:
        mermaid_js = bundled_mermaid()
    source = flow.mermaid(script, lang)
    title = script.title.pick(lang)
    e = html.escape
    if mermaid_js is not None:
        note = "Drawing the flow…"
        loader = f"<script>{_inline_script(mermaid_js)}</script>\n<script>{_RUN}</script>"
    else:
        note = (
            "This page could not include the drawing tool (the mermaidx package is not "
            "installed), so the flow is shown as text below. With internet access, the drawing "
            "appears here by itself."
        )
        loader = (
            f"<script>{_RUN}</script>\n"
            f'<script src="{CDN}" onload="window.tandemDraw && window.tandemDraw()"></script>'
        )
    legend = "".join(
        f'<li class="{name}">{e(words)}</li>'
        for name, words in (
            ("message", "a message"),
            ("question", "a question (typed answer)"),
            ("choice", "a question with buttons"),
            ("check", "check your answers"),
            ("terminal", "start and end"),
            ("unreachable", "nothing leads here"),
        )
    )
    return f"""<!doctype html>
<html lang="{e(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} — the flow</title>
<style>{_STYLE}</style>
</head>
<body>
<header>
<h1>{e(title)}</h1>
<p>{e(script.about.pick(lang))}</p>
<p class="meta">Tool <code>{e(script.id)}</code> · version {e(script.version[:12])} ·
{e(LANG_NAMES.get(lang, lang))} · made {date.today().isoformat()} from {e(script.file)}</p>
<ul class="legend" aria-label="What the shapes mean">{legend}</ul>
</header>
<main>
<p id="note" class="note">{e(note)}</p>
<div id="diagram" role="img" aria-label="The conversation as a flowchart" hidden></div>
<details id="source-box"{"" if mermaid_js is not None else " open"}>
<summary>The flow as Mermaid text (paste it into any Mermaid editor)</summary>
<pre id="source">{e(source)}</pre>
</details>
<h2>Step by step</h2>
<pre class="outline">{e(flow.outline(script, lang))}</pre>
</main>
{loader}
</body>
</html>
"""
