from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dichvucong.demo"
    label = "demo"
    verbose_name = "Demo city"
