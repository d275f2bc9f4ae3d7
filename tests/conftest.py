import os
import sys
from pathlib import Path

# brute_force.py and other test helpers are imported by name.
sys.path.insert(0, str(Path(__file__).parent))

# Tests exercise the real derivations, never a cached answer (tests/test_cache.py turns the
# cache on for itself). Set here, it also reaches the subprocesses the tests start.
os.environ["SYMCONV_NO_CACHE"] = "1"
