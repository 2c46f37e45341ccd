# rpemu, the Azure Compute restore point emulator, as a container.
#   docker build -t rpemu .
#   docker run --rm -p 8080:8080 -p 8443:8443 -v rpemu-data:/data rpemu
# Every flag of `rpemu serve` has an env twin RPEMU_<FLAG> (docker run -e RPEMU_LOG_LEVEL=debug ...), or append
# flags after the subcommand: docker run rpemu serve --in-memory --page-size 10
#
# HTTPS by name: the emulator's TLS certificate names only the hosts in --tls-hostname / RPEMU_TLS_HOSTNAME
# (comma-separated in env). To reach it as https://rpemu:8443 from another container on the same network, start
# it with RPEMU_TLS_HOSTNAME=localhost,rpemu and have the client trust GET /_emulator/tls/ca.pem. The CA is
# generated once into /data, so keep /data on a volume or clients must re-trust it after every restart.

FROM swift:6.3-bookworm AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libsqlite3-dev libssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Manifest first, then sources: unchanged layers stay cached. SwiftPM loads every target the manifest declares,
# test targets included, so Tests must be present for a build of the rpemu product alone.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
# --static-swift-stdlib links the Swift runtime, Foundation and Dispatch into the binary: the runtime stage
# needs only the system libraries below (ldd: libssl.so.3, libcrypto.so.3, libsqlite3.so.0, libstdc++.so.6,
# libgcc_s.so.1, libm, libc).
RUN swift build -c release --product rpemu --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/rpemu" /out/rpemu

FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates libsqlite3-0 libssl3 libstdc++6 \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --user-group --uid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin rpemu \
    && mkdir -p /data \
    && chown rpemu:rpemu /data
COPY --from=build /out/rpemu /usr/local/bin/rpemu
ENV RPEMU_HOST=0.0.0.0 RPEMU_DATA_DIR=/data
# Declared after the chown so a new named volume starts out owned by rpemu.
VOLUME /data
USER rpemu
WORKDIR /data
EXPOSE 8080 8443
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["rpemu", "healthcheck"]
ENTRYPOINT ["rpemu"]
CMD ["serve"]
