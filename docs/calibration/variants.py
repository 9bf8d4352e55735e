"""Per variant and resource: median 90 % coverage, VMs in [88, 92] %, mean relative error of the median
share of hours over the limit against 1 - c, mean p10-p90 spread of that share over 1 - c, and the
exceedance/slack pairs. Usage: variants.py RESULT_DIR..."""
import csv, sys
from collections import defaultdict
def q(v, p):
    v = sorted(x for x in v if x == x); k = (len(v)-1)*p; f = int(k); c = min(f+1, len(v)-1)
    return v[f] + (v[c]-v[f])*(k-f)
for d in sys.argv[1:]:
    rows = defaultdict(list)
    for r in csv.DictReader(open(d + '/results.csv')):
        rows[(r['resource'], r['row'])].append(r)
    for res in ('cpu', 'mem'):
        for m in ('selected', 'calibrated-selected'):
            errs, spreads, line = [], [], []
            cov = None
            for (r2, row), rs in rows.items():
                if r2 != res or not row.startswith(m + '@'): continue
                c = float(row.split('@')[1]); a = 1 - c
                e = [float(x['exceedance']) for x in rs]
                errs.append(abs(q(e, .5) - a) / a); spreads.append((q(e, .9) - q(e, .1)) / a)
                line.append(f"{c}:{100*q(e,.5):.2f}/{100*q([float(x['slack']) for x in rs],.5):.1f}")
                cov = [float(x['coverage90']) for x in rs]
            print(f"{d.split('/')[-1]:16s} {res} {m:20s} cov90 {100*q(cov,.5):.1f} in[88,92] {sum(1 for x in cov if .88<=x<=.92)}"
                  f"  relerr {sum(errs)/len(errs):.2f} spread {sum(spreads)/len(spreads):.2f} | exceed%/slack% " + ' '.join(line))
