# Build stage: the whole Maven build, tests skipped (CI runs them).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY common/pom.xml common/
COPY node/pom.xml node/
COPY router/pom.xml router/
COPY launcher/pom.xml launcher/
# Dependencies in their own layer, so a code change does not download them again.
RUN mvn -B -ntp -q dependency:go-offline -DexcludeArtifactIds=px-kvstore-common,px-kvstore-node,px-kvstore-router || true
COPY common common
COPY node node
COPY router router
COPY launcher launcher
RUN mvn -B -ntp -q -DskipTests package

# Run stage: a JRE and the one jar. The same image runs a node or the router.
FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/pxkv pxkv \
 && mkdir -p /var/lib/pxkv/data /var/lib/pxkv/router /etc/pxkv \
 && chown -R pxkv /var/lib/pxkv
COPY --from=build /src/launcher/target/px-kvstore.jar /opt/pxkv/px-kvstore.jar
USER pxkv
WORKDIR /var/lib/pxkv
ENV PXKV_HOST=0.0.0.0
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/pxkv/px-kvstore.jar"]
CMD ["--help"]
