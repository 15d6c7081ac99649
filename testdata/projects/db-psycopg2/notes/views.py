import json

from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import Note


def as_json(note):
    return {"id": note.id, "text": note.text, "pinned": note.pinned}


@csrf_exempt
@require_http_methods(["GET", "POST"])
def notes(request):
    if request.method == "POST":
        try:
            data = json.loads(request.body)
            note = Note.objects.create(text=str(data["text"]), pinned=bool(data.get("pinned")))
        except (ValueError, KeyError):
            return HttpResponseBadRequest("want JSON with a text")
        return JsonResponse(as_json(note), status=201)
    return JsonResponse(
        {
            "server": connection.vendor,
            "count": Note.objects.count(),
            "notes": [as_json(n) for n in Note.objects.all()],
        }
    )


def note(request, pk):
    return JsonResponse(as_json(get_object_or_404(Note, pk=pk)))
