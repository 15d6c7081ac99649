from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .models import TaskRun


@shared_task(bind=True)
def add(self, run_id, x, y):
    run = TaskRun.objects.get(pk=run_id)
    run.celery_id = self.request.id
    run.result = {"sum": x + y}
    run.status = TaskRun.Status.SUCCESS
    run.finished = timezone.now()
    run.save(update_fields=["celery_id", "result", "status", "finished"])
    return x + y


@shared_task
def purge_old_runs(days):
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = TaskRun.objects.filter(created__lt=cutoff).delete()
    return deleted
