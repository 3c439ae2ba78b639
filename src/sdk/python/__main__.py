"""python3 FOLDER rows.csv: prints one line of predictions per CSV row."""
import importlib.util
import os
import sys

_init = os.path.join(os.path.dirname(os.path.abspath(__file__)), "__init__.py")
_spec = importlib.util.spec_from_file_location("tandem_exported_model", _init)
package = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(package)

if len(sys.argv) != 2:
    sys.exit("usage: python3 FOLDER ROWS.csv")
for values in package.load().predict_csv(sys.argv[1]):
    print(",".join("%.9g" % v for v in values))
