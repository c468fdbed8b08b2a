from django.conf import settings


def brand(request):
    return {
        "MARKETPLACE_NAME": settings.MARKETPLACE_NAME,
        "THEME": settings.THEME,
        # The footer's Ministry of Industry and Trade badge (empty: none).
        "MOIT_REGISTRATION_URL": getattr(settings, "MOIT_REGISTRATION_URL", ""),
        "MOIT_BADGE_IMAGE_URL": getattr(settings, "MOIT_BADGE_IMAGE_URL", ""),
    }
