package dev.edgestack.balancer.vertx;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** A whole upstream answer, buffered: what composition works with. */
public record UpstreamResponse(int status, MultiMap headers, Buffer body) {}
