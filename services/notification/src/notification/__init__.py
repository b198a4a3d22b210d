"""Notification: the right person hears of each step, once, in Chinese (e-mail, in-app inbox, SMS gateway)."""
