#!/bin/sh
# Run `manage.py <command>` as the ocop user with exactly the services' environment
# (/etc/ocop/ocop.env, read by systemd as the units read it), interactive when needed:
#   sudo /srv/ocop/app/deploy/manage.sh migrate
#   sudo /srv/ocop/app/deploy/manage.sh createsuperuser
set -eu
APP_DIR=${OCOP_APP_DIR:-/srv/ocop/app}
exec systemd-run --quiet --wait --collect --pty \
    --uid=ocop --gid=ocop \
    --property=EnvironmentFile=/etc/ocop/ocop.env \
    --working-directory="$APP_DIR" \
    "$APP_DIR/.venv/bin/python" manage.py "$@"
