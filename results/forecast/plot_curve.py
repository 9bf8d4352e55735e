"""Slack-shortage curves of the backtest's models (median across VMs, one point per confidence level
0.8 ... 0.999) beside VPA target's, the moving window's (reactive) and the clairvoyant hourly limit, as SVG.

Usage: python3 results/forecast/plot_curve.py results/forecast/summary.csv docs/slack-vs-shortage.svg
Standard library only. Reads summary.csv as `umbra backtest` writes it (resource,row,vms,slack,shortage_steps,...).
"""
import csv
import math
import sys
from collections import defaultdict

W, H = 460, 340            # one panel
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 40, 50
X_MIN, X_MAX = 1e-4, 0.1   # short samples, log scale
COLORS = {'vpa': '#d62728', 'moving-window': '#ff7f0e', 'clairvoyant': '#7f7f7f', 'lstm': '#9467bd',
          'selected': '#1f77b4', 'ewma': '#2ca02c', 'recent-peak': '#8c564b', 'seasonal-naive': '#e377c2'}


def x_of(short):
    s = min(max(short, X_MIN), X_MAX)
    return LEFT + (math.log10(s) - math.log10(X_MIN)) / (math.log10(X_MAX) - math.log10(X_MIN)) * (W - LEFT - RIGHT)


def y_of(slack):
    return TOP + (1 - slack) * (H - TOP - BOTTOM)


def panel(resource, rows, dx):
    out = [f'<g transform="translate({dx},0)">',
           f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">{resource}: slack vs short samples (median of {rows["vpa"]["vms"]} VMs)</text>',
           f'<rect x="{LEFT}" y="{TOP}" width="{W - LEFT - RIGHT}" height="{H - TOP - BOTTOM}" fill="none" stroke="#333"/>']
    for p in (1e-4, 1e-3, 1e-2, 1e-1):
        x = x_of(p)
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{H - BOTTOM}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{H - BOTTOM + 15}" text-anchor="middle" font-size="11">{100 * p:g} %</text>')
    for s in (0, 0.2, 0.4, 0.6, 0.8, 1.0):
        y = y_of(s)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{100 * s:.0f} %</text>')
    out.append(f'<text x="{(LEFT + W - RIGHT) / 2}" y="{H - 12}" text-anchor="middle" font-size="12">short samples (log scale)</text>')
    out.append(f'<text x="14" y="{(TOP + H - BOTTOM) / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 {(TOP + H - BOTTOM) / 2})">slack</text>')
    curves = defaultdict(list)
    for row, r in rows.items():
        if '@' in row:
            model, level = row.split('@')
            curves[model].append((float(level), r))
    legend = []
    for model, points in sorted(curves.items()):
        points.sort()
        color = COLORS.get(model, '#17becf')
        xy = ' '.join(f'{x_of(r["short"]):.1f},{y_of(r["slack"]):.1f}' for _, r in points)
        out.append(f'<polyline points="{xy}" fill="none" stroke="{color}" stroke-width="1.8"/>')
        for level, r in points:
            out.append(f'<circle cx="{x_of(r["short"]):.1f}" cy="{y_of(r["slack"]):.1f}" r="2.5" fill="{color}"><title>{model}@{level}: slack {100 * r["slack"]:.1f} %, short {100 * r["short"]:.2f} %</title></circle>')
        legend.append((model + ' @0.8…0.999', color, 'line'))
    for model in ('vpa', 'moving-window'):
        if model in rows:
            r = rows[model]
            x, y = x_of(r['short']), y_of(r['slack'])
            out.append(f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{COLORS[model]}"><title>{model}: slack {100 * r["slack"]:.1f} %, short {100 * r["short"]:.2f} %</title></rect>')
            legend.append(({'vpa': 'VPA target', 'moving-window': 'moving window (reactive)'}[model], COLORS[model], 'square'))
            if model == 'vpa':
                target = 0.7 * r['slack']
                out.append(f'<line x1="{LEFT}" y1="{y_of(target):.1f}" x2="{W - RIGHT}" y2="{y_of(target):.1f}" stroke="{COLORS[model]}" stroke-dasharray="2,3"/>')
                legend.append(('30 % below VPA\'s slack (target)', COLORS[model], 'dots'))
    if 'clairvoyant' in rows:
        y = y_of(rows['clairvoyant']['slack'])
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" stroke="{COLORS["clairvoyant"]}" stroke-dasharray="6,4"/>')
        legend.append(('clairvoyant hourly limit (0 short)', COLORS['clairvoyant'], 'dash'))
    for i, (name, color, kind) in enumerate(legend):
        ly = H - BOTTOM - 8 - 13 * (len(legend) - 1 - i)  # bottom left: the curves fall from top left to bottom right
        if kind == 'square':
            out.append(f'<rect x="{LEFT + 12}" y="{ly - 8}" width="8" height="8" fill="{color}"/>')
        else:
            dash = {'line': '', 'dash': ' stroke-dasharray="6,4"', 'dots': ' stroke-dasharray="2,3"'}[kind]
            out.append(f'<line x1="{LEFT + 8}" y1="{ly - 4}" x2="{LEFT + 22}" y2="{ly - 4}" stroke="{color}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{LEFT + 26}" y="{ly}" font-size="10">{name}</text>')
    out.append('</g>')
    return out


def main(summary, svg):
    by_resource = defaultdict(dict)
    for r in csv.DictReader(open(summary)):
        by_resource[r['resource']][r['row']] = {'slack': float(r['slack']), 'short': float(r['shortage_steps']), 'vms': r['vms']}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W}" height="{H}" font-family="sans-serif">',
             f'<rect width="{2 * W}" height="{H}" fill="white"/>']
    for i, resource in enumerate(('cpu', 'mem')):
        parts += panel(resource, by_resource[resource], i * W)
    parts.append('</svg>')
    open(svg, 'w').write('\n'.join(parts) + '\n')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
