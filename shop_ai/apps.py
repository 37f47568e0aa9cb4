from django.apps import AppConfig


class ShopAiConfig(AppConfig):
    name = "shop_ai"
    verbose_name = "Shop AI: stores and access"
