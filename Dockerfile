FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core fontconfig \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
# Run-time dependencies only (pinned with hashes); tests and tooling are in requirements-dev.txt.
RUN pip install --no-cache-dir --upgrade 'pip>=25' \
    && pip install --no-cache-dir --require-hashes -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && SECRET_KEY=build-only python manage.py compile_translations
RUN useradd --create-home ikc && mkdir -p /app/var && chown -R ikc /app/var
USER ikc
EXPOSE 8000
CMD ["gunicorn", "ikc_share.wsgi:application", "--config", "gunicorn.conf.py"]
