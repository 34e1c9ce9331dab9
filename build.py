from ssk_report.cli import build_script

if __name__ == "__main__":  # PDF worker processes import this file too
    build_script()
