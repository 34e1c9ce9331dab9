"""ssk-report: a sanitation programme's YAML data -> a public progress website and printed PDF reports."""

__version__ = "0.1.0"
