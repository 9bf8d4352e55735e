"""Spread across VMs, and slack interpolated to VPA target's short-sample share. Usage: vs_vpa.py RESULT_DIR"""
import csv, sys, statistics
from collections import defaultdict

def q(v, p):
    v = sorted(x for x in v if x == x)
    if not v: return float('nan')
    k = (len(v) - 1) * p; f = int(k); c = min(f + 1, len(v) - 1)
    return v[f] + (v[c] - v[f]) * (k - f)

rows = defaultdict(dict)  # (resource,row) -> vm -> record
for r in csv.DictReader(open(sys.argv[1] + '/results.csv')):
    rows[(r['resource'], r['row'])][r['vm']] = {k: float(r[k]) if r[k] else float('nan') for k in
        ('slack', 'shortage_steps', 'coverage90', 'exceedance', 'pinball')}
models = sorted({row.split('@')[0] for _, row in rows if '@' in row})
print('## coverage of the 90 % interval (p05..p95 of the hourly peak) across VMs: p10 / median / p90')
for res in ('cpu', 'mem'):
    for m in models:
        key = next(k for k in rows if k[0] == res and k[1].startswith(m + '@'))
        v = [x['coverage90'] for x in rows[key].values()]
        inside = sum(1 for x in v if 0.88 <= x <= 0.92)
        print(f'{res} {m:28s} {100*q(v,.1):5.1f} / {100*q(v,.5):5.1f} / {100*q(v,.9):5.1f} %   VMs in [88,92]: {inside}/{len(v)}')
print()
print('## exceedance (share of hours whose peak > limit) across VMs: p10 / median / p90; slack and short samples: medians')
for res in ('cpu', 'mem'):
    for (r2, row), d in rows.items():
        if r2 != res: continue
        e = [x['exceedance'] for x in d.values()]
        s = [x['slack'] for x in d.values()]
        sh = [x['shortage_steps'] for x in d.values()]
        print(f'{res} {row:32s} exceed {100*q(e,.1):6.2f} / {100*q(e,.5):6.2f} / {100*q(e,.9):6.2f} %  '
              f'slack {100*q(s,.5):5.1f} % (p10 {100*q(s,.1):5.1f}, p90 {100*q(s,.9):5.1f})  short {100*q(sh,.5):6.3f} % '
              f'(p90 {100*q(sh,.9):6.3f})')
print()
print('## slack interpolated (linearly in confidence) to a target median short-sample share')
def at_shortage(res, m, target):
    pts = []
    for (r2, row), d in rows.items():
        if r2 == res and row.startswith(m + '@'):
            pts.append((float(row.split('@')[1]), q([x['shortage_steps'] for x in d.values()], .5),
                        q([x['slack'] for x in d.values()], .5)))
    pts.sort()
    for (c0, s0, l0), (c1, s1, l1) in zip(pts, pts[1:]):
        if s1 <= target <= s0 and s0 > s1:
            w = (s0 - target) / (s0 - s1)
            return c0 + w * (c1 - c0), l0 + w * (l1 - l0)
    return float('nan'), float('nan')
for res in ('cpu', 'mem'):
    vpa = rows[(res, 'vpa')]
    vs = q([x['shortage_steps'] for x in vpa.values()], .5); vsl = q([x['slack'] for x in vpa.values()], .5)
    targets = [vs] if res == 'cpu' else [vs, 0.001]
    print(f'{res} vpa: short {100*vs:.3f} %, slack {100*vsl:.1f} %')
    for t in targets:
        for m in models:
            c, sl = at_shortage(res, m, t)
            print(f'  {m:22s} at {100*t:.3f} % short: confidence {c:.4f}, slack {100*sl:.1f} % = {100*(sl/vsl-1):+.1f} % vs VPA')
