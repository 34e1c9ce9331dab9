import sys
from ssk_report.cli import main
sys.exit(main(["build", *sys.argv[1:]]))
