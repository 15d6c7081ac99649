from django.core.mail import send_mail
from django.urls import reverse_lazy
from django.views.generic import CreateView, TemplateView

from .forms import TicketForm


class TicketCreateView(CreateView):
    form_class = TicketForm
    template_name = 'tickets/ticket_form.html'
    success_url = reverse_lazy('tickets:thanks')

    def form_valid(self, form):
        response = super().form_valid(form)
        ticket = self.object
        send_mail(
            subject=f'[Helpdesk #{ticket.pk}] {ticket.subject}',
            message='We received your request and will get back to you soon.',
            from_email=None,  # DEFAULT_FROM_EMAIL
            recipient_list=[ticket.email],
        )
        return response


class ThanksView(TemplateView):
    template_name = 'tickets/ticket_form.html'
    extra_context = {'thanks': True}
