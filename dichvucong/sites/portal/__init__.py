"""Cổng Dịch vụ công: the citizens' and businesses' portal shell (thin views over services/selectors)."""
