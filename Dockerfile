# The image of any platform service: docker build --build-arg SERVICE=<name> -t hrss/<name> .
# It holds the service and the libs its pyproject.toml declares (infra/docker/install_service.py), no other service.
# CMD migrates the service's schema (replicas queue on an advisory lock) and grants the service's own database role,
# then runs its nameko entrypoint
# ([tool.hrss] entrypoint in its pyproject.toml). The outbox relay is the same image with
# `python -m hrss.bus.relay --service <name>` (a sidecar in helm, `<name>-relay` in compose).

# hrss-drawnative (the draw's native SHA-256 tickets) is a C extension: built here, so the image has no compiler.
FROM python:3.11-slim AS native
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
COPY libs/drawnative/ /src/drawnative/
RUN pip wheel --no-deps --wheel-dir /wheels /src/drawnative

FROM python:3.11-slim
ARG SERVICE
RUN test -n "$SERVICE" || { echo "build with --build-arg SERVICE=<name> (a folder of services/)" >&2; exit 1; }
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HRSS_SERVICE=${SERVICE}
WORKDIR /app

COPY requirements/lock.txt /tmp/lock.txt
RUN pip install -r /tmp/lock.txt

COPY --from=native /wheels/ /tmp/wheels/
COPY infra/docker/ /app/infra/docker/
COPY libs/ /app/libs/
COPY services/${SERVICE}/ /app/services/${SERVICE}/
RUN if [ "$SERVICE" = draw ]; then pip install --no-deps /tmp/wheels/*.whl; fi \
 && python /app/infra/docker/install_service.py "$SERVICE" --skip hrss-drawnative \
 && python -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["tool"]["hrss"]["entrypoint"])' \
        "/app/services/$SERVICE/pyproject.toml" > /app/entrypoint

# Debian packages the service declares ([tool.hrss] debian: evidence's OCR), none for the others
RUN packages="$(python -c 'import sys, tomllib; print(" ".join(tomllib.load(open(sys.argv[1], "rb"))["tool"]["hrss"].get("debian", [])))' \
        "/app/services/$SERVICE/pyproject.toml")" \
 && if [ -n "$packages" ]; then apt-get update && apt-get install -y --no-install-recommends $packages \
        && rm -rf /var/lib/apt/lists/*; fi

WORKDIR /app/services/${SERVICE}
USER 10001:10001
EXPOSE 8000
# HRSS_MIGRATE_ON_START=0 when migrations run elsewhere (helm: the `migrate` init container, which alone holds the
# schema owner's DSN); compose migrates here, with HRSS_PG_MIGRATE_DSN, then serves as the service's own role.
CMD ["sh", "-c", "if [ \"${HRSS_MIGRATE_ON_START:-1}\" != 0 ]; then python -m hrss.db.migrations --service \"$HRSS_SERVICE\" || exit 1; fi; exec nameko run --config config.yaml \"$(cat /app/entrypoint)\""]
