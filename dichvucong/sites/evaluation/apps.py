from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "dichvucong.sites.evaluation"
    label = "evaluation"
    verbose_name = "Satisfaction evaluation kiosk"
