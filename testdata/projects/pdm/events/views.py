from django.db.models import Count
from django.http import JsonResponse
from django.utils import timezone

from .models import Event


def upcoming(request):
    events = (
        Event.objects.filter(starts_at__gte=timezone.now())
        .annotate(registered=Count("registrations"))
        .values("id", "title", "starts_at", "venue", "capacity", "registered")
    )
    return JsonResponse({"events": list(events)})
