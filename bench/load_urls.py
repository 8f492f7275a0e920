"""The portal's URLs plus /bench/bare/: a view that returns "ok" through the same middleware,
the floor that bench/bench_load.py compares the catalogue pages with."""

from django.http import HttpResponse
from django.urls import path

import portal.urls


def bare(request):
    return HttpResponse("ok")


handler403 = portal.urls.handler403
handler404 = portal.urls.handler404
handler500 = portal.urls.handler500
urlpatterns = [path("bench/bare/", bare), *portal.urls.urlpatterns]
