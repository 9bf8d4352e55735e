#!/usr/bin/env python3
"""Per-VM comparison of every row of results.csv with the VPA row of the same VM and resource.

Prints, per resource and row: the median over VMs of (slack - slack_vpa) / slack_vpa, the number
of VMs where the row has less slack AND no more shortage (share of samples) than VPA, and the
median shortage difference in percentage points. Usage: paired_vs_vpa.py results.csv
"""
import csv
import statistics
import sys

rows = list(csv.DictReader(open(sys.argv[1] if len(sys.argv) > 1 else "results.csv")))
vpa = {(r["vm"], r["resource"]): r for r in rows if r["row"] == "vpa"}
out = {}
for r in rows:
    if r["row"] == "vpa":
        continue
    v = vpa[(r["vm"], r["resource"])]
    s, sv = float(r["slack"]), float(v["slack"])
    sh, shv = float(r["shortage_steps"]), float(v["shortage_steps"])
    out.setdefault((r["resource"], r["row"]), []).append(((s - sv) / sv, sh <= shv and s < sv, sh - shv))
print("resource,row,vms,median_slack_vs_vpa,vms_dominating_vpa,median_shortage_diff_pp")
for (resource, row), v in out.items():
    print("%s,%s,%d,%+.3f,%d,%+.3f" % (resource, row, len(v), statistics.median(x[0] for x in v),
                                      sum(x[1] for x in v), 100 * statistics.median(x[2] for x in v)))
