ARG BASE_TAG
FROM alpine:${BASE_TAG} AS base
FROM --platform=linux/amd64 alpine:3.20 AS pinned
FROM --platform=$TARGETPLATFORM alpine:3.20 AS redundant
FROM ${NO_SUCH_ARG:-alpine:3.20} AS undefined-from
FROM alpine:3.20 AS scratch
# not a description
FROM --platform=linux/arm64 alpine:3.20 AS Other
from alpine:3.20 as dup
FROM alpine:3.20 AS dup
ENV PASSWORD=hunter2
MAINTAINER someone@example.com
ENV LEGACY value
WORKDIR relative
COPY $MISSING_VAR /x
EXPOSE 80/TCP
EXPOSE 127.0.0.1:8080:80
RUN echo a \

    b
CMD echo one
CMD ["echo", "two"]
