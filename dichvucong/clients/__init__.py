"""Pure I/O to systems outside the platform (SMS gateway, later the national portal, payment and postal
services), each with a local test double that speaks the same protocol.

No models, no Django imports beyond settings; the apps above decide what to send.
"""
