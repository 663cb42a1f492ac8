# FlakeGuard's image: the single executable that `npm run build` makes (Node, the server, the UI and the
# database engines in one file), copied onto debian:bookworm-slim, as PocketBase's and Gatus's images
# copy theirs. Build the executable first, then the image:
#   npm run build && podman build -t flakeguard:local .      (or docker build)
# The context holds only dist/flakeguard (see .dockerignore), so the image needs no registry but the base.
FROM debian:bookworm-slim

# A fixed non-root uid/gid, so a host directory can be chowned for the /data volume (chown 10001:10001).
RUN groupadd --system --gid 10001 flakeguard \
 && useradd --system --uid 10001 --gid flakeguard --home-dir /home/flakeguard --create-home \
      --shell /usr/sbin/nologin flakeguard \
 && mkdir -p /data \
 && chown flakeguard:flakeguard /data

# The executable links only glibc and libstdc++, both in bookworm-slim (apt depends on libstdc++6).
COPY --chown=root:root --chmod=0755 dist/flakeguard /usr/local/bin/flakeguard

# The SQLite addon is unpacked once into $HOME/.cache/flakeguard (or the temp directory when the root
# file system is read-only); the data directory is the volume. 0.0.0.0: reachable through published ports.
ENV FLAKEGUARD_HOST=0.0.0.0 \
    FLAKEGUARD_PORT=8080 \
    FLAKEGUARD_DATA_DIR=/data \
    HOME=/home/flakeguard
USER flakeguard
WORKDIR /data
VOLUME /data
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/flakeguard", "health", "--timeout", "4"]
ENTRYPOINT ["/usr/local/bin/flakeguard"]
CMD ["serve"]
