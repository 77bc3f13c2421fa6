"""Bar charts as inline SVG, drawn on the server: no script, no CDN, readable without colours (values on the bars)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 720, 220
LEFT, BOTTOM, TOP = 36, 40, 16


def bar_chart(title: str, points: Sequence[tuple[str, float]], percent: bool = False, every: int = 1) -> Markup:
    """Vertical bars, one per (label, value); ``every``: label one bar in so many (long series)."""
    if not points:
        return Markup(f'<p class="empty">{escape(title)}: no data yet.</p>')
    top = 1.0 if percent else max(1.0, max(v for _, v in points))
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    step = plot_w / len(points)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 8}" y2="{TOP + plot_h}"/>',
        f'<text class="tick" x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">{_fmt(top, percent)}</text>',
        f'<text class="tick" x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end">0</text>',
    ]
    for i, (label, value) in enumerate(points):
        h = plot_h * (value / top) if top else 0
        x = LEFT + i * step + step * 0.15
        y = TOP + plot_h - h
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}">'
            f"<title>{escape(label)}: {_fmt(value, percent)}</title></rect>"
        )
        if value and len(points) <= 16:
            parts.append(
                f'<text class="value" x="{x + step * 0.35:.1f}" y="{y - 3:.1f}" text-anchor="middle">'
                f"{_fmt(value, percent)}</text>"
            )
        if i % every == 0:
            parts.append(
                f'<text class="tick" x="{x + step * 0.35:.1f}" y="{TOP + plot_h + 14}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _fmt(value: float, percent: bool) -> str:
    return f"{value * 100:.0f}%" if percent else f"{value:g}"


def share_chart(title: str, rows: Sequence[tuple[str, float, int]]) -> Markup:
    """Horizontal bars of shares (0 to 1), one row per (label, share, count), the count written after the bar."""
    if not rows:
        return Markup(f'<p class="empty">{escape(title)}: no data yet.</p>')
    label_w, row_h, bar_w = 200, 26, WIDTH - 200 - 120
    height = row_h * len(rows) + 8
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, share, count) in enumerate(rows):
        y = 4 + i * row_h
        w = bar_w * max(0.0, min(1.0, share))
        parts += [
            f'<text class="tick" x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>',
            f'<rect class="track" x="{label_w}" y="{y + 4}" width="{bar_w}" height="{row_h - 8}"/>',
            f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}">'
            f"<title>{escape(label)}: {_fmt(share, True)} of {count}</title></rect>",
            f'<text class="value" x="{label_w + bar_w + 8}" y="{y + 17}">{_fmt(share, True)} of {count}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))
