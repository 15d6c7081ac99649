from django.contrib import admin

from .models import Issue


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "state", "reporter", "updated")
    list_filter = ("state",)
    search_fields = ("title", "body")
