# The px-kvstore image: the one jar on a Java runtime cut down to the modules it uses. The same
# image runs a node, the router or a local cluster (the command picks).
#
# The jar is built on the host first, by the same Maven build the tests run:
#   mvn -B -ntp -q -DskipTests package     # launcher/target/px-kvstore.jar
# (A Maven stage in here would need Maven Central from inside the build, and Docker's classic
# builder, which Debian's docker.io and docker-compose 1.x use, runs every stage, wanted or not.)
#
# Build arguments (docker-compose.yml passes PXKV_JDK_IMAGE and PXKV_BASE_IMAGE through):
#   JDK_IMAGE   a JDK 17 with jdeps and jlink on the PATH; only the runtime it cuts is kept
#   BASE_IMAGE  what the image runs on: any glibc Linux with bash
# Offline, scripts/docker-base-images.sh builds both from Debian's packages.
ARG JDK_IMAGE=eclipse-temurin:17-jdk
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${JDK_IMAGE} AS runtime
COPY launcher/target/px-kvstore.jar /tmp/px-kvstore.jar
# jdeps lists the modules the jar's classes use (java.base, java.logging, java.naming for Netty's
# DNS, jdk.unsupported for its direct buffers, ...); jdk.naming.dns is what java.naming's DNS
# lookups load by name, which jdeps cannot see. -Xshare:dump writes the class data sharing archive
# of the new runtime's own classes: each JVM then maps them instead of parsing them at start.
# Left out: java.desktop (java.beans, only for Micrometer's Logback/Log4j binders), java.sql (its
# database binders) and java.compiler (Vert.x's compiling of .java verticles): code px-kvstore
# never loads, and java.desktop alone is a fifth of the image. java.sql brought java.logging,
# which px-kvstore's logs go through, so it is named. The compose test scrapes /metrics.
RUN modules="$(jdeps --ignore-missing-deps --print-module-deps --multi-release 17 /tmp/px-kvstore.jar \
      | tr , '\n' | grep -vx -e java.desktop -e java.sql -e java.compiler | paste -sd,),java.logging" \
 && echo "runtime modules: $modules,jdk.naming.dns" \
 && jlink --add-modules "$modules,jdk.naming.dns" --strip-java-debug-attributes --no-man-pages \
      --no-header-files \
      --output /opt/java \
 && /opt/java/bin/java -Xshare:dump -version

FROM ${BASE_IMAGE}
# A fixed uid, so that volumes keep their owner whatever base the image is rebuilt on.
RUN groupadd --system --gid 10001 pxkv \
 && useradd --system --uid 10001 --gid pxkv --home-dir /var/lib/pxkv --no-create-home pxkv \
 && mkdir -p /var/lib/pxkv/data /var/lib/pxkv/router /etc/pxkv \
 && chown -R pxkv:pxkv /var/lib/pxkv
ENV JAVA_HOME=/opt/java \
    PATH=/opt/java/bin:$PATH \
    PXKV_HOST=0.0.0.0
COPY --from=runtime /opt/java /opt/java
COPY docker/pxkv-get /usr/local/bin/pxkv-get
COPY launcher/target/px-kvstore.jar /opt/pxkv/px-kvstore.jar
USER pxkv
WORKDIR /var/lib/pxkv
EXPOSE 8080 9001
# Every 2 s: Docker's first check comes one interval after the start, and a node or router serves
# in about a second. The check itself is bash, no process forks, no JVM.
HEALTHCHECK --interval=2s --timeout=2s --start-period=60s --retries=3 CMD ["pxkv-get", "/health"]
# SIGTERM runs the JVM's shutdown hook: stop serving, flush and fsync pending writes, release the
# data directory's LOCK. Java is PID 1 (exec form), so the signal reaches it directly.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/pxkv/px-kvstore.jar"]
CMD ["--help"]
