# Production image: a static-ish release binary on Debian slim. libpq, SQLite and
# OpenSSL are built into the binary (bundled/vendored), so the runtime needs no -dev
# packages.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && strip target/release/shortlist

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/shortlist --create-home shortlist
COPY --from=build /src/target/release/shortlist /usr/local/bin/shortlist
USER shortlist
WORKDIR /var/lib/shortlist
ENV SHORTLIST_BIND=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/shortlist"]
CMD ["serve"]
