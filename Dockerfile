# syntax=docker/dockerfile:1
# Petstore: one static binary on a distroless base, running as a non-root
# user, with its SQLite database (and backups) on the /data volume.
#
#   docker build -t petstore .
#   docker run -d --name petstore -p 3000:3000 -v petstore-data:/data petstore
#
# The first build compiles the dependencies (a few minutes); later builds
# reuse the module and build caches.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# CGO_ENABLED=0: SQLite is pure Go (modernc.org/sqlite), so the binary is
# static. -buildvcs=true keeps the commit for `petstore version` when the
# build context has .git (it is ignored otherwise).
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -buildvcs=auto -ldflags="-s -w" -o /out/petstore . \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/petstore /usr/local/bin/petstore
# The data directory belongs to the image's non-root user (65532).
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
WORKDIR /data
ENV DB_PATH=/data/petstore.db \
    LISTEN_ADDR=:3000 \
    LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 3000
# The binary checks itself: distroless has no shell, curl or wget.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/petstore", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/petstore"]
CMD ["serve"]
