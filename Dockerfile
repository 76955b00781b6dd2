# dailybrief in one container: the editor app (dailybrief serve, port 8000) and the daily job
# (dailybrief daily at DAILYBRIEF_DAILY_AT every day). Everything it keeps lives in the /data volume:
# the config, the archive, each day's brief folder and the approved briefs.
#
#   docker build -t dailybrief .
#   docker run -d --name dailybrief -p 8000:8000 -v /srv/dailybrief:/data \
#       -e TZ=Asia/Shanghai -e DAILYBRIEF_DAILY_AT=06:30 -e SMTP_PASSWORD=… -e WECOM_URL=… dailybrief
#   docker exec -it dailybrief dailybrief user add alice --db /data/dailybrief.db
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TZ=Asia/Shanghai \
    DAILYBRIEF_CONFIG=/data/dailybrief.toml \
    DAILYBRIEF_DB=/data/dailybrief.db \
    DAILYBRIEF_DAILY_AT=06:30

# CJK fonts for the PDF and the cover picture; tzdata so TZ and DAILYBRIEF_DAILY_AT mean local time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk tzdata \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY dailybrief ./dailybrief
RUN pip install --no-cache-dir . \
    && useradd --system --home-dir /data --shell /usr/sbin/nologin dailybrief \
    && mkdir -p /data && chown dailybrief /data
COPY docker/entrypoint.sh /usr/local/bin/dailybrief-entrypoint

USER dailybrief
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=60s --timeout=5s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
ENTRYPOINT ["/usr/local/bin/dailybrief-entrypoint"]
