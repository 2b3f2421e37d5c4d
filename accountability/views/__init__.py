"""Pages for privacy officers and directors, one module per page group: the dashboard and
advice (dashboard.py), the audit browser with its CSV, PDF report and chain verification
(audit.py), the processing register (register.py), the retention schedule (retention.py)
and the incident register (incidents.py). Thin: permission helper → form → one service →
redirect with a message. The rights requests' pages are in accountability/rights/views.py."""
