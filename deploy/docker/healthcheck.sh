#!/usr/bin/env bash
# Docker HEALTHCHECK of every edge-stack container: healthy while the instance's admin port answers
# GET /health/ready with 200 (ready for traffic, not draining). Uses bash's /dev/tcp only, so the
# image needs no curl.
set -euo pipefail

port="${EDGE_ADMIN_PORT:?EDGE_ADMIN_PORT is not set (expected: the admin port of this instance)}"
exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
IFS=' ' read -r -t 2 _ status _ <&3
[[ "$status" == "200" ]]
