"""Settings of the worker process the resilience tests start: the test settings, plus the
database task backend and e-mails written as files into EMAIL_FILE_PATH (read by the test).

The database (DATABASE_URL) and the search server (ELASTICSEARCH_URL) come from the
environment the test gives the process.
"""

import os

from marketplace.settings.env import env_tasks
from marketplace.settings.test import *  # noqa: F403

TASKS = env_tasks("TASKS_BACKEND", "database")
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
