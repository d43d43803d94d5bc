"""The demo city: ``manage.py load_demo`` loads the agency tree and demo accounts for trying the platform.

Owns only seeding, never business rules: every seeder builds its data through the other apps'
services. It is the top layer (it may import every app and nothing imports it). Apps add their demo
data by appending a seeder to ``seeders.SEEDERS``. Refuses to create accounts unless ``DEMO_MODE``.
"""
