from django.core.management.base import BaseCommand

from ...seeding import sample_matrix_ensure, seed_reference_content


class Command(BaseCommand):
    help = (
        "Load the reference content (sources, roles, reference template) and create the sample "
        "matrix 'product-roles'. Idempotent: what already exists is left as it is, so edits "
        "made in the admin survive."
    )

    def handle(self, *args, **options):
        created = seed_reference_content()
        sample = sample_matrix_ensure()
        self.stdout.write(f"Seeded {created} new object(s). Sample matrix: {sample.slug}")
