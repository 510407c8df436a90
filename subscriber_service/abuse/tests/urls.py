"""The service's URLs plus two signup endpoints guarded the way real views are."""

from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.urls import path
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from subscriber_service.abuse.apis import RequestSizeLimitMixin
from subscriber_service.abuse.exceptions import AbuseRejected
from subscriber_service.abuse.guard import signup_form_context, signup_guard
from subscriber_service.urls import urlpatterns as service_urlpatterns


class GuardedSignupApi(RequestSizeLimitMixin, APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        signup_guard(
            request,
            email=request.data.get("email", ""),
            data=request.data,
            require_form_timing=request.query_params.get("hosted") == "1",
        )
        return Response({"accepted": True}, status=202)


PAGE = Template(
    """{% load static %}<!doctype html>
<html lang="en"><head><title>Sign up</title>
<script src="{{ abuse.pow_script_url }}" defer></script></head>
<body><form method="post" action="" data-pow-challenge-url="{{ abuse.challenge_url }}">
<label for="email">Email</label><input id="email" name="email" type="email" required>
{% include "abuse/signup_protection_fields.html" %}
<button type="submit">Sign up</button></form></body></html>"""
)


@csrf_exempt
def signup_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            signup_guard(
                request,
                email=request.POST.get("email", ""),
                data=request.POST,
                require_form_timing=True,
            )
        except AbuseRejected as error:
            return HttpResponse(
                f'<p id="result">{escape(error.detail)}</p>', status=error.status_code
            )
        return HttpResponse('<p id="result">Thank you for signing up.</p>')
    return HttpResponse(PAGE.render(Context({"abuse": signup_form_context(request)})))


urlpatterns = [
    *service_urlpatterns,
    path("test/signup/", GuardedSignupApi.as_view()),
    path("test/signup-page/", signup_page),
]
