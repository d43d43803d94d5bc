"""Hệ thống đánh giá hài lòng: the satisfaction-evaluation kiosk shell (touch-first, large type)."""
