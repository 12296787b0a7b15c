"""Small charts as server-rendered SVG: no script, no style attributes (a strict CSP allows
neither), colours from classes in survey.css. Each chart draws only what the disclosure rule let
through; a hidden cell is drawn as a labelled gap that says it is hidden, never left out silently.
Plain Python: every text passed in is already translated; here it is only escaped.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

ROW = 24
LABEL_WIDTH = 170
VALUE_WIDTH = 150
# Colours as presentation attributes (allowed by a strict CSP, unlike style attributes), so the
# PDF renderer, which ignores the page's CSS inside SVG, draws them too; survey.css may override.
FILL = {"girls": "#7a3e9d", "boys": "#1b6ca8", "other": "#5f8f3e", "previous": "#9a9a9a", "baseline": "#c8c8c8"}
BAR_FILL = "#c4001a"
INK = "#1d1d1b"
MUTED = "#6b6b6b"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None          # None: hidden
    low: float | None = None     # the 95% interval, when there is one
    high: float | None = None
    text: str = ""               # the value as printed beside the bar (or the "hidden" note)
    kind: str = ""               # a class: e.g. "girls", "boys", "previous", "baseline"


def interval_chart(bars: list[Bar], *, low: float, high: float, title: str, width: int = 640,
                   rtl: bool = False, label_width: int = LABEL_WIDTH, value_width: int = VALUE_WIDTH,
                   ticks: tuple[str, str] | None = None, row: int = ROW) -> str:
    """Horizontal bars with their 95% intervals as whiskers, on a fixed axis from `low` to `high`."""
    plot = width - label_width - value_width
    height = row * len(bars) + 24
    span = (high - low) or 1.0

    def x(value: float) -> float:
        offset = (min(max(value, low), high) - low) / span * plot
        return (width - label_width - offset) if rtl else (label_width + offset)

    # The chart states its own direction, so "start"/"end" mean the same whatever page holds it:
    # labels end next to their bar; values start just past the axis's far end.
    parts = [_open(width, height, title, "rtl" if rtl else "ltr")]
    label_x = width - label_width + 8 if rtl else label_width - 8
    for index, bar in enumerate(bars):
        y = index * row + 4
        base = y + row / 2 + 4
        parts.append(f'<text class="chart-label" x="{label_x}" y="{base:.1f}" text-anchor="end" fill="{INK}">'
                     f'{escape(bar.label)}</text>')
        if bar.value is None:
            parts.append(f'<rect class="chart-hidden" x="{min(x(low), x(high))}" y="{y + 3}" width="{plot}" '
                         f'height="{row - 8}" fill="#f1f1f1" stroke="#9a9a9a" stroke-dasharray="4 3"/>')
            parts.append(f'<text class="chart-hidden-text" x="{(x(low) + x(high)) / 2:.1f}" y="{base:.1f}" '
                         f'text-anchor="middle" fill="{MUTED}" font-style="italic">{escape(bar.text)}</text>')
            continue
        start, end = sorted((x(low), x(bar.value)))
        fill = next((FILL[k] for k in bar.kind.split() if k in FILL), BAR_FILL)
        parts.append(f'<rect class="chart-bar {escape(bar.kind)}" x="{start:.1f}" y="{y + 3}" fill="{fill}" '
                     f'width="{max(end - start, 1):.1f}" height="{row - 8}"><title>{escape(bar.label)}: '
                     f'{escape(bar.text)}</title></rect>')
        if bar.low is not None and bar.high is not None:
            a, b, mid = x(bar.low), x(bar.high), y + row / 2 - 1
            parts.append(f'<path class="chart-whisker" stroke="{INK}" stroke-width="1.5" fill="none" d="M{a:.1f} {mid - 6}V{mid + 6}M{a:.1f} {mid}H{b:.1f}'
                         f'M{b:.1f} {mid - 6}V{mid + 6}"/>')
        value_x = x(high) - 8 if rtl else x(high) + 8
        parts.append(f'<text class="chart-value" x="{value_x:.1f}" y="{base:.1f}" text-anchor="start" fill="{INK}">'
                     f'{escape(bar.text)}</text>')
    axis_y = len(bars) * row + 6
    parts.append(f'<path class="chart-axis" stroke="{INK}" d="M{x(low):.1f} {axis_y}H{x(high):.1f}"/>')
    for value, text in zip((low, high), ticks or (_tick(low), _tick(high))):
        parts.append(f'<text class="chart-tick" x="{x(value):.1f}" y="{axis_y + 14}" text-anchor="middle" '
                     f'fill="{MUTED}">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart(columns: list[tuple[str, int | None]], *, title: str, hidden_text: str, width: int = 640,
                 height: int = 160, label_every: int = 1) -> str:
    """Counts as columns (responses per day or week, answers per value); a hidden count is a
    hatched full-height column whose tooltip says it is hidden."""
    if not columns:
        return ""
    top = max([n for _, n in columns if n is not None] or [1]) or 1
    plot_height = height - 34
    step = (width - 20) / len(columns)
    parts = [_open(width, height, title)]
    for index, (label, n) in enumerate(columns):
        x = 10 + index * step
        bar_width = max(step - 2, 1)
        if n is None:
            parts.append(f'<rect class="chart-hidden" x="{x:.1f}" y="6" width="{bar_width:.1f}" height="{plot_height}" '
                         f'fill="#f1f1f1" stroke="#9a9a9a" stroke-dasharray="4 3">'
                         f'<title>{escape(label)}: {escape(hidden_text)}</title></rect>')
        else:
            h = n / top * plot_height
            parts.append(f'<rect class="chart-bar" fill="{BAR_FILL}" x="{x:.1f}" y="{6 + plot_height - h:.1f}" width="{bar_width:.1f}" '
                         f'height="{h:.1f}"><title>{escape(label)}: {n}</title></rect>')
        if index % label_every == 0:
            parts.append(f'<text class="chart-tick" fill="{MUTED}" x="{x + bar_width / 2:.1f}" y="{height - 12}" '
                         f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _open(width: int, height: int, title: str, direction: str = "ltr") -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" direction="{direction}" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>')


def _tick(value: float) -> str:
    return f"{value:g}"
