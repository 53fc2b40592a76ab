"""A self-contained HTML report of what a program sent, from the audit log alone.

For `llmwall wrap --report FILE.html -- CMD` (the records written while CMD ran) and
`llmwall audit report --since 2h --html FILE.html`. The audit holds no content, and the
report adds none: hosts, endpoints, models, decisions, rule names, finding types and
counts. The command line is not shown either (its arguments may carry a prompt or a
key); only the program's name is. Plots are matplotlib SVG inlined in the page, so the
file opens offline, with nothing fetched at view time.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import sqlite3
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DECISION_COLOURS = {
    "allow": "#4c9a2a",
    "redact": "#e0a100",
    "block": "#c0392b",
    "reroute": "#2e86c1",
    "unscanned": "#7f8c8d",
    "error": "#8e44ad",
    "shadow": "#95a5a6",
    "pseudonymize": "#d4ac0d",
}
# Words in a host name that suggest an LLM API the provider table does not know.
LLM_HINTS = ("llm", "gpt", "openai", "anthropic", "claude", "gemini", "mistral", "model",
             "inference", "chat", "completion", "ai.")  # fmt: skip


def load_records(
    db: Path, since: str | None = None, until: str | None = None
) -> list[dict[str, Any]]:
    """The audit records (with their time) in [since, until), oldest first, read-only."""
    if not db.exists():
        return []
    sql, params = "SELECT time, record FROM records", []
    clauses = []
    if since:
        clauses.append("time >= ?")
        params.append(since)
    if until:
        clauses.append("time < ?")
        params.append(until)
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        rows = conn.execute(sql + " ORDER BY seq", params).fetchall()
    out = []
    for time, record in rows:
        obj = json.loads(record)
        obj["time"] = time
        out.append(obj)
    return out


def write_session_report(
    db: Path,
    output: str | Path,
    *,
    since: float | str,
    title: str = "",
    connections: dict[str, int] | None = None,
) -> Path:
    """Write the report of the records since `since` (epoch seconds or an audit time)."""
    from llmwall.audit.canonical import format_time

    start = format_time(datetime.fromtimestamp(since, UTC)) if isinstance(since, float) else since
    records = load_records(Path(db), start)
    path = Path(output)
    path.write_text(render_html(records, title=title, since=start, connections=connections))
    return path


def summarise(records: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    s: dict[str, Counter[str]] = {
        k: Counter() for k in ("decision", "endpoint", "host", "finding", "rule", "model")
    }
    for r in records:
        s["decision"][f"{r['kind']}: {r['decision']}"] += 1
        if r["kind"] == "request":
            s["endpoint"][f"{r['host']}{r['path']}"] += 1
            s["host"][r["host"]] += 1
            if r.get("model"):
                s["model"][r["model"]] += 1
        for f in r.get("findings", ()):
            s["finding"][f["entity"]] += int(f["count"])
        for rule in r.get("rules", ()):
            s["rule"][rule] += 1
    return s


def render_html(
    records: list[dict[str, Any]],
    *,
    title: str = "",
    since: str = "",
    connections: dict[str, int] | None = None,
) -> str:
    s = summarise(records)
    requests = [r for r in records if r["kind"] == "request"]
    flagged = [
        r
        for r in records
        if r["decision"] in ("block", "redact", "pseudonymize", "shadow", "reroute", "error")
    ]
    e = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>llmwall report {e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>What {e(title or 'the session')} sent through llmwall</h1>",
        f"<p class='meta'>Audit records since {e(since or 'the start')}: {len(records)} "
        f"({len(requests)} requests, {sum(r['decision'] == 'block' for r in requests)} blocked, "
        f"{sum(r['decision'] == 'redact' for r in requests)} redacted). No content is stored "
        "in the audit or shown here.</p>",
    ]
    if not records:
        parts.append(
            "<p class='warn'>No LLM request reached llmwall in this window. If the program "
            "did call an LLM, it went around the proxy: run it with "
            "<code>llmwall wrap --capture</code> or <code>llmwall doctor -- CMD</code>.</p>"
        )
    else:
        parts.append("<div class='grid'>")
        parts.append(_figure("Requests over time", _timeline_svg(requests)))
        parts.append(_figure("Decisions", _bar_svg(s["decision"], decision_colours=True)))
        parts.append(_figure("Finding types (count)", _bar_svg(s["finding"])))
        parts.append(_figure("Endpoints contacted", _bar_svg(s["endpoint"])))
        parts.append("</div>")
    parts.append(_table("Hosts", ["host", "requests"], s["host"].most_common()))
    parts.append(_table("Models", ["model", "requests"], s["model"].most_common()))
    parts.append(_table("Rules that fired", ["rule", "times"], s["rule"].most_common()))
    rows = [
        (
            r["time"],
            r["kind"],
            r["decision"],
            r.get("provider", ""),
            f"{r['host']}{r['path']}",
            r.get("model") or "",
            ", ".join(f"{f['entity']}×{f['count']}" for f in r.get("findings", ())),
            str(r.get("status") or ""),
        )
        for r in flagged
    ]
    parts.append(
        _table(
            "Blocked, redacted and rerouted",
            ["time", "kind", "decision", "provider", "endpoint", "model", "findings", "status"],
            rows,
        )
    )
    if connections:
        conn_rows = [
            (what, str(n), "LLM-like host not in llmwall's table" if _llm_like(what) else "")
            for what, n in connections.items()
        ]
        parts.append(_table("All connections (capture mode)", ["host", "count", "note"], conn_rows))
    parts.append("<p class='meta'>Made by llmwall from its audit log.</p></body></html>")
    return "".join(parts)


def _llm_like(what: str) -> bool:
    host = what.split(" ", 1)[0].lower()
    return "passed through" in what and any(h in host for h in LLM_HINTS)


def _figure(caption: str, svg: str) -> str:
    return f"<figure><figcaption>{html.escape(caption)}</figcaption>{svg}</figure>"


def _table(caption: str, head: list[str], rows: list[Any]) -> str:
    if not rows:
        return ""
    e = html.escape
    out = [f"<h2>{e(caption)}</h2><table><tr>"]
    out += [f"<th>{e(h)}</th>" for h in head]
    out.append("</tr>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "llmwall"})
    import matplotlib.pyplot as plt

    return plt


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    _pyplot().close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]  # drop the XML prologue and doctype


def _bar_svg(counts: Counter[str], *, decision_colours: bool = False) -> str:
    plt = _pyplot()
    items = counts.most_common(15)[::-1]
    fig, ax = plt.subplots(figsize=(5.5, 0.45 * max(len(items), 2) + 0.8))
    labels = [k for k, _ in items]
    colours = [
        DECISION_COLOURS.get(k.split(": ")[-1], "#555") if decision_colours else "#2e86c1"
        for k in labels
    ]
    ax.barh(labels, [v for _, v in items], color=colours)
    ax.set_xlabel("count")
    ax.xaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _svg(fig)


def _timeline_svg(requests: list[dict[str, Any]]) -> str:
    from llmwall.audit.canonical import parse_time

    plt = _pyplot()
    times = [parse_time(r["time"]) for r in requests]
    t0 = min(times)
    span = max((max(times) - t0).total_seconds(), 1.0)
    unit, scale = ("s", 1.0) if span <= 300 else ("min", 60.0) if span <= 18000 else ("h", 3600.0)
    fig, ax = plt.subplots(figsize=(5.5, 2.8))
    by_decision: dict[str, list[float]] = {}
    for r, t in zip(requests, times, strict=True):
        by_decision.setdefault(r["decision"], []).append((t - t0).total_seconds() / scale)
    bins = min(30, max(5, len(requests)))
    ax.hist(
        list(by_decision.values()),
        bins=bins,
        stacked=True,
        label=list(by_decision),
        color=[DECISION_COLOURS.get(d, "#555") for d in by_decision],
    )
    ax.set_xlabel(f"{unit} since {t0:%Y-%m-%d %H:%M:%S} UTC")
    ax.set_ylabel("requests")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _svg(fig)


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}
.meta{color:#555}.warn{background:#fdecea;padding:.8em;border-left:4px solid #c0392b}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:1em}
figure{margin:0;border:1px solid #ddd;padding:.5em}figcaption{font-weight:600}
figure svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ddd;padding:.25em .6em;
text-align:left}th{background:#f4f4f4}
"""
