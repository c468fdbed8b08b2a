"""The marketplace's URLs plus `/bench/ceiling/`, the smallest Django view there is.

The ceiling answers a few bytes through the full middleware stack (sessions, CSRF, auth,
messages, Oscar's basket, Wagtail redirects…), so its requests per second are what this
machine, gunicorn and Django can serve at all: the pages are judged as a share of it.
"""

from django.http import HttpResponse
from django.urls import path

from marketplace.urls import urlpatterns as marketplace_urlpatterns


def ceiling(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/ceiling/", ceiling, name="bench-ceiling"), *marketplace_urlpatterns]
