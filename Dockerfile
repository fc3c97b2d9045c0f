# syntax=docker/dockerfile:1

# Node.js 24 LTS ("Krypton", supported until April 2028) on Debian 12 bookworm, the Debian
# release the test suite runs on. Pinned to an exact release; pin the digest as well when
# publishing (docs/kubernetes.md shows how).
FROM node:24.20.0-bookworm-slim AS base
WORKDIR /app

# Build with every dependency. NODE_ENV stays unset here: production would make npm skip
# the devDependencies the TypeScript build needs.
FROM base AS build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ormconfig.ts ./
COPY src ./src
RUN npm run build

# Production dependencies only. --omit=optional also drops typescript (an optional peer of
# @nestjs/swagger, needed only by its compile-time plugin) and pg-cloudflare (Workers only).
# No install script is needed at run time; skipping them keeps telemetry postinstalls out.
FROM base AS production-dependencies
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

# tini from Debian as PID 1: it forwards SIGTERM to node and reaps zombies. Node as PID 1
# would ignore a SIGTERM arriving before the app installs its handlers, during start-up.
FROM base AS init
RUN apt-get update \
 && apt-get install --yes --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

FROM base AS runtime
# OCI image labels: what the image is and which commit it was built from, for registries,
# scanners and `docker inspect`. CI passes the two build arguments:
#   docker build --build-arg VERSION=1.0.0 --build-arg REVISION=$(git rev-parse HEAD) .
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="host-connections" \
      org.opencontainers.image.description="GET /host-connections: a guest organization lists the host organizations it is connected to." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/node:24.20.0-bookworm-slim"
ENV NODE_ENV=production
# The container runs node alone: the package managers are build tools.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
  /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
  /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
COPY --from=init /usr/bin/tini /usr/bin/tini
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The image's "node" user, by number: with runAsNonRoot the kubelet can only verify a
# numeric user. The application files stay owned by root, so the process cannot change them.
USER 1000:1000
# The API (PORT) and GET /metrics (METRICS_PORT).
EXPOSE 3000 9464
ENTRYPOINT ["/usr/bin/tini", "--"]
# V8's memory reducer shrinks an idle heap; the next burst after ~20 s of quiet then costs
# twice the CPU per request for seconds while the heap grows back (docs/benchmarks.md).
# A server keeps its heap instead: the memory limit is sized for the busy heap anyway.
CMD ["node", "--no-memory-reducer", "dist/src/main.js"]
