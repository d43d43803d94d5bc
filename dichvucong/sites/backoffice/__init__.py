"""Hệ thống một cửa điện tử: the officers' and leaders' back-office shell (thin views, scope-checked)."""
