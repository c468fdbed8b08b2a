"""Language selection: Vietnamese unless the visitor chose English.

Django's LocaleMiddleware follows the browser's Accept-Language, and many
Vietnamese phones are set to English: they would get an English marketplace they
never asked for. Here only the language cookie set by the switcher
(`/i18n/setlang/`) changes the language; everyone else gets LANGUAGE_CODE.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
