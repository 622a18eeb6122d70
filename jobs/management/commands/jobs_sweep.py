from django.core.management.base import BaseCommand

from jobs import services


class Command(BaseCommand):
    help = (
        "Mark failed the running jobs whose worker stopped (no heartbeat for "
        "JOBS_STALE_SECONDS), and delete finished jobs older than JOBS_KEEP_DAYS. "
        "Run it daily, e.g. from cron."
    )

    def handle(self, *args, **options):
        stale = services.mark_stale_failed()
        deleted = services.delete_old_jobs()
        self.stdout.write(f"Stale jobs marked failed: {stale}; old jobs deleted: {deleted}.")
