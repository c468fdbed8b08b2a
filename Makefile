# Chợ OCOP — `make run` serves the marketplace, `make test` runs every check and the suite.
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
UV_VERSION := 0.13.9
export DJANGO_SETTINGS_MODULE ?= marketplace.settings.dev

.PHONY: install run test check lint pytest system-packages chromium deploy-check fmt benchmark clean

install: $(STAMP)

$(STAMP): pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv sync --frozen --inexact --python $(BIN)/python
	touch $(STAMP)

run: install
	PORT=$(PORT) $(BIN)/python manage.py serve --port $(PORT)

test: install check pytest

check: install lint deploy-check
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

lint: install
	$(BIN)/ruff check .

deploy-check: install
	DJANGO_SETTINGS_MODULE=marketplace.settings.production \
	SECRET_KEY=ci-deploy-check-7f3a9c2e1b8d4f6a0c5e9b2d7a1f3c8e6b4d0a9f2c7e5b1d8a3f6c0e9b2d4a7f \
	ALLOWED_HOSTS=ocop.example.vn SITE_URL=https://ocop.example.vn DATABASE_URL=postgres://ocop@db.example.vn/ocop \
	ELASTICSEARCH_URL=https://search.example.vn:9200 STRIPE_SECRET_KEY=sk_live_dummy \
	STRIPE_PUBLISHABLE_KEY=pk_live_dummy STRIPE_WEBHOOK_SECRET=whsec_dummy \
	REDIS_URL=redis://cache.example.vn:6379/0 EMAIL_URL=smtp+tls://ocop@mail.example.vn:587 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# Debian packages some tests drive: Chromium for the browser tests (tests/functional/browser;
# Playwright never downloads a browser), nginx and systemd-analyze for the deployment tests
# (nginx -> gunicorn -> Django; the example units verified, tests/integration/deploy).
# Installed with apt when missing (root, or passwordless sudo); when they cannot be, those
# tests are skipped and say why.
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx
system-packages:
	@missing=""; [ -x $(CHROMIUM) ] || missing="chromium"; [ -x $(NGINX) ] || missing="$$missing nginx-core"; \
	command -v systemd-analyze >/dev/null 2>&1 || missing="$$missing systemd"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else SUDO=none; fi; \
	  if [ "$$SUDO" != none ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's$$missing for the browser and deployment tests..."; \
	    { $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends $$missing >/dev/null; } \
	      || echo "WARNING: apt could not install$$missing: the tests needing them will be skipped."; \
	  else \
	    echo "WARNING: no apt-get or no root to install$$missing: the tests needing them will be skipped."; \
	  fi; \
	fi

chromium: system-packages

pytest: install system-packages
	DJANGO_SETTINGS_MODULE=marketplace.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles
