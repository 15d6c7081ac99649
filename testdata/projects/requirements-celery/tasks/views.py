import json

from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import TaskRun
from .tasks import add


def _as_dict(run):
    return {
        "id": run.pk,
        "name": run.name,
        "status": run.status,
        "arguments": run.arguments,
        "result": run.result,
        "created": run.created.isoformat(),
        "finished": run.finished.isoformat() if run.finished else None,
    }


@csrf_exempt
@require_POST
def enqueue_add(request):
    try:
        payload = json.loads(request.body)
        x, y = int(payload["x"]), int(payload["y"])
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest("expected JSON {\"x\": int, \"y\": int}")
    run = TaskRun.objects.create(name="add", arguments={"x": x, "y": y})
    add.delay(run.pk, x, y)
    return JsonResponse(_as_dict(run), status=202)


@require_GET
def run_detail(request, pk):
    return JsonResponse(_as_dict(get_object_or_404(TaskRun, pk=pk)))


@require_GET
def run_list(request):
    runs = TaskRun.objects.all()[:50]
    return JsonResponse({"results": [_as_dict(r) for r in runs]})
