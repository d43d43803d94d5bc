from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "dichvucong.bench"
    label = "bench"
    verbose_name = "Benchmarks"
