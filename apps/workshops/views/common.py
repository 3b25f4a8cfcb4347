from apps.accounts.client_address import client_ip
from apps.matrices.views.common import bad_request, form_errors

__all__ = ["bad_request", "client_ip", "form_errors"]
