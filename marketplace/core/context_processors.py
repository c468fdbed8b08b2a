from django.conf import settings


def brand(request):
    return {"MARKETPLACE_NAME": settings.MARKETPLACE_NAME, "THEME": settings.THEME}
