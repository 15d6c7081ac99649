from django.contrib import admin

from .models import Ticket


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ('subject', 'email', 'priority', 'resolved', 'opened')
    list_filter = ('resolved', 'priority')
