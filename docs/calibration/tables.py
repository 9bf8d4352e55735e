"""Markdown tables from a backtest's results.csv: medians across VMs and p10-p90. Usage: tables.py RESULT_DIR"""
import csv, sys
from collections import defaultdict
def q(v, p):
    v = sorted(x for x in v if x == x)
    if not v: return float('nan')
    k = (len(v)-1)*p; f = int(k); c = min(f+1, len(v)-1)
    return v[f] + (v[c]-v[f])*(k-f)
rows = defaultdict(list)
order = []
for r in csv.DictReader(open(sys.argv[1] + '/results.csv')):
    key = (r['resource'], r['row'])
    if key not in rows: order.append(key)
    rows[key].append({k: (float(r[k]) if r[k] else float('nan')) for k in
                      ('slack', 'shortage_steps', 'coverage90', 'exceedance', 'pinball')})
for res in ('cpu', 'mem'):
    print(f'\n**{res}** (57 VMs; median, and p10–p90 across VMs)\n')
    print('| row | hours over limit | slack | short samples | pinball | 90 % interval coverage | VMs with coverage in [88, 92] % |')
    print('|---|---|---|---|---|---|---|')
    for key in order:
        if key[0] != res: continue
        d = rows[key]
        f = lambda m, p: 100*q([x[m] for x in d], p)
        cov = [x['coverage90'] for x in d if x['coverage90'] == x['coverage90']]
        model = key[1].split('@')[0]
        first = '@' not in key[1] or key[1] == next(k[1] for k in order if k[0] == res and k[1].startswith(model + '@'))
        covtxt = (f'{f("coverage90",.5):.1f} % ({f("coverage90",.1):.1f}–{f("coverage90",.9):.1f})' if cov and first else '')
        inside = (f'{sum(1 for x in cov if .88 <= x <= .92)}' if cov and first else '')
        pin = f'{q([x["pinball"] for x in d], .5):.4f}' if cov and first else ''
        print(f'| {key[1]} | {f("exceedance",.5):.2f} % ({f("exceedance",.1):.2f}–{f("exceedance",.9):.2f}) '
              f'| {f("slack",.5):.1f} % ({f("slack",.1):.1f}–{f("slack",.9):.1f}) '
              f'| {f("shortage_steps",.5):.3f} % ({f("shortage_steps",.1):.3f}–{f("shortage_steps",.9):.3f}) | {pin} | {covtxt} | {inside} |')
