# conform in a container, for runners that prefer one: Kubernetes (CronJobs,
# indexed Jobs), AWS Batch array jobs, GitLab CI. The image is built by the
# release workflow from the release's static (musl) binaries, not from
# source, for linux/amd64 and linux/arm64:
#
#   scripts/docker-context DIST_DIR CONTEXT   # CONTEXT/linux/amd64/conform, ...
#   docker buildx build --platform linux/amd64,linux/arm64 -f Dockerfile CONTEXT
#
# Alpine rather than distroless or scratch: GitLab CI runs a job's script
# with the image's shell; the base image also brings the CA certificates
# that TLS to AWS needs. conform runs as an unprivileged user (10001).
FROM alpine:3.22

ARG TARGETPLATFORM

RUN addgroup -S -g 10001 conform \
    && adduser -S -D -H -u 10001 -G conform -h /work conform \
    && mkdir -p /work \
    && chown conform:conform /work

COPY --chmod=0755 ${TARGETPLATFORM}/conform /usr/local/bin/conform

USER 10001:10001
WORKDIR /work

ENTRYPOINT ["/usr/local/bin/conform"]
CMD ["--help"]
