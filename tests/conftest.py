import sys
from pathlib import Path

# brute_force.py and other test helpers are imported by name.
sys.path.insert(0, str(Path(__file__).parent))
