FROM python:3.11-slim-bookworm

# Pango and HarfBuzz's subsetter for fast CJK PDFs, a CJK font, gettext for translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-noto-cjk gettext nodejs npm \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir -e '.[s3]'
COPY package.json ./
RUN npm install --omit=dev --no-audit --no-fund
COPY . .
RUN python manage.py compilemessages --ignore=node_modules -v 0 \
 && DEBUG=1 python manage.py collectstatic --noinput -v 0

RUN useradd --system --create-home onegate && mkdir -p /app/var && chown onegate /app/var
USER onegate
ENV VAR_DIR=/app/var
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
