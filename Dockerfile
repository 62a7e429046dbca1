# archgen as a container image, for CI systems that run containers.
#
# Built by the release workflow (.github/workflows/container-image.yml) from
# the static musl binaries that `dist` built for the release: nothing is
# compiled here. It expects dist/amd64/archgen and dist/arm64/archgen in the
# build context.
#
# distroless/static: no shell, no package manager; CA certificates (deploy
# talks to AWS over TLS) and time zone data only. Runs as the non-root user
# 65532. Mount the project and run, e.g.:
#   docker run --rm -u "$(id -u)" -v "$PWD:/work" ghcr.io/archgen/archgen synth prod
FROM gcr.io/distroless/static-debian12:nonroot
ARG TARGETARCH
COPY --chmod=0755 dist/${TARGETARCH}/archgen /usr/local/bin/archgen
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/archgen"]
CMD ["--help"]
