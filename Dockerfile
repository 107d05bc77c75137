# syntax=docker/dockerfile:1
# Trove server image: `trove serve` with the role chosen at run time (TROVE_ROLE or --role).
# Not built on the machine this was written on (no Docker there): see docs/DEPLOY.md.

# ---- build: all dependencies, the web UI, then drop dev dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Electron's postinstall downloads a binary the server never uses; the desktop build is not made here.
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1 \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (build:web) needs the sources, copied below; native packages that
# need their install scripts (sharp, canvas, ffmpeg installers) are rebuilt explicitly.
RUN npm ci --ignore-scripts && npm rebuild
COPY . .
RUN npm run build:web && npm run build:server && npm prune --omit=dev

# ---- runtime: production dependencies, the built server (dist/server) and UI ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    TROVE_HOST=0.0.0.0 \
    TROVE_ALLOW_REMOTE=1 \
    TROVE_DATA_DIR=/data \
    TROVE_ROLE=all \
    PORT=8080
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/renderer ./dist/renderer
COPY --from=build /app/package.json ./
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist/server ./dist/server
# A non-root user owning only the data dir (scratch space, local blobs when GCS is not used).
RUN groupadd --system trove && useradd --system --gid trove --home /data trove \
    && mkdir -p /data && chown trove:trove /data
USER trove
EXPOSE 8080
# Both the API and a worker answer /api/v1/health on $PORT (200 when the database answers).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/api/v1/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The role comes from TROVE_ROLE (all | api | worker); `--role` on the command line overrides it.
CMD ["node", "bin/trove.js", "serve"]
