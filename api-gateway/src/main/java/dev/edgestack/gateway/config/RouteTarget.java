package dev.edgestack.gateway.config;

import dev.edgestack.gateway.route.UpstreamTemplate;
import java.time.Duration;
import java.util.List;

/**
 * Where a matched route's request goes: one upstream (proxied), one of several by weight (split) or
 * several at once (composed).
 */
public sealed interface RouteTarget
    permits RouteTarget.Proxy, RouteTarget.Compose, RouteTarget.Split {

  /** Streams the request to {@code upstream} at {@code path}. */
  record Proxy(String upstream, UpstreamTemplate path) implements RouteTarget {}

  /** Streams the request at {@code path} to one of the split's upstreams, chosen per request. */
  record Split(TrafficSplit split, UpstreamTemplate path) implements RouteTarget {}

  /** Calls every part in parallel within {@code timeout} and answers one JSON document. */
  record Compose(List<ComposePart> parts, Duration timeout) implements RouteTarget {
    public Compose {
      parts = List.copyOf(parts);
    }
  }
}
