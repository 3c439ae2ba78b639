"""Writes a CSV of about TARGET_MB megabytes (default 240)
from statsmodels' `fair` data set (Fair's 1978 affairs survey, 6,366 rows, Debian's
python3-statsmodels): its rows repeated with small noise on the continuous columns,
a few cells left empty, occupation as text and the label yes/no.

    python3 make_csv.py OUT.csv [TARGET_MB]
"""
import csv
import os
import random
import sys

FAIR = "/usr/lib/python3/dist-packages/statsmodels/datasets/fair/fair.csv"
# statsmodels' documentation of the occupation codes.
OCCUPATIONS = {1: "student", 2: "farming", 3: "white-collar", 4: "teacher",
               5: "managerial", 6: "professional"}


def main():
    out_path = sys.argv[1]
    target = int(float(sys.argv[2] if len(sys.argv) > 2 else 240) * 1e6)
    with open(FAIR, newline="") as f:
        rows = list(csv.DictReader(f))
    rng = random.Random(17)
    with open(out_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["rate_marriage", "age", "yrs_married", "children", "religious", "educ",
                    "occupation", "occupation_husb", "affair"])
        written = 0
        while written < target:
            r = rows[rng.randrange(len(rows))]
            educ = "" if rng.random() < 0.02 else "%.2f" % (float(r["educ"]) + rng.gauss(0, 0.5))
            line = [r["rate_marriage"], "%.2f" % (float(r["age"]) + rng.gauss(0, 1.0)),
                    "%.2f" % max(0.0, float(r["yrs_married"]) + rng.gauss(0, 0.5)),
                    r["children"], r["religious"], educ,
                    OCCUPATIONS[int(float(r["occupation"]))], r["occupation_husb"],
                    "yes" if float(r["affairs"]) > 0 else "no"]
            w.writerow(line)
            written += sum(len(x) for x in line) + len(line) + 1
    print("%s: %.1f MB" % (out_path, os.path.getsize(out_path) / 1e6))


if __name__ == "__main__":
    main()
