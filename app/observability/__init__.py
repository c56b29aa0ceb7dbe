"""Metrics (Prometheus text format) and structured JSON logs with a request id."""
