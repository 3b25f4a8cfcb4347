"""The worker's part (``manage.py db_worker``): send a delivery, and queue its retry."""

import http.client
import logging

from django.tasks import task
from django.utils import timezone

from . import sending
from .models import Delivery, Status
from .services import delivery_outcome

logger = logging.getLogger(__name__)


@task
def deliver(delivery_id: int) -> None:
    delivery = Delivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in (Status.DELIVERED, Status.FAILED):
        return  # its webhook was deleted, or it is done
    hook = delivery.webhook
    code, error = None, ""
    try:
        code = sending.post(
            url=hook.url,
            secret=hook.secret,
            event=delivery.event,
            delivery_id=delivery.pk,
            body=sending.encode(delivery.payload),
        )
        if not 200 <= code < 300:
            error = f"Answered {code}."
    except sending.UnsafeTarget as refused:
        error = str(refused)
    except (OSError, http.client.HTTPException) as failure:
        error = f"No answer: {failure.__class__.__name__}: {failure}"
    wait = delivery_outcome(delivery=delivery, code=code, error=error)
    if wait is not None:
        deliver.using(run_after=timezone.now() + wait).enqueue(delivery.pk)
        logger.info("Webhook delivery %s failed (%s); retrying in %s", delivery.pk, error, wait)
