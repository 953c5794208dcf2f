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
# that TLS to AWS needs. conform runs as an unprivileged user (10001, no
# shell login), in /tmp: mount a volume for report files. There is no RUN
# step, so building the other architecture needs no emulator.
FROM alpine:3.22

ARG TARGETPLATFORM

COPY --chmod=0755 ${TARGETPLATFORM}/conform /usr/local/bin/conform

USER 10001:10001
ENV HOME=/tmp
WORKDIR /tmp

ENTRYPOINT ["/usr/local/bin/conform"]
CMD ["--help"]
